/**
 * IP cameras over HTTP: a JPEG still from the snapshot URL (what ONVIF's `GetSnapshotUri` and
 * every NVR's picture URL give) and the MJPEG stream for the live view.
 *
 * Credentials come from the environment variable the facility file names (`user:password`) and
 * are sent only when the camera asks for them (401), in the scheme it asks for: Digest (MD5 or
 * SHA-256, `qop=auth`), which most cameras ship with, or Basic. Never sending Basic unasked keeps a
 * password off the wire of a camera that would have taken Digest. Redirects are not followed: they
 * would carry the credentials to an address nobody configured.
 *
 * A still must be a JPEG (FF D8 FF) no larger than `maxBytes` within `timeoutMs`; anything else
 * is a CameraError worded for the officer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CameraSource } from '../services/facility.cameras.ts';
import { CameraError, type CameraPort, type LiveStream } from '../services/camera.ports.ts';

export interface CameraLimits {
  /** The whole still (or the stream's headers) must arrive within this. */
  timeoutMs: number;
  /** A larger still is refused: a 4K JPEG is about 2 MB. */
  maxBytes: number;
}

export const DEFAULT_CAMERA_LIMITS: CameraLimits = { timeoutMs: 5000, maxBytes: 5 * 1024 * 1024 };

const JPEG_MAGIC = [0xff, 0xd8, 0xff];

interface Credentials {
  user: string;
  password: string;
}

export class HttpCameras implements CameraPort {
  constructor(
    private readonly sources: ReadonlyMap<string, CameraSource>,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly limits: CameraLimits = DEFAULT_CAMERA_LIMITS,
  ) {}

  async snapshot(cameraId: string): Promise<Buffer> {
    const source = this.source(cameraId);
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    try {
      const res = await this.get(source, source.snapshotUrl, signal);
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > this.limits.maxBytes) throw this.tooLarge();
      const image = await this.readLimited(res);
      if (!JPEG_MAGIC.every((b, i) => image[i] === b))
        throw new CameraError(`the camera did not send a JPEG (${res.headers.get('content-type') ?? 'no content type'})`);
      return image;
    } catch (err) {
      throw this.explain(err, signal);
    }
  }

  async stream(cameraId: string, signal: AbortSignal): Promise<LiveStream> {
    const source = this.source(cameraId);
    if (source.streamUrl === null) throw new CameraError(`camera ${cameraId} has no stream URL`);
    // The headers must come within the timeout; the stream itself runs until the viewer leaves.
    const headersDue = new AbortController();
    const timer = setTimeout(() => headersDue.abort(new DOMException('timeout', 'TimeoutError')), this.limits.timeoutMs);
    const both = AbortSignal.any([signal, headersDue.signal]);
    try {
      const res = await this.get(source, source.streamUrl, both);
      const type = res.headers.get('content-type') ?? '';
      if (!/^multipart\/x-mixed-replace\s*;.*boundary=/i.test(type) || res.body === null) {
        void res.body?.cancel().catch(() => undefined);
        throw new CameraError(`the camera's stream is not MJPEG (${type || 'no content type'})`);
      }
      return { contentType: type, body: res.body };
    } catch (err) {
      throw this.explain(err, headersDue.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private source(cameraId: string): CameraSource {
    const source = this.sources.get(cameraId);
    if (source === undefined) throw new CameraError(`no camera ${cameraId}`);
    return source;
  }

  private credentials(source: CameraSource): Credentials | null {
    if (source.credentialsEnv === null) return null;
    const raw = this.env[source.credentialsEnv] ?? '';
    const colon = raw.indexOf(':');
    if (colon < 0) throw new CameraError(`${source.credentialsEnv} must hold user:password`);
    return { user: raw.slice(0, colon), password: raw.slice(colon + 1) };
  }

  /** GET, answering one authentication challenge; a non-2xx answer is a CameraError. */
  private async get(source: CameraSource, url: string, signal: AbortSignal): Promise<Response> {
    let res = await fetch(url, { signal, redirect: 'manual' });
    if (res.status === 401) {
      const creds = this.credentials(source);
      const challenge = res.headers.get('www-authenticate') ?? '';
      void res.body?.cancel().catch(() => undefined);
      if (creds === null) throw new CameraError(`the camera asks for credentials (HTTP 401): set credentialsEnv for camera ${source.id}`);
      res = await fetch(url, { signal, redirect: 'manual', headers: { authorization: authorization(challenge, creds, url) } });
      if (res.status === 401 || res.status === 403) {
        void res.body?.cancel().catch(() => undefined);
        throw new CameraError(`the camera refused the credentials in ${source.credentialsEnv} (HTTP ${res.status})`);
      }
    }
    if (res.status < 200 || res.status > 299) {
      void res.body?.cancel().catch(() => undefined);
      throw new CameraError(
        res.status >= 300 && res.status < 400 ? `the camera redirects (HTTP ${res.status}); give the final URL` : `the camera answered HTTP ${res.status}`,
      );
    }
    return res;
  }

  private async readLimited(res: Response): Promise<Buffer> {
    if (res.body === null) return Buffer.alloc(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > this.limits.maxBytes) throw this.tooLarge();
        chunks.push(value);
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    return Buffer.concat(chunks);
  }

  private tooLarge(): CameraError {
    return new CameraError(`the image is larger than ${Math.round(this.limits.maxBytes / 1024)} KiB`);
  }

  /** fetch hides the reason (refused, unknown host, reset) in `cause`: that is what the officer needs. */
  private explain(err: unknown, deadline: AbortSignal): CameraError {
    if (err instanceof CameraError) return err;
    if (deadline.aborted) return new CameraError(`no answer within ${this.limits.timeoutMs / 1000} s`);
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return new CameraError(e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

/** The Authorization header for a challenge: Digest when offered (RFC 7616), else Basic (RFC 7617). */
export function authorization(challenge: string, creds: Credentials, url: string, cnonce = randomBytes(8).toString('hex')): string {
  const digest = /Digest\s+(.*)/i.exec(challenge);
  if (digest === null) return `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  const params = new Map<string, string>();
  for (const m of digest[1]!.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? '');
  const algorithm = params.get('algorithm') ?? 'MD5';
  const hashName = /^SHA-256/i.test(algorithm) ? 'sha256' : 'md5';
  const h = (s: string): string => createHash(hashName).update(s).digest('hex');
  const realm = params.get('realm') ?? '';
  const nonce = params.get('nonce') ?? '';
  const { pathname, search } = new URL(url);
  const uri = `${pathname}${search}`;
  const qop = (params.get('qop') ?? '')
    .split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : null;
  const ha1 = h(`${creds.user}:${realm}:${creds.password}`);
  const ha2 = h(`GET:${uri}`);
  const nc = '00000001';
  const response = qop === null ? h(`${ha1}:${nonce}:${ha2}`) : h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const fields = [`username="${creds.user}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`, `algorithm=${algorithm}`];
  if (qop !== null) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  const opaque = params.get('opaque');
  if (opaque !== undefined) fields.push(`opaque="${opaque}"`);
  return `Digest ${fields.join(', ')}`;
}
