/** Collected log lines of a relay under test (`logger: logs.logger`). */
export function captureLogs() {
  const lines: { level: string; msg: string; [key: string]: unknown }[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, ...fields });
  return { lines, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } };
}
