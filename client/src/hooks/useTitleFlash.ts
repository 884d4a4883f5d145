import { useEffect } from 'react';

/** How fast the title alternates: noticeable in a tab bar, not a strobe (WCAG 2.3.1: < 3 flashes/s). */
const FLASH_MS = 1_000;

/** While `message` is set, the page title alternates with it (a critical alarm flashes the title). */
export function useTitleFlash(message: string | null): void {
  useEffect(() => {
    if (!message) return;
    const original = document.title;
    let on = false;
    const timer = setInterval(() => {
      on = !on;
      document.title = on ? message : original;
    }, FLASH_MS);
    return () => {
      clearInterval(timer);
      document.title = original;
    };
  }, [message]);
}
