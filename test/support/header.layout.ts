/** How the dashboard header is laid out in a browser page: whether it is one row (browser tests of the layout and of what the header shows). */
import type { Page } from 'playwright-core';

/** The header's controls: their tops, the tallest, and how far right the last one reaches. */
export async function headerRows(
  page: Page,
): Promise<{ height: number; tallest: number; tops: number[]; widths: number[]; right: number; headerRight: number }> {
  // Measured in the normal state: a health part failing (or not yet known) may take more room.
  await page.locator('.header .health[data-health="ok"]').waitFor({ state: 'attached', timeout: 10_000 });
  return page.locator('header.header').evaluate((header) => {
    const kids = [...header.children].filter((el) => el.getBoundingClientRect().height > 0);
    const boxes = kids.map((el) => el.getBoundingClientRect());
    return {
      height: header.getBoundingClientRect().height,
      tallest: Math.max(...boxes.map((b) => b.height)),
      tops: boxes.map((b) => Math.round(b.top)),
      widths: boxes.map((b) => Math.round(b.width)),
      right: Math.max(...boxes.map((b) => b.right)),
      headerRight: header.getBoundingClientRect().right,
    };
  });
}
