// The console at 3 a.m.: the network between the duty officer's console and Vigil dies silently
// (packets discarded, no TCP reset; test/support/network.cut.ts), and comes back. The built
// dashboard in headless Chromium, the real server, Mosquitto and InfluxDB. What it protects
// (README, "When the live link is lost"): the lost-link banner and the comm-lost tone within 5 s
// of the drop, health chips grey "unknown" rather than green, "Live" again within 3 s of the
// network returning, with what happened meanwhile.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';
import { silentNetwork, type SilentNetwork } from '../support/network.cut.ts';

const LOST_WITHIN_MS = 5_000;
const LIVE_AGAIN_WITHIN_MS = 3_000;
const SENSOR_NAME = 'Kitchen gas, steamer line';

let stack: DashboardStack;
let officer: Page;
let net: SilentNetwork;

const banner = () => officer.getByTestId('connection-lost');
const live = () => officer.locator('[data-connection="connected"]');

/** Cuts the network and returns the ms until the banner showed with the tone playing. */
async function cutAndTimeBanner(): Promise<number> {
  const cutAt = Date.now();
  net.cut();
  await officer.locator('[data-testid="connection-lost"][data-comm-tone="playing"]').waitFor({ timeout: LOST_WITHIN_MS });
  return Date.now() - cutAt;
}

/** Restores the network and returns the ms until the console said "Live" again. */
async function restoreAndTimeLive(): Promise<number> {
  const backAt = Date.now();
  await net.restore();
  await live().waitFor({ timeout: LIVE_AGAIN_WITHIN_MS });
  return Date.now() - backAt;
}

beforeAll(async () => {
  stack = await startDashboardStack({ influxDb: 'vigil_e2e_link' });
  officer = await stack.openPage();
  net = await silentNetwork(officer);
  await stack.signIn(officer, 'officer');
});

afterAll(() => stack?.close());

describe('a live link lost silently', () => {
  it('shows the console live, its health chips answered', async () => {
    await officer.locator('[data-health="ok"]').waitFor({ timeout: 10_000 });
    await expect(banner().count()).resolves.toBe(0);
  });

  it(`shows the lost-link banner and plays the comm-lost tone within ${LOST_WITHIN_MS / 1000} s of a silent drop`, async () => {
    const ms = await cutAndTimeBanner();
    console.info(`link loss shown and sounding ${ms} ms after the network went silent`);
    expect(ms).toBeLessThan(LOST_WITHIN_MS);
    await expect(officer.locator('[data-connection]').getAttribute('data-connection')).resolves.toBe('disconnected');
    await shoot(officer, 'link-lost');
  });

  it('turns the health chips grey "unknown" when their answer is late, never leaving them green', async () => {
    await officer.locator('[data-health="late"]').waitFor({ timeout: 10_000 });
    const states = await officer.locator('[data-health] [data-part-state]').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-part-state')));
    expect(states).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('lets the officer silence the tone for this outage; the banner stays', async () => {
    await officer.getByTestId('comm-tone-silence').click();
    await officer.locator('[data-testid="connection-lost"][data-comm-tone="silenced"]').waitFor({ timeout: 2_000 });
  });

  it(`is live again within ${LIVE_AGAIN_WITHIN_MS / 1000} s of the network returning, with an alarm raised meanwhile`, async () => {
    // A gas reading while the console is cut off: it must be on screen once the link is back.
    await mosquittoPub(stack.broker.port, 'vigil/hq/CAN-GAS-02/reading', JSON.stringify({ ts: Date.now(), value: 25, unit: '%LEL' }));
    const ms = await restoreAndTimeLive();
    console.info(`live again ${ms} ms after the network returned`);
    expect(ms).toBeLessThan(LIVE_AGAIN_WITHIN_MS);
    await banner().waitFor({ state: 'detached', timeout: 1_000 });
    await officer.locator('.console [data-alarm-id]', { hasText: SENSOR_NAME }).first().waitFor({ timeout: 2_000 });
    await officer.locator('[data-health="ok"]').waitFor({ timeout: 5_000 });
  });

  it('sounds the tone again for the next outage, whatever was silenced before', async () => {
    const ms = await cutAndTimeBanner();
    console.info(`second link loss shown and sounding ${ms} ms after the network went silent`);
    expect(ms).toBeLessThan(LOST_WITHIN_MS);
    await restoreAndTimeLive();
  });
});
