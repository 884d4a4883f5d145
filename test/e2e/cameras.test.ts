// Camera verification in the browser: the demo facility with its simulated office-floor cameras
// pointed at a real test-pattern camera (ffmpeg frames). A forced cash-office door shows the
// stills of both cameras that watch it in the alarm detail, with their times and the "simulated"
// label, in English and Chinese, and the officer opens the live view; a camera that stops answering
// shows as trouble in the queue (docs/architecture.md#camera-verification).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFfmpegCamera, type TestPatternCamera } from '../support/camera.ts';
import { mosquittoPub } from '../support/clients.ts';
import { shoot } from '../support/e2e.ts';
import { startDashboardStack, type DashboardStack } from '../support/e2e.stack.ts';

let stack: DashboardStack;
let officer: Page;
let dir: string;
let camera: TestPatternCamera;

/** Every image in the locator has arrived and decoded. */
const allLoaded = (page: Page, selector: string, count: number) =>
  page.waitForFunction(
    ([sel, n]) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>(sel as string)];
      return imgs.length >= (n as number) && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [selector, count] as const,
    { timeout: 15_000 },
  );

beforeAll(async () => {
  camera = await startFfmpegCamera();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-cameras-'));
  const demo = fs.readFileSync('config/facility.yaml', 'utf8').replaceAll('http://127.0.0.1:8091/', `${camera.url}/`);
  fs.cpSync('config/plans', path.join(dir, 'plans'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'facility.yaml'), demo);
  stack = await startDashboardStack({
    influxDb: 'vigil_e2e_cameras',
    facilityFile: path.join(dir, 'facility.yaml'),
    env: { SIMULATED_CAMERAS: '1', CAMERA_SECOND_SHOT_S: '1', CAMERA_PROBE_S: '1' },
  });
  officer = await stack.openPage();
  await stack.signIn(officer, 'officer');
});

afterAll(async () => {
  await stack?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a forced door with cameras', () => {
  it('shows both cameras stills with their times, labelled simulated, the live view, and trouble once the camera stops answering', async () => {
    await mosquittoPub(stack.broker.port, 'vigil/hq/TWR-2F-DR-CASH/event', { type: 'forced_open' });
    const row = officer.locator('.console [data-alarm-id]', { hasText: 'Cash office door' }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    const evidence = officer.getByTestId('camera-evidence');
    await evidence.waitFor({ timeout: 10_000 });
    // Two cameras (the cash office's, and the finance office's pointed at this door), two stills each.
    await allLoaded(officer, '[data-testid="camera-stills"] img', 4);
    const stills = evidence.locator('[data-testid="camera-stills"] > li');
    expect(await stills.evaluateAll((li) => li.map((l) => `${l.getAttribute('data-camera')}#${l.getAttribute('data-shot')}`).sort())).toEqual([
      'CAM-2F-CASH#1',
      'CAM-2F-CASH#2',
      'CAM-2F-FINANCE#1',
      'CAM-2F-FINANCE#2',
    ]);
    await expect(stills.first().locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    await expect(stills.first().textContent()).resolves.toContain('Simulated camera (test pattern)');

    await officer.getByTestId('camera-live-CAM-2F-CASH').click();
    await allLoaded(officer, '[data-testid="camera-live"] img', 1);
    await shoot(officer, 'alarm-detail-camera');

    await officer.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
    // The page re-renders in Chinese after the click returns: wait for it rather than read at once.
    await evidence.locator('h3', { hasText: /^摄像机证据$/ }).waitFor({ timeout: 10_000 });
    await expect(stills.first().textContent()).resolves.toContain('模拟摄像机（测试图案）');

    // The camera stops answering: trouble on each of its cameras in the queue.
    await camera.close();
    await officer.locator('.console [data-alarm-id]', { hasText: '摄像机无响应' }).first().waitFor({ timeout: 30_000 });
    expect(stack.pageErrors).toEqual([]);
  });
});
