// The dashboard's figures against the real stack: Mosquitto, InfluxDB and the Vigil server with a
// generated facility of 2,000 registered gas detectors (10 floors × 4 zones), fed by the
// simulator's `load` mode (every detector reports every 10 s, as real ones do), and 300 active
// alarms raised by 25 %LEL readings published over MQTT (load mode only sends 0–3 %LEL). Then,
// in headless Chromium on the built dashboard, signed in as an officer:
//
// - first render: navigation start → the queue holds all 300 alarms and the plan shows markers
//   (measured in the page on every animation frame, from an init script). Gas alarms are
//   life-safety alarms: the flood groups none of them (docs/contracts.md#the-console-queue), so
//   the first screen is 300 alarm rows, as with fake.vigil.ts (group rows, were there any, are
//   counted by the alarms they hold);
// - one alarm update: one more 25 %LEL reading on a fresh detector, timed in the page from the
//   WebSocket frame carrying its `raised` event to its row in the DOM (a MutationObserver), with
//   every group expanded so the queue renders all 300+ rows; the next painted frame is noted too;
// - the JS bundle size, gzip, from client/dist;
// - link-loss detection: the network to a signed-in console dies silently (test/support/network.cut.ts)
//   while the load runs; the time until the lost-link banner shows, and after the network returns
//   until the console is "Live" again.
//
// Targets: first render < 1.5 s, an update < 50 ms, bundle < 350 KB gzip. Link-loss times are
// reported as measured, held only to the requirement (banner within 5 s, Live within 3 s). Every round is run and
// printed, none is repeated; a timing target is held by the median over all rounds (as in
// figures.test.ts), so a machine too slow for it fails rather than being measured again until lucky.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListResponse, SensorsResponse } from '../../contract/api.ts';
import { writeZonedBenchFacility, type ZonedBenchFacility } from '../../scripts/bench/bench.support.ts';
import { loadSensorId } from '../../simulator/src/generate/load.ts';
import { CLIENT_DIST, ensureDashboardBuilt, launchChromium, shoot } from '../support/e2e.ts';
import { silentNetwork } from '../support/network.cut.ts';
import { ManagedProcess, startInflux, startMosquitto, stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, startVigil, TEST_PASSWORD, type VigilHandle } from '../support/vigil.ts';

const SENSORS = 2_000;
const ALARMS = 300;
const SITE = 'plant';
// 200 detectors a floor: as many as a plan shows without markers overlapping.
const FLOORS = 10;
const ZONES_PER_FLOOR = 4;
/** Observations per second over all detectors: each one every 10 s, like the simulator's normal gas traffic. */
const LOAD_RATE = 200;
/** Longer than the test: the load is stopped in afterAll. */
const LOAD_DURATION_S = 240;
const OFFICER = 'duty.officer';
const SAMPLES = 10;
const ROUNDS = 3;

const TARGET_RENDER_MS = 1_500;
const TARGET_UPDATE_MS = 50;
const TARGET_BUNDLE_BYTES = 350 * 1000;

let dir: string;
let facility: ZonedBenchFacility;
let broker: MosquittoHandle;
let vigil: VigilHandle;
let load: ManagedProcess;
let publisher: MqttClient;
let browser: Browser;
let officer: Page;
let cookie: string;
const contexts: BrowserContext[] = [];
const figures: string[] = [];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function report(line: string): void {
  figures.push(line);
  console.info(`figure: ${line}`);
}

interface Probe {
  alarmId: string;
  arrived: number;
  shown?: number;
  painted?: number;
}
interface Instrumented {
  __watch: Set<string>;
  __probes: Record<string, Probe>;
  __wsOpen: number;
  __ready?: number;
}

/**
 * Runs in the page before the app. (1) Notes when the console first holds `expected` alarms
 * (top-level rows plus the counts of incident rows) with the plan's markers drawn, checked on every
 * animation frame. (2) For the detectors named in `__watch`: when the WebSocket frame with their
 * alarm's `raised` event arrives, when its row is in the DOM (MutationObserver), and the next frame.
 */
