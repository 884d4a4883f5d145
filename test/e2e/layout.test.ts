// Layout at the sizes the console is used at: a 1280 px laptop and a 1600 px desk screen, where the
// plan's room names stay readable and apart with the side panel open (drawn in screen pixels), the
// header stays one row with the facility's name (shortened, full name in its tooltip, when room
// is short) and everything an admin can open (the first three pages as buttons, the rest in a More
// menu), and a phone (390×844), where the header collapses to one row and the alarm queue is the
// first screen. The built dashboard in headless Chromium against the real server (demo facility).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { headerRows } from '../support/header.layout.ts';

let stack: DashboardStack;

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_layout' });
});

afterAll(() => stack?.close());

async function signedIn(role: 'officer' | 'admin', viewport: { width: number; height: number }): Promise<Page> {
  const page = await stack.openPage();
  await page.setViewportSize(viewport);
  await stack.signIn(page, role);
  return page;
}

/** The facility's name in the header: how it is drawn, and whether all of it shows. */
function facilityName(page: Page): Promise<{ text: string; title: string; width: number; fontPx: number; clipped: boolean; visible: boolean }> {
  return page.locator('.header__title').evaluate((el) => ({
    text: el.textContent ?? '',
    title: el.getAttribute('title') ?? '',
    width: el.getBoundingClientRect().width,
    fontPx: parseFloat(getComputedStyle(el).fontSize),
    clipped: el.scrollWidth > el.clientWidth,
    visible: el.checkVisibility({ visibilityProperty: true, opacityProperty: true }),
  }));
}

/** The smallest share of the name's width that must show when it is shortened: enough to recognise it. */
const NAME_MIN_PX = 110;

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1600, height: 1000 },
]) {
  describe(`header at ${viewport.width} px`, () => {
    for (const locale of ['en', 'zh'] as const) {
      it(`is one row for an admin with the facility's name, in ${locale}`, async () => {
        const page = await signedIn('admin', viewport);
        if (locale === 'zh') {
          await page.getByRole('button', { name: '中文' }).click();
          // The facility file's Chinese names (config/facility.yaml: nameZh), the longest text the header holds.
          await expect(page.locator('.header__site option[value="hq"]').textContent()).resolves.toBe('总部园区');
          await page.getByRole('tab', { name: /办公楼一层/ }).waitFor();
        }
        const rows = await headerRows(page);
        await shoot(page, `layout-${viewport.width}-${locale}`);
        // Every control starts on the first line, and the header is no taller than one line of them.
        expect(Math.max(...rows.tops) - Math.min(...rows.tops), JSON.stringify(rows)).toBeLessThan(rows.tallest);
        expect(rows.height, JSON.stringify(rows)).toBeLessThan(rows.tallest * 1.8);
        // Nothing pushed out sideways or clipped either.
        expect(rows.right, JSON.stringify(rows)).toBeLessThanOrEqual(rows.headerRight);
        await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(viewport.width);
        // The officer sees where this console is: the name, readable, and when shortened the whole of it in the tooltip.
        const name = await facilityName(page);
        expect(name.text, JSON.stringify(name)).toBe(locale === 'zh' ? '河畔行政服务中心' : 'Riverside Administrative Services Centre');
        expect(name.visible, JSON.stringify(name)).toBe(true);
        expect(name.fontPx, JSON.stringify(name)).toBeGreaterThanOrEqual(16);
        if (name.clipped) {
          expect(name.width, JSON.stringify(name)).toBeGreaterThanOrEqual(NAME_MIN_PX);
          expect(name.title, JSON.stringify(name)).toBe(name.text);
        }
        await page.context().close();
      });
    }
  });
}

/** The plan's texts as drawn: where, how big, whether shown, and whether cut short. */
function planLabels(page: Page) {
  return page.locator('.plan__canvas .plan__label').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return {
        text: el.textContent ?? '',
        kind: el.classList.contains('plan__label--room') ? 'room' : 'note',
        shown: style.visibility !== 'hidden',
        box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
        fontPx: parseFloat(style.fontSize),
        clipped: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
        title: el.getAttribute('title'),
      };
    }),
  );
}

/** Smallest text on the plan: readable from the officer's chair. */
const LABEL_MIN_PX = 11;

