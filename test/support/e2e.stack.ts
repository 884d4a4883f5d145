/**
 * The whole stack a dashboard story runs against: Mosquitto, InfluxDB and Vigil serving the built
 * dashboard with the demo accounts, and Chromium with one browser context per person.
 *
 * @example
 *   stack = await startDashboardStack({ influxDb: 'vigil_e2e' });
 *   const officer = await stack.openPage();
 *   await stack.signIn(officer, 'officer');
 *   ...
 *   await stack.close();
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../contract/auth.ts';
import { CLIENT_DIST, ensureDashboardBuilt, launchChromium } from './e2e.ts';
import { startInflux, startMosquitto, stopAllServices, type InfluxHandle, type MosquittoHandle } from './services.ts';
import { eventually, startVigil, type VigilHandle } from './vigil.ts';

export type DemoRole = 'officer' | 'manager' | 'admin';

export interface DashboardStack {
  broker: MosquittoHandle;
  influx: InfluxHandle;
  vigil: VigilHandle;
  browser: Browser;
  /** Script errors raised in any page so far (also printed as they happen). */
  pageErrors: string[];
  /** A page in a browser context of its own: a person at their own screen. */
  openPage(): Promise<Page>;
  /** Signs in through the login screen as the demo account of `role`, and waits for the live connection. */
  signIn(page: Page, role: DemoRole): Promise<void>;
  close(): Promise<void>;
}

/** The header's navigation: the first three pages are buttons, the others are in its More menu. */
const nav = (page: Page) => page.getByRole('navigation', { name: 'Pages' });

/** Opens a page from the header, through the More menu when it is one of the pages there. */
export async function openNavPage(page: Page, name: string): Promise<void> {
  const button = nav(page).getByRole('button', { name, exact: true });
  if ((await button.count()) === 0) await nav(page).getByRole('button', { name: 'More' }).click();
  await button.click();
}

/** Every page the header offers (the More menu's too), read with the menu opened and closed again. */
export async function navPageNames(page: Page): Promise<string[]> {
  const more = nav(page).getByRole('button', { name: 'More' });
  const hasMore = (await more.count()) > 0;
  if (hasMore) await more.click();
  // A page button's name is its full label (a short one may be shown beside it when room is short).
  const names = await nav(page)
    .getByRole('button')
    .evaluateAll((buttons) =>
      buttons.filter((b) => !b.classList.contains('nav-more__button')).map((b) => (b.querySelector('.nav__long') ?? b).textContent ?? ''),
    );
  if (hasMore) await more.click();
  return names;
}

/** The demo account of a role (contract/auth.ts). */
export function demoAccount(role: DemoRole): { username: string; password: string } {
  const found = DEMO_ACCOUNTS.find((a) => a.role === role);
  if (!found) throw new Error(`no demo ${role} in contract/auth.ts`);
  return found;
}

/** Signs in through the login screen (at the page's base URL) as the demo account of `role`, and waits for the live connection. */
export async function signInAs(page: Page, role: DemoRole): Promise<void> {
  const { username, password } = demoAccount(role);
  await page.goto('/');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('header-user').waitFor({ timeout: 10_000 });
  await page.locator('[data-connection="connected"]').waitFor({ timeout: 10_000 });
}

export async function startDashboardStack(opts: { influxDb: string; facilityFile?: string; env?: Record<string, string> }): Promise<DashboardStack> {
  ensureDashboardBuilt();
  let vigil: VigilHandle | undefined;
  // Chromium starts while the services and Vigil do: nothing needs it before the first page.
  const browser = launchChromium();
  browser.catch(() => {}); // awaited below; a failure to launch is thrown from there
  try {
    const [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
    vigil = await startVigil({
      mqttUrl: broker.url,
      influxUrl: influx.url,
      influxDb: opts.influxDb,
      env: { FACILITY_FILE: opts.facilityFile ?? path.resolve('config/facility.yaml'), VIGIL_DEMO: '1', CLIENT_DIST, FLUSH_INTERVAL_MS: '100', ...opts.env },
    });
    const started = vigil;
    await eventually(async () => (await started.api('/api/health')).status === 200, 30_000, 'Vigil healthy');
    return withBrowser(broker, influx, started, await browser);
  } catch (err) {
    // Leave nothing running when the stack could not be built.
    await browser.then((b) => b.close()).catch(() => {});
    await vigil?.stop().catch(() => {});
    await stopAllServices();
    throw err;
  }
}

function withBrowser(broker: MosquittoHandle, influx: InfluxHandle, vigil: VigilHandle, browser: Browser): DashboardStack {
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    broker,
    influx,
    vigil,
    browser,
    pageErrors,
    async openPage() {
      const context = await browser.newContext({ baseURL: vigil.url, viewport: { width: 1600, height: 1000 }, locale: 'en-GB' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => {
        pageErrors.push(err.message);
        process.stderr.write(`[browser] ${err.message}\n`);
      });
      return page;
    },
    signIn: signInAs,
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await vigil.stop();
      await stopAllServices();
    },
  };
}

/**
 * Waits for Vigil's InfluxDB schema (retention policies, then the roll-ups' continuous queries,
 * its last step): Vigil sets it up in the background and answers healthy before it is done. A
 * test that writes readings itself must wait, or they land in InfluxDB's `autogen` policy, not
 * the default `raw` Vigil reads (an empty chart), and a continuous query it drops may be created
 * afterwards. Resolves with the continuous queries' names.
 */
export async function influxSchemaReady(stack: Pick<DashboardStack, 'influx'>): Promise<string[]> {
  const names = async (): Promise<string[]> =>
    (await stack.influx.query('SHOW CONTINUOUS QUERIES')).map((r) => String(r.name)).filter((name) => name === 'cq_reading_1m' || name === 'cq_reading_1h');
  await eventually(async () => (await names()).length === 2, 15_000, 'Vigil’s InfluxDB schema set up (its continuous queries created)');
  return names();
}
