// Without the browser the PDF printer says why, naming the path and the variable that changes it
// (the API answers 501 with this reason and the dashboard shows it instead of a PDF link).
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { ChromiumPdf, MAX_PDF_QUEUE } from './pdf.chromium.ts';

describe('ChromiumPdf', () => {
  it('names the missing browser as the reason', () => {
    expect(new ChromiumPdf('/nowhere/chromium').availability()).toEqual({
      available: false,
      reason: 'PDF needs Chromium at /nowhere/chromium (set CHROMIUM_PATH): print the HTML report instead',
    });
  });
});

// Each PDF is a Chromium of its own, one at a time, on the machine that runs ingest: a manager
// pressing "PDF" again and again (or a script) must not queue minutes of printing behind it.
describe('ChromiumPdf queue', () => {
  it(`refuses (429) a PDF beyond ${MAX_PDF_QUEUE} asked for and not yet printed`, async () => {
    const pdf = new ChromiumPdf('/nowhere/chromium');
    const asked = Array.from({ length: MAX_PDF_QUEUE + 2 }, () =>
      pdf.render('<p>x</p>').then(
        () => 'printed',
        (err: unknown) => (err instanceof HttpError ? err.code : 'failed'),
      ),
    );
    expect(await Promise.all(asked)).toEqual([...Array<string>(MAX_PDF_QUEUE).fill('failed'), 'RATE_LIMITED', 'RATE_LIMITED']);
    // Once the queue has drained, a PDF is asked for again.
    expect(await pdf.render('<p>x</p>').catch((err: unknown) => (err instanceof HttpError ? err.code : 'failed'))).toBe('failed');
  });
});