describe('room labels with the side panel open', () => {
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1600, height: 1000 },
  ]) {
    it(`stay readable and apart on every floor at ${viewport.width}×${viewport.height}`, async () => {
      const page = await signedIn('officer', viewport);
      const tabs = page.locator('.plan__tabs [role="tab"]');
      await tabs.first().waitFor();
      const floors = await tabs.count();
      for (let i = 0; i < floors; i += 1) {
        // At 1280 px the panel is a drawer over the floor tabs: closed to change floors, opened again on a sensor of this floor.
        const panel = page.getByTestId('sensor-panel');
        if ((await panel.count()) > 0) await panel.getByRole('button', { name: 'Close' }).click();
        const floor = (await tabs.nth(i).textContent()) ?? String(i);
        await tabs.nth(i).click();
        await page.locator('.plan__canvas [data-sensor-id]').first().click();
        await panel.waitFor();
        await page.locator('.plan__canvas .plan__label--room').first().waitFor({ state: 'attached' });
        const cover = (await panel.boundingBox())!;
        // Texts under the drawer are not seen at all; the rest must be readable.
        const labels = (await planLabels(page)).filter((l) => l.box.right <= cover.x || l.box.left >= cover.x + cover.width);
        if (i === 0) await shoot(page, `plan-labels-${viewport.width}`);
        const why = `${floor}: ${JSON.stringify(labels)}`;
        // Every room keeps its name on the plan; only small print may give way.
        expect(
          labels.filter((l) => l.kind === 'room' && !l.shown).map((l) => l.text),
          why,
        ).toEqual([]);
        const shown = labels.filter((l) => l.shown);
        for (const l of shown) {
          expect(l.fontPx, why).toBeGreaterThanOrEqual(LABEL_MIN_PX);
          // Cut short only with the whole text in its tooltip.
          if (l.clipped) expect(l.title, why).toBe(l.text);
        }
        for (const [n, a] of shown.entries()) {
          for (const b of shown.slice(n + 1)) {
            const apart = a.box.right <= b.box.left || b.box.right <= a.box.left || a.box.bottom <= b.box.top || b.box.bottom <= a.box.top;
            expect(apart, `${floor}: "${a.text}" over "${b.text}"`).toBe(true);
          }
        }
        // The picture itself carries no text any more (it would shrink with the plan).
        const src = (await page.locator('.plan__canvas .plan__image').getAttribute('src')) ?? '';
        expect(decodeURIComponent(src)).not.toContain('<text');
      }
      await page.context().close();
    });
  }
});

