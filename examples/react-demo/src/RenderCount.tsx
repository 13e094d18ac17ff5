/** Shows how many times a component rendered (see useRenderCount); named for the e2e tests. */
export function RenderCount({ name, count }: { name: string; count: number }) {
  return (
    <span className="renders" data-testid={`renders-${name}`} title="Renders of this component">
      {count} render{count === 1 ? '' : 's'}
    </span>
  );
}
