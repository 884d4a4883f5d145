// Floor tabs never hide a badge: what does not fit goes to a menu that shows the counts.
import { describe, expect, it } from 'vitest';
import { splitTabs } from './floor.tabs.ts';

describe('floor tabs on a narrow row', () => {
  it('shows every tab when they fit, with no menu', () => {
    expect(splitTabs([100, 100, 100], 300, 80, 0)).toEqual({ visible: [0, 1, 2], overflow: [] });
  });

  it('moves the tabs that do not fit, after room for the menu button, to the menu', () => {
    expect(splitTabs([100, 100, 100, 100], 350, 80, 0)).toEqual({ visible: [0, 1], overflow: [2, 3] });
  });

  it('keeps the selected floor on the row even when it is far along', () => {
    expect(splitTabs([100, 100, 100, 100, 100], 350, 80, 4)).toEqual({ visible: [0, 4], overflow: [1, 2, 3] });
  });

  it('keeps the selected tab even when nothing else fits', () => {
    expect(splitTabs([300, 300], 200, 80, 1)).toEqual({ visible: [1], overflow: [0] });
  });
});
