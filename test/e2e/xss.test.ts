// Hardening: every string that comes from a device, a config file or a user
// is rendered as text, never as HTML — "a sensor name containing <script> shows as text in the
// dashboard". The built dashboard in headless Chromium, served by the real server with real
// Mosquitto and InfluxDB; the names come from test/fixtures/xss/facility.yaml.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInflux, startMosquitto, stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { TEST_PASSWORD, eventually, startVigil, type VigilHandle } from '../support/vigil.ts';
import { CLIENT_DIST, ensureDashboardBuilt, launchChromium, shoot } from '../support/e2e.ts';
import { mosquittoPub } from '../support/clients.ts';

const FACILITY = path.resolve('test/fixtures/xss/facility.yaml');
const SENSOR = 'X-GAS-01';
const SENSOR_NAME = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const ZONE_NAME = 'Kitchen <b>bold</b><svg onload="window.__pwned=3"></svg>';

let broker: MosquittoHandle;
let vigil: VigilHandle;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Browser console lines: a Content-Security-Policy refusal here would mean markup got into the DOM. */
const consoleLines: string[] = [];

/** What the name's markup would have created, had it been parsed as HTML. */
interface Injected {
  pwned: unknown;
  scripts: number;
  handlers: number;
  images: number;
  bold: number;
}

function injected(p: Page): Promise<Injected> {
  return p.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    scripts: [...document.scripts].filter((s) => s.textContent?.includes('__pwned')).length,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    images: document.querySelectorAll('img[src="x"]').length,
    bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
  }));
}

beforeAll(async () => {
  ensureDashboardBuilt();
  const [mosquitto, influx] = await Promise.all([startMosquitto(), startInflux()]);
  broker = mosquitto;
  vigil = await startVigil({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    influxDb: 'vigil_e2e_xss',
    env: { FACILITY_FILE: FACILITY, CLIENT_DIST, FLUSH_INTERVAL_MS: '100' },
  });
  await eventually(async () => (await vigil.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
  await vigil.addUser('officer1', 'officer');
  browser = await launchChromium();
  context = await browser.newContext({ baseURL: vigil.url, viewport: { width: 1600, height: 1000 }, locale: 'en-GB' });
  page = await context.newPage();
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (err) => consoleLines.push(`pageerror: ${err.message}`));
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await vigil?.stop();
  await stopAllServices();
});

describe('names with markup show as text', () => {
  it('signs in through the login form as an officer', async () => {
    await page.goto('/');
    await page.getByLabel('User name').fill('officer1');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('header-user').waitFor({ timeout: 10_000 });
    await page.locator('[data-connection="connected"]').waitFor({ timeout: 10_000 });
  });

  it('shows the sensor and zone names literally in the alarm queue and the sensor panel; nothing from them runs or becomes an element', async () => {
    await mosquittoPub(broker.port, `vigil/x1/${SENSOR}/reading`, { ts: Date.now(), value: 25, unit: '%LEL' });
    const row = page.locator('.console [data-alarm-id]', { hasText: '<script>' }).first();
    await row.waitFor({ timeout: 5_000 });
    await expect(row.getAttribute('data-state')).resolves.toBe('active_unacked');
    await row.getByText(SENSOR_NAME, { exact: true }).waitFor({ state: 'visible' });
    await row.getByText('Kitchen <b>bold</b>', { exact: false }).waitFor({ state: 'visible' });
    expect(await row.textContent()).toContain(ZONE_NAME);

    await page.locator(`[data-sensor-id="${SENSOR}"]`).click();
    const panel = page.getByTestId('sensor-panel');
    await panel.getByRole('heading', { name: SENSOR_NAME, exact: true }).waitFor({ state: 'visible' });
    expect(await panel.textContent()).toContain(ZONE_NAME);
    await panel
      .getByText(/^25(\.0+)? ?%LEL$/)
      .first()
      .waitFor({ timeout: 5_000 }); // the live value: the panel is the sensor's

    await shoot(page, 'xss');
    // Script cannot run anyway (CSP script-src 'self'): what shows the names are text is that the
    // markup created no element at all.
    expect(await injected(page)).toEqual({ pwned: undefined, scripts: 0, handlers: 0, images: 0, bold: 0 });
    expect(consoleLines.filter((l) => /Content Security Policy|pageerror/i.test(l))).toEqual([]);
  });
});
