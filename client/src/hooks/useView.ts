/** Which page is shown, kept in the URL hash so a reload or a bookmark lands on the same page. */
import { useCallback, useEffect, useState } from 'react';

export const VIEWS = ['console', 'log'] as const;
export type View = (typeof VIEWS)[number];

function readView(): View {
  return window.location.hash === '#/log' ? 'log' : 'console';
}

export function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(readView);
  useEffect(() => {
    const handleHashChange = (): void => setView(readView());
    window.addEventListener('hashchange', handleHashChange);
    return () => window.removeEventListener('hashchange', handleHashChange);
  }, []);
  const select = useCallback((next: View) => {
    window.location.hash = next === 'log' ? '#/log' : '#/';
    setView(next);
  }, []);
  return [view, select];
}
