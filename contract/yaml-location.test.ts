import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { yamlLineOf, type YamlPathSegment } from './yaml-location.ts';

const SOURCE = [
  'defaults: &base', // 1
  '  gas: { low: 10, high: 20 }', // 2
  'sites:', // 3
  '  - id: hq', // 4
  '    floors:', // 5
  '      - id: f1', // 6
  '        plan: plans/f1.svg', // 7
  '      - id: f2', // 8
  '        settings: *base', // 9
  '',
].join('\n');

function lineOf(source: string, path: YamlPathSegment[]): number | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  return yamlLineOf(doc, lineCounter, path);
}

describe('the line of a path in a YAML document', () => {
  it('reports a mapping entry at its key and a sequence item where it starts', () => {
    expect(lineOf(SOURCE, [])).toBe(1);
    expect(lineOf(SOURCE, ['sites'])).toBe(3);
    expect(lineOf(SOURCE, ['sites', 0])).toBe(4);
    expect(lineOf(SOURCE, ['sites', 0, 'floors', 1, 'id'])).toBe(8);
    expect(lineOf(SOURCE, ['sites', 0, 'floors', 0, 'plan'])).toBe(7);
    expect(lineOf(SOURCE, ['defaults', 'gas', 'high'])).toBe(2);
  });

  it('falls back to the nearest ancestor present for a missing key or index', () => {
    expect(lineOf(SOURCE, ['sites', 0, 'floors', 0, 'zones'])).toBe(6); // the mapping that should hold it
    expect(lineOf(SOURCE, ['sites', 0, 'floors', 5, 'id'])).toBe(5);
    expect(lineOf(SOURCE, ['sites', 'hq'])).toBe(3);
  });

  it('follows an alias into the node it names', () => {
    expect(lineOf(SOURCE, ['sites', 0, 'floors', 1, 'settings', 'gas'])).toBe(2);
  });

  it('has no line for an empty document', () => {
    expect(lineOf('', ['sites'])).toBeNull();
  });
});
