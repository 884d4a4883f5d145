// Without the browser the PDF printer says why, naming the path and the variable that changes it
// (the API answers 501 with this reason and the dashboard shows it instead of a PDF link).
import { describe, expect, it } from 'vitest';
import { ChromiumPdf } from './pdf.chromium.ts';

describe('ChromiumPdf', () => {
  it('names the missing browser as the reason', () => {
    expect(new ChromiumPdf('/nowhere/chromium').availability()).toEqual({
      available: false,
      reason: 'PDF needs Chromium at /nowhere/chromium (set CHROMIUM_PATH): print the HTML report instead',
    });
  });
});
