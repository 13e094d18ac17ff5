/**
 * Rethrows `error` in a task of its own: a bug in a user's callback (a listener, `onExposure`)
 * reaches the console and the page's error handlers, but never the code that called it.
 */
export function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
