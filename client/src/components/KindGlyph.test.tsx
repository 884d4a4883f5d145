// Every sensor kind has its own glyph on the floor plan (a new kind must not draw nothing, nor
// borrow another kind's shape) and a label in both languages.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SENSOR_KINDS } from '../../../contract/facility.ts';
import { DICTIONARIES } from '../i18n/dictionary.ts';
import { KindGlyph } from './KindGlyph.tsx';

const draw = (kind: (typeof SENSOR_KINDS)[number]) => renderToStaticMarkup(<svg>{KindGlyph({ kind, color: '#123456' })}</svg>);

describe('kind glyphs', () => {
  it('draws a distinct glyph in the given colour for every kind', () => {
    const drawn = SENSOR_KINDS.map(draw);
    for (const svg of drawn) expect(svg).toMatch(/<(path|text|g|circle)\b[^>]*/);
    for (const svg of drawn) expect(svg).toContain('#123456');
    expect(new Set(drawn).size).toBe(SENSOR_KINDS.length);
  });

  it('names every kind in every language', () => {
    for (const dict of Object.values(DICTIONARIES)) for (const kind of SENSOR_KINDS) expect(dict[`kind.${kind}`]).toMatch(/\S/);
  });
});
