/**
 * PDF from HTML through the Chromium the browser tests use (playwright-core driving Debian's
 * /usr/bin/chromium, or CHROMIUM_PATH), when both are installed; otherwise it says why, and the
 * API answers 501 with that reason. Pages are printed one at a time (a browser per page is heavy),
 * with JavaScript off and every network request refused: the page is Vigil's own, self-contained.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { HttpError } from '../errors.ts';

/** The flags of the e2e tests' browser: no sandbox (root in containers), no GPU, nothing talking to the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PdfAvailability {
  available: boolean;
  reason?: string;
}

/**
 * PDFs asked for and not yet printed, the one printing included. Each is a Chromium launched on
 * the machine that runs ingest, one after the other: more waiting is someone pressing again and
 * again, and would hold the CPU for minutes.
 */
export const MAX_PDF_QUEUE = 3;

export class ChromiumPdf {
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(private readonly executable: string) {}

  availability(): PdfAvailability {
    try {
      createRequire(import.meta.url).resolve('playwright-core');
    } catch {
      return {
        available: false,
        reason: 'PDF needs the playwright-core package, which is not installed (a production install without dev dependencies): print the HTML report instead',
      };
    }
    if (!fs.existsSync(this.executable))
      return { available: false, reason: `PDF needs Chromium at ${this.executable} (set CHROMIUM_PATH): print the HTML report instead` };
    return { available: true };
  }

  render(html: string): Promise<Buffer> {
    if (this.queued >= MAX_PDF_QUEUE)
      return Promise.reject(new HttpError('RATE_LIMITED', `${this.queued} PDFs are being printed: try again in a minute, or print the HTML report`));
    this.queued++;
    const next = this.queue.then(() => this.print(html)).finally(() => this.queued--);
    this.queue = next.catch(() => {});
    return next;
  }

  private async print(html: string): Promise<Buffer> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: this.executable, headless: true, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await browser.close();
    }
  }
}
