/**
 * Browser side of the end-to-end tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), and the built dashboard, rebuilt when its sources are newer than the build.
 *
 * @example
 *   ensureDashboardBuilt();
 *   const browser = await launchChromium();
 *   const page = await (await browser.newContext({ baseURL: vigil.url })).newPage();
 *   await shoot(page, 'console');
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../server/src/adapters/pdf.chromium.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLIENT_DIST = path.join(ROOT, 'client/dist');
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every run uses (the server's PDF printer uses the same): no sandbox (root in CI), no GPU, nothing that talks to the network on its own. */
export { CHROMIUM_ARGS };

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** Builds client/dist when it is missing or older than the client's sources or the contract. */
export function ensureDashboardBuilt(): void {
  const built = path.join(CLIENT_DIST, 'index.html');
  const sources = ['client/src', 'client/index.html', 'client/vite.config.ts', 'contract'].map((p) => path.join(ROOT, p));
  const stale = !fs.existsSync(built) || Math.max(...sources.map(newestMtime)) > fs.statSync(built).mtimeMs;
  if (!stale) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would give React's development build (2.5x larger, slower).
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * Headless Chromium with a fresh profile: playwright-core's `launch` gives every browser its own
 * new temporary user-data-dir and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/ensure-deps.sh --browser (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A screenshot under test/artifacts/ (git-ignored), to look at before calling a change done. */
export async function shoot(page: Page, name: string, options: { selector?: string; fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (options.selector) await page.locator(options.selector).first().screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}
