import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, request } from './api.client.ts';

function answer(status: number, json: () => Promise<unknown>): Response {
  return { ok: status >= 200 && status < 300, status, statusText: '', json } as unknown as Response;
}

afterEach(() => vi.unstubAllGlobals());

describe('request()', () => {
  it('rejects when aborted while the body is read, instead of answering null', async () => {
    // A newer request replaced this one mid-body: its caller must not read `null.drills`.
    const controller = new AbortController();
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        answer(200, () => {
          controller.abort();
          return Promise.reject(new DOMException('The user aborted a request.', 'AbortError'));
        }),
      ),
    );
    await expect(request('/api/drills', { signal: controller.signal })).rejects.toThrow('aborted');
  });

  it('still answers null for an ok response without a JSON body', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(answer(200, () => Promise.reject(new SyntaxError('Unexpected end of JSON input')))));
    await expect(request('/api/alarms/x/ack')).resolves.toBeNull();
  });

  it("turns the server's error body into an ApiRequestError with its code", async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(answer(409, () => Promise.resolve({ error: { code: 'CONFLICT', message: 'drill exists' } }))));
    const err: unknown = await request('/api/drills').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 409, code: 'CONFLICT', message: 'drill exists' });
  });

  it('names a refused body\'s bad fields in the message: the forms show the server\'s reason, not just "invalid body"', async () => {
    const refusal = { error: { code: 'BAD_REQUEST', message: 'invalid body', details: ['owner: owner is required', 'dueAt: must be epoch milliseconds'] } };
    vi.stubGlobal('fetch', () => Promise.resolve(answer(400, () => Promise.resolve(refusal))));
    await expect(request('/api/actions')).rejects.toMatchObject({
      status: 400,
      message: 'invalid body: owner: owner is required; dueAt: must be epoch milliseconds',
    });
  });
});
