// Requests between nodes (docs/architecture.md "Several nodes"): an action forwarded to a site's
// holder is applied in the name of the user it carries, so the holder must accept it only from a
// node that knows NODE_SECRET, only within 30 s of when it was signed, only once, and only as signed.
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../test/support/fake.scheduler.ts';
import { MAX_SKEW_MS, NODE_HEADERS, SeenNonces, signRequest, verifyRequest, type SignedRequest } from './node-signature.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const BODY = JSON.stringify({ request: { op: 'act', alarmId: 'al_1', action: { type: 'ack' } }, actor: { username: 'olga', role: 'officer' } });

function signed(clock: FakeScheduler, overrides: Partial<SignedRequest> = {}, nonce?: string): SignedRequest {
  const request = { method: 'POST', path: '/api/internal/sites/north/act', body: BODY };
  return { ...request, headers: signRequest(SECRET, 'node-a', clock, request, nonce), ...overrides };
}

describe('node request signatures', () => {
  it('accepts a request as signed, naming the node that signed it', () => {
    const clock = new FakeScheduler();
    expect(verifyRequest(SECRET, signed(clock), clock, new SeenNonces())).toEqual({ ok: true, node: 'node-a' });
    // The body may arrive as the bytes the router reads.
    const asBuffer = signed(clock);
    expect(verifyRequest(SECRET, { ...asBuffer, body: Buffer.from(BODY) }, clock, new SeenNonces()).ok).toBe(true);
  });

  it('refuses a request signed with another secret', () => {
    const clock = new FakeScheduler();
    const request = { method: 'POST', path: '/api/internal/sites/north/act', body: BODY };
    const forged = { ...request, headers: signRequest('another-secret-of-thirty-two-characters!', 'node-a', clock, request) };
    expect(verifyRequest(SECRET, forged, clock, new SeenNonces())).toEqual({ ok: false, reason: 'bad signature' });
  });

  it.each([
    ['the body', { body: BODY.replace('olga', 'admin') }],
    ['the path (another site)', { path: '/api/internal/sites/south/act' }],
    ['the method', { method: 'PUT' }],
  ])('refuses a request when %s was changed after signing', (_what, change) => {
    const clock = new FakeScheduler();
    expect(verifyRequest(SECRET, signed(clock, change), clock, new SeenNonces())).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses changed signature headers: node, timestamp, nonce, signature', () => {
    const clock = new FakeScheduler();
    const seen = new SeenNonces();
    const original = signed(clock);
    const withHeader = (name: string, value: string): SignedRequest => ({ ...original, headers: { ...original.headers, [name]: value } });
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.node, 'node-b'), clock, seen).ok).toBe(false);
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.timestamp, String(clock.now() + 1)), clock, seen).ok).toBe(false);
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.nonce, '00000000-0000-4000-8000-000000000000'), clock, seen).ok).toBe(false);
    const sig = original.headers[NODE_HEADERS.signature]!;
    const flipped = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.signature, flipped), clock, seen)).toEqual({ ok: false, reason: 'bad signature' });
    // Shorter, longer and non-hex signatures are refused, not thrown on (timingSafeEqual needs equal lengths).
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.signature, sig.slice(2)), clock, seen)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.signature, `${sig}00`), clock, seen)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyRequest(SECRET, withHeader(NODE_HEADERS.signature, 'z'.repeat(64)), clock, seen)).toEqual({ ok: false, reason: 'bad signature' });
    // None of the refused ones used up the nonce: the original is still accepted.
    expect(verifyRequest(SECRET, original, clock, seen).ok).toBe(true);
  });

  it('refuses an unsigned request and malformed headers', () => {
    const clock = new FakeScheduler();
    const original = signed(clock);
    expect(verifyRequest(SECRET, { ...original, headers: {} }, clock, new SeenNonces())).toEqual({ ok: false, reason: 'not signed' });
    const { [NODE_HEADERS.signature]: _, ...noSignature } = original.headers;
    expect(verifyRequest(SECRET, { ...original, headers: noSignature }, clock, new SeenNonces())).toEqual({ ok: false, reason: 'not signed' });
    const badTimestamp = { ...original, headers: { ...original.headers, [NODE_HEADERS.timestamp]: '1e12' } };
    expect(verifyRequest(SECRET, badTimestamp, clock, new SeenNonces())).toEqual({ ok: false, reason: 'malformed signature headers' });
    const newlineNode = { ...original, headers: { ...original.headers, [NODE_HEADERS.node]: 'node-a\n/other' } };
    expect(verifyRequest(SECRET, newlineNode, clock, new SeenNonces())).toEqual({ ok: false, reason: 'malformed signature headers' });
  });

  it(`accepts a clock skew up to ${MAX_SKEW_MS / 1000} s either way and refuses more`, () => {
    const sender = new FakeScheduler();
    const receiver = new FakeScheduler(sender.now() + MAX_SKEW_MS);
    expect(verifyRequest(SECRET, signed(sender), receiver, new SeenNonces()).ok).toBe(true);
    const ahead = new FakeScheduler(sender.now() - MAX_SKEW_MS);
    expect(verifyRequest(SECRET, signed(sender), ahead, new SeenNonces()).ok).toBe(true);
    const late = new FakeScheduler(sender.now() + MAX_SKEW_MS + 1);
    expect(verifyRequest(SECRET, signed(sender), late, new SeenNonces())).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
    const early = new FakeScheduler(sender.now() - MAX_SKEW_MS - 1);
    expect(verifyRequest(SECRET, signed(sender), early, new SeenNonces())).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
  });

  it('refuses a replay within the window; after it, the timestamp refuses it, and the nonce is forgotten', () => {
    const clock = new FakeScheduler();
    const seen = new SeenNonces();
    const request = signed(clock);
    expect(verifyRequest(SECRET, request, clock, seen).ok).toBe(true);
    clock.t += MAX_SKEW_MS;
    expect(verifyRequest(SECRET, request, clock, seen)).toEqual({ ok: false, reason: 'nonce already used (a replay)' });
    clock.t += 1;
    expect(verifyRequest(SECRET, request, clock, seen)).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
    // A later request prunes what can no longer be replayed: memory stays bounded by the window.
    expect(verifyRequest(SECRET, signed(clock), clock, seen).ok).toBe(true);
    expect(seen.size).toBe(1);
  });

  it('gives every request its own nonce', () => {
    const clock = new FakeScheduler();
    const seen = new SeenNonces();
    for (let i = 0; i < 5; i++) expect(verifyRequest(SECRET, signed(clock), clock, seen).ok).toBe(true);
  });
});
