// Texts the files give in English with an optional Chinese translation (a scenario's title, a
// coordinator note, a muster's building): 中文 shows the translation, English where there is none.
import { describe, expect, it } from 'vitest';
import { textIn } from './drill.ts';

describe('textIn', () => {
  it('gives the Chinese to a viewer who chose 中文', () => {
    expect(textIn('Canteen gas leak', '食堂燃气泄漏', 'zh')).toBe('食堂燃气泄漏');
  });
  it('falls back to the English where there is no translation (absent or empty)', () => {
    expect(textIn('Canteen gas leak', undefined, 'zh')).toBe('Canteen gas leak');
    expect(textIn('Canteen gas leak', '', 'zh')).toBe('Canteen gas leak');
  });
  it('gives the English in English', () => {
    expect(textIn('Canteen gas leak', '食堂燃气泄漏', 'en')).toBe('Canteen gas leak');
  });
});
