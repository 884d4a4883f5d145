// The dashboard's figures with 2,000 sensors and 300 active alarms: the time to first render of
// the console (target < 1.5 s) and the time to apply one alarm update (target < 50 ms), measured
// in headless Chromium on the built dashboard. Every round is reported and the target is held by
// the median of all rounds: a slow machine shows as a failure, not as a retry that hides it. The
// backend is the stand-in of fake.vigil.ts (the real server cannot hold 300 alarms open on demand;
// test/integration/realtime.contract.test.ts holds its realtime side to the real server's).
// States the real stack cannot show on demand are checked here too, each with its screenshot: a
// busy console, the detail pane, the log, a zone chart, server trouble, the Chinese light theme.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONDITIONS, type Alarm } from '../../contract/alarm.ts';
import { conditionLabel } from '../../client/src/i18n/alarm.labels.ts';
import { DICTIONARIES } from '../../client/src/i18n/dictionary.ts';
import { ensureDashboardBuilt, launchChromium, shoot } from '../support/e2e.ts';
import { startFakeVigil, type FakeVigil } from './fake.vigil.ts';

const FACILITY = path.resolve('config/facility.yaml');
// 76 sensors in the demo facility × 27 = 2,052.
const COPIES = 27;
const ALARMS = 300;
/** Measurement rounds: all are run and reported, none is repeated. */
const ROUNDS = 3;
const UPDATE_SAMPLES = 15;
const TARGET_RENDER_MS = 1_500;
const TARGET_UPDATE_MS = 50;

let fake: FakeVigil;
let browser: Browser;
let page: Page;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * Runs in the page before the app: notes when each WebSocket message naming a marked alarm
 * arrives, so the update time is measured in the page from the frame's arrival to the DOM.
 */
function recordFrames(): void {
  const arrivals: Record<string, number> = {};
  (window as unknown as { __arrivals: Record<string, number> }).__arrivals = arrivals;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        const id = typeof e.data === 'string' ? /al_fake_new_\d+_\d+/.exec(e.data)?.[0] : undefined;
        if (id && arrivals[id] === undefined) arrivals[id] = performance.now();
      });
    }
  } as typeof WebSocket;
}

/** In the page: milliseconds from the WebSocket frame naming `id` to its row being in the queue. */
function timeToRow(id: string): Promise<number> {
  return page.evaluate(
    (alarmId) =>
      new Promise<number>((resolve) => {
        const arrivals = (window as unknown as { __arrivals: Record<string, number> }).__arrivals;
        const check = (): void => {
          const arrived = arrivals[alarmId];
          // Its own row, or the group row that took it in (docs/contracts.md#the-console-queue).
          const shown = document.querySelector(`[data-alarm-id="${alarmId}"]`) ?? document.querySelector(`[data-alarm-ids~="${alarmId}"]`);
          if (arrived !== undefined && shown) resolve(performance.now() - arrived);
          else setTimeout(check, 0);
        };
        check();
      }),
    id,
  );
}

