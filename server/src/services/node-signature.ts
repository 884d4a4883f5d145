/**
 * How one Vigil node proves to another that a request comes from the cluster (docs/architecture.md
 * "Several nodes"): an action forwarded to the holder of a site carries the acting user, and the
 * holder applies it in that user's name, so nothing but a node that knows NODE_SECRET may send one.
 *
 * Each request is signed with HMAC-SHA256 over its method, path, timestamp, a one-time nonce, the
 * sending node's id and the exact body bytes. The receiver refuses a timestamp more than
 * {@link MAX_SKEW_MS} away from its own clock (a captured request is worthless after that), a
 * nonce it has already accepted within that window (a captured request cannot be replayed before
 * then either), and any signature that is not exactly the one it computes, compared in constant
 * time so that timing does not reveal how much of a guess was right.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.ts';

/** The headers a signed request carries. */
export const NODE_HEADERS = {
  node: 'x-vigil-node',
  timestamp: 'x-vigil-timestamp',
  nonce: 'x-vigil-nonce',
  signature: 'x-vigil-signature',
} as const;

/** How far a signed request's timestamp may be from the receiver's clock, either way. */
export const MAX_SKEW_MS = 30_000;

export interface SignedRequest {
  method: string;
  /** The path and query as sent (the receiver's `req.originalUrl`). */
  path: string;
  body: Buffer | string;
  headers: Record<string, string>;
}

const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
const NONCE = /^[A-Za-z0-9-]{16,64}$/;
const NODE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function mac(secret: string, method: string, path: string, timestamp: string, nonce: string, node: string, body: Buffer | string): string {
  // Every field is on its own line and none may contain a newline (checked on receipt), so no two
  // different requests sign the same text.
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${node}\n`).update(body).digest('hex');
}

/** The headers that sign a request from `node` sent now. */
export function signRequest(
  secret: string,
  node: string,
  clock: Clock,
  request: { method: string; path: string; body: Buffer | string },
  nonce: string = randomUUID(),
): Record<string, string> {
  const timestamp = String(clock.now());
  return {
    [NODE_HEADERS.node]: node,
    [NODE_HEADERS.timestamp]: timestamp,
    [NODE_HEADERS.nonce]: nonce,
    [NODE_HEADERS.signature]: mac(secret, request.method, request.path, timestamp, nonce, node, request.body),
  };
}

/** Nonces accepted within the skew window: a second request with one of them is a replay. */
export class SeenNonces {
  private readonly until = new Map<string, number>();

  /** Records `nonce` (replayable until `expiresAt`, inclusive); false when it was already recorded and is still replayable. */
  record(nonce: string, now: number, expiresAt: number): boolean {
    // Map iteration follows insertion, and entries expire in roughly that order.
    for (const [n, t] of this.until) {
      if (t >= now) break;
      this.until.delete(n);
    }
    if (this.until.has(nonce)) return false;
    this.until.set(nonce, expiresAt);
    return true;
  }

  get size(): number {
    return this.until.size;
  }
}

export type Verification = { ok: true; node: string } | { ok: false; reason: string };

/** Whether `request` was signed with `secret` by a node, recently, and for the first time. */
export function verifyRequest(secret: string, request: SignedRequest, clock: Clock, seen: SeenNonces): Verification {
  const h = request.headers;
  const node = h[NODE_HEADERS.node];
  const timestamp = h[NODE_HEADERS.timestamp];
  const nonce = h[NODE_HEADERS.nonce];
  const signature = h[NODE_HEADERS.signature];
  if (node === undefined || timestamp === undefined || nonce === undefined || signature === undefined) return { ok: false, reason: 'not signed' };
  if (!NODE_ID.test(node) || !NONCE.test(nonce) || !/^\d{1,15}$/.test(timestamp) || request.path.includes('\n'))
    return { ok: false, reason: 'malformed signature headers' };
  const now = clock.now();
  const at = Number(timestamp);
  if (Math.abs(now - at) > MAX_SKEW_MS) return { ok: false, reason: `timestamp ${now - at} ms away from this node's clock (at most ${MAX_SKEW_MS} ms)` };
  const expected = Buffer.from(mac(secret, request.method, request.path, timestamp, nonce, node, request.body), 'hex');
  const given = HEX_SIGNATURE.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(expected.length);
  // timingSafeEqual needs equal lengths; a malformed signature is compared against zeros, still refused.
  if (!timingSafeEqual(expected, given) || !HEX_SIGNATURE.test(signature)) return { ok: false, reason: 'bad signature' };
  // Recorded only once the signature is good, so a stranger cannot fill the table.
  if (!seen.record(nonce, now, at + MAX_SKEW_MS)) return { ok: false, reason: 'nonce already used (a replay)' };
  return { ok: true, node };
}