function instrument(expected: number): void {
  const w = window as unknown as Instrumented;
  w.__watch = new Set();
  w.__probes = {};
  w.__wsOpen = 0;
  const pending = new Map<string, Probe>();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => (w.__wsOpen += 1));
      // Added before Socket.IO sets onmessage, so this runs first: the arrival time excludes the app's handling.
      this.addEventListener('message', (e: MessageEvent) => {
        const t = performance.now();
        if (w.__watch.size === 0 || typeof e.data !== 'string' || !e.data.startsWith('42["alarm"') || !e.data.includes('"kind":"raised"')) return;
        const event = (JSON.parse(e.data.slice(2)) as [string, { alarm: { id: string; sensorId: string } }])[1];
        if (!w.__watch.delete(event.alarm.sensorId)) return;
        const probe: Probe = { alarmId: event.alarm.id, arrived: t };
        w.__probes[event.alarm.sensorId] = probe;
        pending.set(probe.alarmId, probe);
      });
    }
  } as typeof WebSocket;
  new MutationObserver(() => {
    if (pending.size === 0) return;
    const t = performance.now();
    for (const [id, probe] of pending) {
      if (!document.querySelector(`[data-alarm-id="${id}"]`)) continue;
      pending.delete(id);
      probe.shown = t;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => (probe.painted = performance.now());
        channel.port2.postMessage(0);
      });
    }
  }).observe(document, { childList: true, subtree: true });
  const alarmsInQueue = (): number => {
    let n = document.querySelectorAll('[data-testid="alarm-queue"] > li[data-alarm-id]').length;
    for (const meta of document.querySelectorAll('[data-testid="alarm-queue"] > li.incident .alarm__meta'))
      n += Number(/(\d+) alarms/.exec(meta.textContent ?? '')?.[1] ?? 0);
    return n;
  };
  const check = (): void => {
    if (alarmsInQueue() >= expected && document.querySelector('.marker')) w.__ready = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: vigil.url, viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
  contexts.push(context);
  await context.addInitScript(instrument, ALARMS);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[browser]', err.message));
  return page;
}

/** Navigates and returns the ms from navigation start to the console holding every alarm with the plan drawn. */
async function firstRender(page: Page): Promise<number> {
  await page.goto('/', { waitUntil: 'commit' });
  await page.waitForFunction(() => (window as unknown as Instrumented).__ready !== undefined, undefined, { timeout: 20_000, polling: 100 });
  return page.evaluate(() => (window as unknown as Instrumented).__ready!);
}

/** Publishes an alarm-level gas reading (25 %LEL ≥ high 20: a critical alarm) for one detector. */
async function publishAlarm(sensorId: string): Promise<void> {
  await publisher.publishAsync(`vigil/${SITE}/${sensorId}/reading`, JSON.stringify({ ts: Date.now(), value: 25, unit: '%LEL' }), { qos: 1 });
}

async function openAlarmCount(): Promise<number> {
  const res = await vigil.api<AlarmListResponse>('/api/alarms?state=open&limit=1', { headers: { cookie } });
  return res.status === 200 ? res.body.total : -1;
}

