import { useRef } from 'react';

/** How many times the calling component has rendered: the demo shows it on every flag reader. */
export function useRenderCount(): number {
  const renders = useRef(0);
  renders.current += 1;
  return renders.current;
}