describe('the More menu', () => {
  it('holds the pages after the first three, and marks the one open', async () => {
    const page = await signedIn('admin', { width: 1280, height: 720 });
    const more = page.getByRole('button', { name: 'More' });
    // Closed, its pages are not offered; the first three are buttons of their own.
    await expect(page.getByRole('button', { name: 'Audit', exact: true }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Alarm log' }).waitFor();
    await more.click();
    for (const name of ['Devices found', 'Reports', 'Audit', 'Administration']) await page.getByRole('button', { name, exact: true }).waitFor();
    await shoot(page, 'layout-1280-more');
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await page.waitForURL(/#\/audit$/);
    await expect(page.getByRole('button', { name: 'Audit', exact: true }).count()).resolves.toBe(0);
    await expect(more.getAttribute('aria-pressed')).resolves.toBe('true');
    // Escape closes it and gives the focus back to More.
    await more.click();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Reports', exact: true }).count()).resolves.toBe(0);
    await expect(more.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.context().close();
  });
});

describe('phone (390×844)', () => {
  it('collapses the header to one row and shows the alarm queue on the first screen', async () => {
    // Signed in at a desktop size: the sign-in helper waits for the user's name, which the phone's header folds away.
    const page = await signedIn('officer', { width: 1280, height: 720 });
    await page.setViewportSize({ width: 390, height: 844 });
    await mosquittoPub(stack.broker.port, 'vigil/hq/TWR-1F-SMK-LOBBY/event', { type: 'smoke' });
    const row = page.locator('[data-testid="alarm-queue"] [data-alarm-id]').first();
    await row.waitFor({ timeout: 10_000 });
    await shoot(page, 'layout-phone');

    const rows = await headerRows(page);
    expect(Math.max(...rows.tops) - Math.min(...rows.tops), JSON.stringify(rows)).toBeLessThan(rows.tallest);
    expect(rows.height, JSON.stringify(rows)).toBeLessThan(rows.tallest * 1.8);
    // The alarm is on the first screen, without scrolling, and nothing is wider than the phone.
    const box = await row.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    await expect(page.evaluate(() => window.scrollY)).resolves.toBe(0);
    // Wider than the screen and not inside a box that scrolls or clips it: the page would scroll sideways.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => {
          if (el.getBoundingClientRect().right <= 391 || !el.checkVisibility({ visibilityProperty: true })) return false;
          for (let up = el.parentElement; up; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== 'visible' && up.getBoundingClientRect().right <= 391) return false;
          }
          return true;
        })
        .map((el) => `${el.tagName}.${el.className}`),
    );
    expect(wide.slice(0, 5)).toEqual([]);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);

    // Menu opens the rest; choosing a page closes it again.
    await expect(page.getByRole('button', { name: 'Alarm log' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByTestId('header-user').waitFor();
    await shoot(page, 'layout-phone-menu');
    await page.getByRole('button', { name: 'Alarm log' }).click();
    await page.waitForURL(/#\/log$/);
    await expect(page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).resolves.toBe('false');
    // The log's table is wider than a phone: it scrolls inside its box, the page does not.
    const table = page.locator('.log__table-wrap');
    await table.waitFor({ timeout: 10_000 });
    await shoot(page, 'layout-phone-log');
    await expect(table.evaluate((el) => el.scrollWidth > el.clientWidth)).resolves.toBe(true);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await page.context().close();
  });
});

describe('the console in Chinese', () => {
  it('shows the alarm row, its detail, procedure and history notes in Chinese: no Latin words but units and ids', async () => {
    const page = await signedIn('officer', { width: 1600, height: 1000 });
    await page.getByRole('button', { name: '中文' }).click();
    // The plan's own texts (room names, notes) follow the language too: the plan's data-zh.
    await page
      .locator('.plan__canvas .plan__label', { hasText: /[\u4e00-\u9fff]/ })
      .first()
      .waitFor();
    const planTexts = await page.locator('.plan__canvas .plan__label').allTextContents();
    expect(planTexts.filter((t) => !/[\u4e00-\u9fff]|^[A-Z]?\d+$/.test(t.trim()))).toEqual([]);
    await mosquittoPub(stack.broker.port, 'vigil/hq/CAN-GAS-01/reading', { ts: Date.now(), value: 25, unit: '%LEL' });
    const row = page.locator('[data-testid="alarm-queue"] [data-alarm-id]', { hasText: '厨房燃气（炒灶）' }).first();
    await row.waitFor({ timeout: 10_000 });
    // The message is rendered from its key in the viewer's language, never the English line.
    await expect(row.locator('.alarm__title').getAttribute('title')).resolves.toBe('厨房燃气（炒灶）：燃气浓度 25 %LEL（≥ 高限 20）');
    await row.click();
    const steps = page.getByTestId('sop-steps');
    await steps.waitFor();
    // A click, not check(): the box follows the history, ticked once the server has recorded the step.
    await page.locator('.sop__tick').first().click();
    const tick = page.locator('[data-testid="alarm-history"] [data-kind="sop_step"] .timeline__note');
    await tick.waitFor({ timeout: 10_000 });
    await shoot(page, 'console-zh');
    // A step's text sits beside its number and tick box and takes the panel's width: it was once laid
    // in the number's 2 rem column, one word a line.
    const step = await steps
      .locator('.sop__step')
      .first()
      .evaluate((li) => {
        const box = (el: Element) => {
          const r = el.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
        };
        return {
          li: box(li),
          number: box(li.querySelector('.sop__number')!),
          tick: box(li.querySelector('.sop__tick')!),
          text: box(li.querySelector('.sop__text')!),
        };
      });
    expect(step.tick.left).toBeGreaterThanOrEqual(step.number.right);
    expect(step.text.left).toBeGreaterThanOrEqual(step.tick.right);
    expect(step.text.top).toBeLessThan(step.number.bottom);
    expect(step.text.width).toBeGreaterThan(step.li.width / 2);
    // The floor tabs' Chinese names wrap at most once, like the English ones: broken by the character,
    // a tab once shrank to one character a line.
    const tabLines = await page.locator('.plan__tabbar .plan__tabs .plan__tab').evaluateAll((tabs) =>
      tabs.map((tab) => {
        const name = tab.querySelector('.plan__tab-name') ?? tab;
        return Math.round(name.getBoundingClientRect().height / parseFloat(getComputedStyle(name).lineHeight));
      }),
    );
    expect(tabLines.length).toBeGreaterThan(0);
    expect(Math.max(...tabLines), JSON.stringify(tabLines)).toBeLessThanOrEqual(2);
    const texts = {
      row: await row.locator('.alarm__title').innerText(),
      facts: await page.locator('.detail__facts').innerText(),
      // The steps' words (who ticked one is a user id).
      procedure: (await steps.locator('.sop__text').allInnerTexts()).join('\n'),
      note: await tick.innerText(),
    };
    const all = Object.values(texts).join('\n');
    expect(all).toContain('厨房燃气（炒灶）：燃气浓度 25 %LEL（≥ 高限 20）');
    expect(texts.procedure).toContain('立即疏散该区域和整个楼层');
    expect(texts.note).toMatch(/^1\. 立即疏散/);
    expect(all).not.toContain('Kitchen gas');
    // Units (%LEL, ppm) and ids (CAN-GAS-01) stay as they are; no other Latin word.
    const latin = all.replace(/%LEL|ppm|[A-Z]+(?:-[A-Z0-9]+)+/g, ' ').match(/[A-Za-z]+/g) ?? [];
    expect(latin, JSON.stringify(texts)).toEqual([]);
    await page.context().close();
  });
});