/** Navigates to the console and returns the ms from navigation start to every alarm row and the plan on screen. */
async function firstRender(): Promise<number> {
  await page.goto(fake.url);
  return page.evaluate(
    (n) =>
      new Promise<number>((resolve) => {
        const check = (): void => {
          // Alarms on screen: a group row counts the alarms it holds.
          let rows =
            document.querySelectorAll('[data-testid="alarm-queue"] > li[data-alarm-id]').length + document.querySelectorAll('.console__silenced li').length;
          for (const group of document.querySelectorAll('[data-testid="alarm-queue"] > li[data-alarm-count]'))
            rows += Number(group.getAttribute('data-alarm-count'));
          if (rows >= n && document.querySelector('.marker')) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
    ALARMS,
  );
}

beforeAll(async () => {
  ensureDashboardBuilt();
  fake = await startFakeVigil({ facilityFile: FACILITY, copies: COPIES, alarms: ALARMS });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' })).newPage();
  await page.addInitScript(recordFrames);
});

afterAll(async () => {
  await browser?.close();
  await fake?.close();
});

describe(`console with ${COPIES * 70} sensors and ${ALARMS} active alarms`, () => {
  it('renders the console with every alarm in under 1.5 s', async () => {
    expect(fake.facility.sensors.length).toBeGreaterThanOrEqual(2_000);
    // One cold render (nothing cached), reported; then warm ones (a wall display reloading), held to the target.
    const cold = await firstRender();
    console.info(`figure: first render of the console ${Math.round(cold)} ms cold (navigation start → every alarm row and the plan)`);
    const warm: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      warm.push(await firstRender());
      console.info(`figure: first render of the console ${Math.round(warm.at(-1)!)} ms warm (round ${round} of ${ROUNDS})`);
    }
    console.info(`figure: first render, warm, median of ${ROUNDS} rounds: ${Math.round(median(warm))} ms`);
    expect(median(warm)).toBeLessThan(TARGET_RENDER_MS);
    await shoot(page, 'figures-console-300-alarms');
  });

  it('applies one alarm update in under 50 ms', async () => {
    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const samples: number[] = [];
      for (let i = 0; i < UPDATE_SAMPLES; i++) {
        const base = fake.alarms.get(`al_fake_${i * 3 + 1}`)!;
        const fresh: Alarm = {
          ...base,
          id: `al_fake_new_${round}_${i}`,
          raisedAt: Date.now(),
          activatedAt: Date.now(),
          updatedAt: Date.now(),
          state: 'active_unacked',
        };
        fake.push(fresh, 'raised');
        samples.push(await timeToRow(fresh.id));
      }
      all.push(...samples);
      console.info(
        `figure: alarm update applied in median ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (WebSocket frame → row in the DOM, ${samples.length} samples, round ${round} of ${ROUNDS})`,
      );
    }
    console.info(`figure: alarm update, median of all ${all.length} samples: ${median(all).toFixed(1)} ms`);
    expect(median(all)).toBeLessThan(TARGET_UPDATE_MS);
  });

  it('opens the detail pane of an alarm with its SOP, chart and history', async () => {
    const gasAlarm = [...fake.alarms.values()].find((a) => a.sensorKind === 'gas' && a.state === 'active_unacked')!;
    expect(gasAlarm.sop.length).toBeGreaterThan(0);
    await page.locator(`.console [data-alarm-id="${gasAlarm.id}"]`).first().click();
    const detail = page.locator(`[data-testid="alarm-detail"][data-alarm-id="${gasAlarm.id}"]`);
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain(gasAlarm.sensorName);
    // The procedure, step by step, as the facility file words it.
    await expect(detail.getByTestId('sop-steps').locator('.sop__text').allTextContents()).resolves.toEqual(gasAlarm.sop);
    // The chart has drawn the sensor's readings: one vertex per reading in its window (30 s apart here).
    const line = detail.getByTestId('detail-chart').locator('.recharts-line path').first();
    await line.waitFor({ timeout: 10_000 });
    const vertices = await line.evaluate((p) => ((p.getAttribute('d') ?? '').match(/[ML]/g) ?? []).length);
    expect(vertices).toBeGreaterThanOrEqual(20);
    // The history lists the alarm's one event so far, its raise by the system.
    const history = detail.getByTestId('alarm-history');
    await history.waitFor({ timeout: 10_000 });
    await expect(history.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')))).resolves.toEqual(['raised']);
    await expect(history.locator('li .timeline__actor').textContent()).resolves.toBe(DICTIONARIES.en['event.system']);
    // Who was told about its escalation and how it went (fake.vigil.ts answers a delivered DingTalk message and a webhook still retrying).
    expect(gasAlarm.escalationLevel).toBe(1);
    const notified = detail.getByTestId('alarm-notifications').locator('[data-notification-status]');
    await notified.first().waitFor({ timeout: 10_000 });
    await expect(notified.evaluateAll((items) => items.map((li) => li.getAttribute('data-notification-status')))).resolves.toEqual(['delivered', 'pending']);
    await expect(notified.first().textContent()).resolves.toContain('Attempt 2: delivered');
    await shoot(page, 'alarm-detail-busy');
  });

  it('shows InfluxDB trouble as a banner with since when', async () => {
    fake.health.ok = false;
    fake.health.parts.influx = { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:8086' };
    fake.health.parts.outbox = { ok: true, detail: 'buffering', depth: 1_234 };
    await page.reload();
    await page.getByTestId('server-trouble').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('server-trouble').textContent()).resolves.toContain('Readings are being buffered: InfluxDB unreachable since');
    await shoot(page, 'server-trouble');
  });

  it('lists alarms in the log with paging, and charts a zone', async () => {
    await page.getByRole('button', { name: 'Alarm log' }).click();
    await page.getByTestId('log-table').waitFor();
    await expect(page.getByTestId('log-page').textContent()).resolves.toMatch(/1–50 of 3\d\d/);
    await page.locator('[data-testid="log-table"] tbody tr').nth(2).click();
    await page.getByTestId('alarm-history').waitFor();
    await shoot(page, 'alarm-log');
    // CSV export of the current filter: every page, not just the one shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFid,raised_utc,site,zone,sensor_id,sensor_name/);
    expect(lines).toHaveLength(1 + fake.alarms.size);
    await page.getByRole('button', { name: 'Live console' }).click();
    await page
      .getByRole('tab', { name: /canteen/i })
      .first()
      .click();
    await page.locator('.zone__name', { hasText: 'Hot kitchen' }).click();
    await page.getByTestId('zone-chart').locator('.recharts-line').first().waitFor({ timeout: 10_000 });
    await shoot(page, 'zone-chart');
  });

  it('mutes the sound for a chosen time with a visible "muted until" banner', async () => {
    await page.getByTestId('sound-mute').selectOption('15');
    const banner = page.getByTestId('sound-muted');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(/Sound muted until \d\d:\d\d — new alarms still sound/);
    await shoot(page, 'sound-muted');
    await banner.getByRole('button', { name: 'Unmute' }).click();
    await banner.waitFor({ state: 'detached' });
  });

  it('asks for one click when the browser blocks audio, and plays after it', async () => {
    // Headless Chromium lets audio start without a gesture, so the browser's block is played by
    // an AudioContext that starts suspended until resume(), as a blocking browser's does.
    const p = await (await browser.newContext({ viewport: { width: 1600, height: 900 } })).newPage();
    await p.addInitScript(() => {
      const Native = window.AudioContext;
      window.AudioContext = class extends Native {
        #blocked = true;
        override get state(): AudioContextState {
          return this.#blocked ? 'suspended' : super.state;
        }
        override async resume(): Promise<void> {
          this.#blocked = false;
          await super.resume();
          this.dispatchEvent(new Event('statechange'));
        }
      } as typeof AudioContext;
    });
    await p.goto(fake.url);
    const blocked = p.getByTestId('sound-blocked');
    await blocked.waitFor({ timeout: 10_000 });
    await expect(blocked.textContent()).resolves.toContain('The browser is blocking alarm sounds.');
    await shoot(p, 'sound-blocked');
    await blocked.getByRole('button', { name: 'Click here to enable sound' }).click();
    await blocked.waitFor({ state: 'detached', timeout: 5_000 });
    await p.context().close();
  });

  it('reads in Chinese on the light theme: console, plan and detail pane', async () => {
    await page.getByRole('button', { name: '中文' }).click();
    await page.locator('.header__prefs .toggle--icon').click();
    await page.locator('[data-theme="light"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: zh['nav.console'] }).click();
    await page.getByText(zh['queue.title'], { exact: true }).first().waitFor();
    const gasAlarm = [...fake.alarms.values()].find((a) => a.sensorKind === 'gas' && a.state === 'active_unacked')!;
    await page.locator(`.console [data-alarm-id="${gasAlarm.id}"]`).first().click();
    await page.getByTestId('alarm-history').locator('li').first().waitFor({ timeout: 10_000 });
    await expectChinese(
      [
        'queue.title',
        'header.site',
        'conn.connected',
        'plan.floors',
        'plan.legend',
        'priority.critical',
        'state.alarm',
        'detail.sop',
        'detail.recent',
        'event.system',
      ],
      [conditionLabel('gas', 'zh')],
    );
    await shoot(page, 'console-zh-light');
  });

  it('reads in Chinese on the light theme: the alarm log', async () => {
    await page.getByRole('button', { name: zh['nav.log'] }).click();
    await page.getByTestId('log-table').waitFor();
    await expectChinese(['log.col.raised', 'log.col.location', 'log.export', 'log.priority']);
    await shoot(page, 'alarm-log-zh-light');
  });
});

/**
 * The page shows these dictionary entries (and `extra` texts) in Chinese, and no text of the
 * dashboard's own in English. Names and messages from the facility and the server are data, not
 * translated; they match no dictionary entry whole.
 */
async function expectChinese(keys: readonly (keyof typeof zh)[], extra: readonly string[] = []): Promise<void> {
  const texts = await shownTexts();
  for (const key of keys) expect(texts, `"${zh[key]}" (${key}) on screen`).toContain(zh[key]);
  for (const text of extra) expect(texts).toContain(text);
  expect(texts.filter((t) => ENGLISH_ONLY.some((re) => re.test(t)))).toEqual([]);
}

const zh = DICTIONARIES.zh;

/** Every English string of the dictionary and the condition names that differs from its Chinese, as a whole-text pattern (placeholders match anything). */
const ENGLISH_ONLY: RegExp[] = [
  ...Object.entries(DICTIONARIES.en)
    .filter(([key, en]) => en !== zh[key as keyof typeof zh])
    .map(([, en]) => en),
  ...CONDITIONS.map((c) => conditionLabel(c, 'en')).filter((en, i) => en !== conditionLabel(CONDITIONS[i]!, 'zh')),
].map(
  (en) =>
    new RegExp(
      `^${en
        .split(/\{\w+\}/)
        .map(escapeRegExp)
        .join('.+')}$`,
    ),
);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every text the page shows or reads out (text nodes; aria-label, title and placeholder attributes), trimmed. */
function shownTexts(): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      if (text && !n.parentElement?.closest('script, style')) out.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]'))
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const text = el.getAttribute(attr)?.trim();
        if (text) out.push(text);
      }
    return out;
  });
}
