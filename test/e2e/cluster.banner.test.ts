// A site that no node runs raises no alarm, so the console's trouble banner names it within 10 s
// (README "Several nodes (high availability)"): the node pushes a `cluster` notice to its own
// consoles when the sites without a node change, the console asks /api/health at once, and
// /api/health answers within ~2 s even with the database frozen (server/src/http/health.store.ts).
//
// The scenario is the one that leaves sites without a node for real: the node's PostgreSQL stops
// answering (SIGSTOP of every process of this test's own server). The node cannot renew its
// leases and stops its sites before they could expire (~5 s after its last renewal); with the
// push the banner names them a second or so later, where the 10 s health poll alone would take
// up to 16 s. The freeze comes right after a health answer, so a console that waited for its
// next poll would show the banner only after 10 s. After SIGCONT the node takes its sites again
// and the banner goes.
//
// The same freeze leaves nothing the officer does recorded (acknowledgements, new alarms, the
// audit trail): the banner says so on a line of its own, right after the sites, and it goes too
// once the database answers again.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../support/cluster.ts';
import { CLIENT_DIST, ensureDashboardBuilt, launchChromium } from '../support/e2e.ts';
import { signalPostgres, startPostgres } from '../support/postgres.ts';
import { signInAs } from '../support/e2e.stack.ts';
import { startMosquitto } from '../support/services.ts';

const BANNER_WITHIN_MS = 10_000;
const SITES = ['north', 'south'];

let cluster: Cluster | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  ensureDashboardBuilt();
  // A broker that lets the node in without `vigil broker init` (seconds of start-up): the broker's
  // access control plays no part in this story.
  const broker = await startMosquitto();
  [cluster, browser] = await Promise.all([
    // A PostgreSQL of this file's own: it is frozen below, and other files may share the run's.
    startCluster({
      db: 'vigil_e2e_cluster_banner',
      loadPerSite: 0,
      nodeIds: ['vigil-a'],
      sites: SITES,
      env: { CLIENT_DIST },
      broker,
      postgres: startPostgres(),
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  if (cluster) signalPostgres(cluster.postgres, 'SIGCONT');
  await browser?.close();
  await cluster?.stop();
});

const clusterTrouble = (page: Page) => page.getByTestId('server-trouble').locator('li[data-part="cluster"]');
const storeTrouble = (page: Page) => page.getByTestId('server-trouble').locator('li[data-part="store"]');

it('names the sites without a node and the database unreachable within 10 s of PostgreSQL freezing, and clears once the node holds them again', async () => {
  const c = cluster!;
  const context = await browser!.newContext({ baseURL: c.node('vigil-a').vigil.url, viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  let lastHealthAt = 0;
  page.on('response', (res) => {
    if (new URL(res.url()).pathname === '/api/health') lastHealthAt = Date.now();
  });
  await signInAs(page, 'officer');
  await expect.poll(() => lastHealthAt, { timeout: 5_000 }).toBeGreaterThan(0);
  expect(await clusterTrouble(page).count()).toBe(0);
  expect(await storeTrouble(page).count()).toBe(0);

  signalPostgres(c.postgres, 'SIGSTOP');
  const frozenAt = Date.now();
  const sinceHealth = frozenAt - lastHealthAt;
  try {
    await clusterTrouble(page).filter({ hasText: 'north' }).filter({ hasText: 'south' }).waitFor({ timeout: BANNER_WITHIN_MS });
    const bannerMs = Date.now() - frozenAt;
    process.stdout.write(`[cluster banner] sites without a node named ${bannerMs} ms after PostgreSQL froze (last health answer ${sinceHealth} ms before)\n`);
    expect(bannerMs).toBeLessThan(BANNER_WITHIN_MS);
    expect(await clusterTrouble(page).count()).toBe(1);
    expect(await clusterTrouble(page).textContent()).toContain('No server is running sites north, south');
    await storeTrouble(page).waitFor({ timeout: Math.max(1, BANNER_WITHIN_MS - (Date.now() - frozenAt)) });
    process.stdout.write(`[cluster banner] database line ${Date.now() - frozenAt} ms after PostgreSQL froze\n`);
    expect(await storeTrouble(page).textContent()).toMatch(/Database unreachable since .*: new alarms and acknowledgements are not being recorded/);
    // The sites first: nothing raises their alarms at all.
    expect(
      await page
        .getByTestId('server-trouble')
        .locator('li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-part'))),
    ).toEqual(['cluster', 'store']);
  } finally {
    signalPostgres(c.postgres, 'SIGCONT');
  }
  const thawedAt = Date.now();
  await clusterTrouble(page).waitFor({ state: 'detached', timeout: 15_000 });
  await storeTrouble(page).waitFor({ state: 'detached', timeout: 15_000 });
  process.stdout.write(`[cluster banner] cleared ${Date.now() - thawedAt} ms after PostgreSQL resumed\n`);
  expect([...(await c.holders()).values()]).toEqual(['vigil-a', 'vigil-a']);
  await context.close();
});
