/**
 * Which floor tabs fit on the tab row and which go to the "More floors" menu. The menu button
 * carries the hidden floors' counts and the menu each floor's, so no badge is ever out of sight;
 * the selected floor's tab always stays on the row.
 */
export interface TabSplit {
  visible: number[];
  overflow: number[];
}

/**
 * @param widths   each tab's width, in order
 * @param available the row's width
 * @param moreWidth the "More floors" button's width, reserved only when something overflows
 * @param selected  the selected tab's index
 */
export function splitTabs(widths: readonly number[], available: number, moreWidth: number, selected: number): TabSplit {
  const all = widths.map((_, i) => i);
  if (widths.reduce((sum, w) => sum + w, 0) <= available) return { visible: all, overflow: [] };
  const room = available - moreWidth;
  const visible: number[] = [];
  let used = selected >= 0 && selected < widths.length ? (widths[selected] ?? 0) : 0;
  for (const i of all) {
    if (i === selected) continue;
    const w = widths[i] ?? 0;
    if (used + w > room) break;
    visible.push(i);
    used += w;
  }
  if (selected >= 0 && selected < widths.length) visible.push(selected);
  visible.sort((a, b) => a - b);
  return { visible, overflow: all.filter((i) => !visible.includes(i)) };
}