beforeAll(async () => {
  ensureDashboardBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-figures-real-'));
  // The ids load mode publishes (LOAD-00001…), registered: no "unknown device" alarms.
  facility = writeZonedBenchFacility(
    dir,
    Array.from({ length: SENSORS }, (_, i) => loadSensorId(i)),
    { siteId: SITE, floors: FLOORS, zonesPerFloor: ZONES_PER_FLOOR },
  );
  let influxUrl: string;
  [broker, { url: influxUrl }] = await Promise.all([startMosquitto(), startInflux()]);
  vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl,
    influxDb: 'vigil_figures',
    env: { FACILITY_FILE: facility.file, CLIENT_DIST, LOG_LEVEL: 'warn' },
  });
  await vigil.addUser(OFFICER, 'officer');
  cookie = await vigil.login(OFFICER);

  const logFile = path.join(dir, 'load.log');
  load = new ManagedProcess({
    name: 'simulator load',
    command: process.execPath,
    // prettier-ignore
    args: ['--import', 'tsx', 'simulator/src/cli.ts', 'load', '--sensors', String(SENSORS), '--rate', String(LOAD_RATE), '--duration', String(LOAD_DURATION_S),
      '--broker', broker.url, '--facility', facility.file, '--site', SITE, '--seed', '5'],
    logFile,
    ready: async () => fs.readFileSync(logFile, 'utf8').includes(`load: ${SENSORS} sensors`),
    readyTimeoutMs: 30_000,
  });
  await load.start();
  // One sweep of the load: every detector has a live value.
  await eventually(
    async () => {
      const res = await vigil.api<SensorsResponse>('/api/sensors', { headers: { cookie } });
      return res.status === 200 && res.body.filter((s) => s.lastValue !== null).length >= SENSORS;
    },
    30_000,
    `live values from all ${SENSORS} detectors`,
  );

  // 300 alarms over the 40 zones (7 or 8 each).
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'figures-real', clean: true });
  const zones = facility.zones;
  await Promise.all(Array.from({ length: ALARMS }, (_, k) => publishAlarm(zones[k % zones.length]!.sensorIds[Math.floor(k / zones.length)]!)));
  await eventually(async () => (await openAlarmCount()) === ALARMS, 20_000, `${ALARMS} open alarms`);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  if (figures.length) console.info(`\ndashboard figures, real stack (${SENSORS} sensors, ${ALARMS} active alarms):\n  ${figures.join('\n  ')}\n`);
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await publisher?.endAsync().catch(() => {});
  await load?.stop();
  await vigil?.stop();
  await stopAllServices();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`real console with ${SENSORS} sensors and ${ALARMS} active alarms`, () => {
  it(`holds ${SENSORS} detectors with live values and ${ALARMS} open alarms`, async () => {
    const sensors = await vigil.api<SensorsResponse>('/api/sensors', { headers: { cookie } });
    expect(sensors.body.filter((s) => s.lastValue !== null)).toHaveLength(SENSORS);
    expect(await openAlarmCount()).toBe(ALARMS);
  });

  it('renders the console with the 300-alarm queue in under 1.5 s', async () => {
    officer = await newPage();
    await officer.goto('/');
    await officer.getByLabel('User name').fill(OFFICER);
    await officer.getByLabel('Password').fill(TEST_PASSWORD);
    await officer.getByRole('button', { name: 'Sign in' }).click();
    await officer.waitForFunction(() => (window as unknown as Instrumented).__ready !== undefined, undefined, { timeout: 20_000 });
    const incidents = await officer.locator('[data-testid="alarm-queue"] > li.incident').count();
    await shoot(officer, 'figures-real');

    // A cold start (fresh context: nothing cached) and a warm one (the wall display reloading), in
    // each round; the warm ones are held to the target.
    const [name, value] = cookie.split('=') as [string, string];
    const warm: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const page = await newPage();
      await page.context().addCookies([{ name, value, url: vigil.url }]);
      const cold = await firstRender(page);
      warm.push(await firstRender(page));
      await page.context().close();
      report(
        `first render of the console ${Math.round(cold)} ms cold, ${Math.round(warm.at(-1)!)} ms warm (navigation start → all ${ALARMS} alarms in the queue (${incidents} group rows) and the plan; round ${round} of ${ROUNDS})`,
      );
    }
    report(`first render, warm, median of ${ROUNDS} rounds: ${Math.round(median(warm))} ms`);
    expect(median(warm)).toBeLessThan(TARGET_RENDER_MS);
  });

  it('applies one alarm update in under 50 ms', async () => {
    // Every group (if any) expanded: the queue renders every alarm row, the heaviest update.
    const collapsed = officer.locator('li.incident button[aria-expanded="false"]');
    while ((await collapsed.count()) > 0) await collapsed.first().click();
    await eventually(async () => (await officer.locator('[data-testid="alarm-queue"] li[data-alarm-id]').count()) >= ALARMS, 10_000, 'every alarm row');
    await officer.waitForFunction(() => (window as unknown as Instrumented).__wsOpen > 0, undefined, { timeout: 10_000 });
    const allShown: number[] = [];
    let n = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const shown: number[] = [];
      const painted: number[] = [];
      for (let i = 0; i < SAMPLES; i++, n++) {
        // A detector not in alarm yet, in each zone in turn.
        const sensorId = facility.zones[n % facility.zones.length]!.sensorIds[25 + Math.floor(n / facility.zones.length)]!;
        await officer.evaluate((s) => (window as unknown as Instrumented).__watch.add(s), sensorId);
        await publishAlarm(sensorId);
        const probe = await officer
          .waitForFunction(
            (s) => {
              const p = (window as unknown as Instrumented).__probes[s];
              return p?.painted !== undefined ? p : undefined;
            },
            sensorId,
            { timeout: 10_000, polling: 20 },
          )
          .then((h) => h.jsonValue() as Promise<Probe>);
        shown.push(probe.shown! - probe.arrived);
        painted.push(probe.painted! - probe.arrived);
        // Pacing of the load, not a wait for an event: one new alarm about every quarter second, not a burst.
        await new Promise((r) => setTimeout(r, 250));
      }
      allShown.push(...shown);
      report(
        `alarm update applied in median ${median(shown).toFixed(1)} ms, max ${Math.max(...shown).toFixed(1)} ms (WebSocket frame → row in the DOM; ` +
          `next frame: median ${median(painted).toFixed(1)}, max ${Math.max(...painted).toFixed(1)} ms; ${SAMPLES} samples, round ${round} of ${ROUNDS})`,
      );
    }
    report(`alarm update, median of all ${allShown.length} samples: ${median(allShown).toFixed(1)} ms`);
    // The queue back at its top; rows are `content-visibility: auto`, so let two frames render them.
    await officer.evaluate(
      () =>
        new Promise((resolve) => {
          document.querySelector('.console')!.scrollTop = 0;
          requestAnimationFrame(() => requestAnimationFrame(resolve));
        }),
    );
    await shoot(officer, 'figures-real-expanded');
    expect(median(allShown)).toBeLessThan(TARGET_UPDATE_MS);
  });

  it('notices a silently lost link under load, and is live again soon after the network returns', async () => {
    const page = await newPage();
    const net = await silentNetwork(page);
    const [name, value] = cookie.split('=') as [string, string];
    await page.context().addCookies([{ name, value, url: vigil.url }]);
    await page.goto('/');
    await page.locator('[data-connection="connected"]').waitFor({ timeout: 20_000 });
    const shown: number[] = [];
    const back: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const cutAt = Date.now();
      net.cut();
      await page.getByTestId('connection-lost').waitFor({ timeout: 30_000 });
      shown.push(Date.now() - cutAt);
      const backAt = Date.now();
      await net.restore();
      await page.locator('[data-connection="connected"]').waitFor({ timeout: 30_000 });
      back.push(Date.now() - backAt);
      report(`link loss shown ${shown.at(-1)} ms after the network went silent, Live again ${back.at(-1)} ms after it returned (round ${round} of ${ROUNDS})`);
    }
    report(`link loss, median of ${ROUNDS} rounds: shown after ${median(shown)} ms, Live again after ${median(back)} ms`);
    await page.context().close();
    expect(median(shown)).toBeLessThan(5_000);
    expect(median(back)).toBeLessThan(3_000);
  });

  it('ships a JS bundle under 350 KB gzip', () => {
    const html = fs.readFileSync(path.join(CLIENT_DIST, 'index.html'), 'utf8');
    const gz = (file: string): number => zlib.gzipSync(fs.readFileSync(path.join(CLIENT_DIST, file))).length;
    const js = fs.readdirSync(path.join(CLIENT_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const total = js.reduce((sum, f) => sum + gz(`assets/${f}`), 0);
    const first = initial.reduce((sum, f) => sum + gz(f), 0);
    const css = fs
      .readdirSync(path.join(CLIENT_DIST, 'assets'))
      .filter((f) => f.endsWith('.css'))
      .reduce((sum, f) => sum + gz(`assets/${f}`), 0);
    const kb = (b: number): string => `${(b / 1000).toFixed(1)} KB`;
    report(`JS bundle ${kb(total)} gzip in ${js.length} files (${kb(first)} loaded by index.html, the rest on demand: charts); CSS ${kb(css)} gzip`);
    expect(total).toBeLessThan(TARGET_BUNDLE_BYTES);
  });
});
