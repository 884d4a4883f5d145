import type { KeyboardEvent } from 'react';

/**
 * Keys on a focused queue row (acknowledge by keyboard shortcut): "A" acknowledges,
 * Enter opens the detail pane, arrow keys move to the row above or below. `acknowledge` is null when there is nothing to do.
 */
export function handleQueueRowKey(event: KeyboardEvent<HTMLElement>, acknowledge: (() => void) | null, open?: () => void): void {
  if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === 'a' || event.key === 'A') {
    event.preventDefault();
    acknowledge?.();
  } else if (event.key === 'Enter' && open) {
    event.preventDefault();
    open();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const row = event.currentTarget;
    const sibling = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
    if (sibling instanceof HTMLElement) sibling.focus();
  }
}
