import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { STATUS_OF } from './errors.middleware.ts';
import { parseBody, parseOr400, parseQuery, timeParam, jsonDepthOver, MAX_JSON_DEPTH } from './parse.ts';

function refusal(fn: () => unknown): { status: number; code: string; message: string; details: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return { status: STATUS_OF[err.code], code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('not refused');
}

describe('request parsing: 400 naming each bad field', () => {
  const body = z.object({ name: z.string(), tags: z.array(z.string()) }).strict();

  it('a body: an absent one is {}, each issue says its path, or "body" for the whole', () => {
    expect(parseBody(body, { name: 'a', tags: [] })).toEqual({ name: 'a', tags: [] });
    const missing = refusal(() => parseBody(body, undefined));
    expect(missing).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: 'invalid body' });
    expect(missing.details).toEqual([expect.stringMatching(/^name: /), expect.stringMatching(/^tags: /)]);
    expect(refusal(() => parseBody(body, { name: 'a', tags: [1] })).details).toEqual([expect.stringMatching(/^tags\.0: /)]);
    expect(refusal(() => parseOr400(body, [], 'must be an object')).details).toEqual([expect.stringMatching(/^body: /)]);
  });

  it('a query: times as epoch ms or ISO 8601, unknown parameters refused', () => {
    const query = z.object({ from: timeParam.optional() }).strict();
    expect(parseQuery(query, { from: '1000' })).toEqual({ from: 1000 });
    expect(parseQuery(query, { from: '2024-01-01T00:00:00Z' })).toEqual({ from: Date.UTC(2024, 0, 1) });
    const bad = refusal(() => parseQuery(query, { from: 'yesterday', x: '1' }));
    expect(bad.message).toBe('invalid query');
    expect(bad.details).toEqual([expect.stringMatching(/^from: /), expect.stringMatching(/^: .*"x"/)]);
  });
});

describe('jsonDepthOver (a body nested absurdly deep is refused before parsing)', () => {
  it('counts nesting of arrays and objects, not brackets inside strings or escaped quotes', () => {
    const b = (s: string) => Buffer.from(s);
    expect(jsonDepthOver(b('{"a":[{"b":[1]}]}'), 4)).toBe(-1);
    expect(jsonDepthOver(b('{"a":[{"b":[1]}]}'), 3)).toBe(4);
    expect(jsonDepthOver(b('{"a":"[[[[[[\\"[[[[["}'), 1)).toBe(-1);
    expect(jsonDepthOver(b(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });
});
