// Fetching a camera's still and stream (camera.http.ts) against real local HTTP servers: the time
// and size limits, the JPEG check, credentials sent only when asked and in the scheme asked for
// (RFC 7616 Digest, RFC 7617 Basic), no redirects followed.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegFrames, startFfmpegCamera } from '../../../test/support/camera.ts';
import type { CameraSource } from '../services/facility.cameras.ts';
import { authorization, HttpCameras } from './camera.http.ts';

const servers: { close(): unknown }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A server answering every request with `handler`; returns its base URL. */
async function serve(handler: http.RequestListener): Promise<{ url: string; requests: http.IncomingHttpHeaders[] }> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}

const JPEG = ffmpegFrames()[0]!;
const source = (url: string, more: Partial<CameraSource> = {}): Map<string, CameraSource> =>
  new Map([['C', { id: 'C', snapshotUrl: `${url}/snapshot.jpg`, streamUrl: `${url}/stream.mjpg`, credentialsEnv: null, ...more }]]);

describe('a camera still', () => {
  it('is the JPEG the camera sends, with no credentials sent unasked', async () => {
    const { url, requests } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG));
    const cams = new HttpCameras(source(url, { credentialsEnv: 'CREDS' }), { CREDS: 'u:p' });
    expect(Buffer.compare(await cams.snapshot('C'), JPEG)).toBe(0);
    expect(requests[0]?.authorization).toBeUndefined();
  });

  it('gives up after the timeout on a camera that does not answer', async () => {
    const { url } = await serve(() => undefined);
    const cams = new HttpCameras(source(url), {}, { timeoutMs: 200, maxBytes: 1_000_000 });
    await expect(cams.snapshot('C')).rejects.toThrow('no answer within 0.2 s');
  });

  it('refuses an image over the byte limit, whether declared or streamed', async () => {
    const declared = await serve((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length }).end(JPEG));
    const limit = { timeoutMs: 2000, maxBytes: 1024 };
    await expect(new HttpCameras(source(declared.url), {}, limit).snapshot('C')).rejects.toThrow('larger than 1 KiB');
    const chunked = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(JPEG.subarray(0, 1000));
      res.end(JPEG.subarray(1000));
    });
    await expect(new HttpCameras(source(chunked.url), {}, limit).snapshot('C')).rejects.toThrow('larger than 1 KiB');
  });

  it('refuses what is not a JPEG (a login page, an error text)', async () => {
    const { url } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await expect(new HttpCameras(source(url), {}).snapshot('C')).rejects.toThrow('the camera did not send a JPEG (text/html)');
  });

  it('does not follow a redirect, which would take the credentials elsewhere', async () => {
    const { url } = await serve((_req, res) => res.writeHead(302, { location: 'http://example.invalid/' }).end());
    await expect(new HttpCameras(source(url), {}).snapshot('C')).rejects.toThrow('the camera redirects (HTTP 302)');
  });

  it('answers a Basic challenge with Basic, and says when the credentials are refused or missing', async () => {
    const { url, requests } = await serve((req, res) => {
      if (req.headers.authorization === `Basic ${Buffer.from('admin:s3cret').toString('base64')}`) res.writeHead(200).end(JPEG);
      else res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end();
    });
    expect(Buffer.compare(await new HttpCameras(source(url, { credentialsEnv: 'CREDS' }), { CREDS: 'admin:s3cret' }).snapshot('C'), JPEG)).toBe(0);
    expect(requests.map((r) => r.authorization?.split(' ')[0])).toEqual([undefined, 'Basic']);
    await expect(new HttpCameras(source(url, { credentialsEnv: 'CREDS' }), { CREDS: 'admin:wrong' }).snapshot('C')).rejects.toThrow(
      'the camera refused the credentials in CREDS (HTTP 401)',
    );
    await expect(new HttpCameras(source(url), {}).snapshot('C')).rejects.toThrow('set credentialsEnv for camera C');
  });

  it('answers a Digest challenge with Digest: a camera checking the response lets it in', async () => {
    const camera = await startFfmpegCamera({ auth: { user: 'admin', password: 'pa:ss', scheme: 'digest' } });
    servers.push(camera);
    const src = source(`${camera.url}/C`, { credentialsEnv: 'CREDS' });
    const still = await new HttpCameras(src, { CREDS: 'admin:pa:ss' }).snapshot('C');
    expect(ffmpegFrames().some((f) => f.equals(still))).toBe(true);
    await expect(new HttpCameras(src, { CREDS: 'admin:nope' }).snapshot('C')).rejects.toThrow('refused the credentials');
  });
});

describe('the Digest response', () => {
  it('is the one RFC 2617 section 3.5 gives for its example', () => {
    const header = authorization(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      { user: 'Mufasa', password: 'Circle Of Life' },
      'http://www.nowhere.org/dir/index.html',
      '0a4f113b',
    );
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
  });
});

describe('a camera stream', () => {
  it('is passed on as the camera sends it when it is MJPEG, and refused otherwise', async () => {
    const camera = await startFfmpegCamera();
    servers.push(camera);
    const viewer = new AbortController();
    const live = await new HttpCameras(source(`${camera.url}/C`), {}).stream('C', viewer.signal);
    expect(live.contentType).toBe('multipart/x-mixed-replace; boundary=vigilframe');
    const { value } = await live.body.getReader().read();
    expect(Buffer.from(value!).toString('latin1')).toContain('--vigilframe');
    viewer.abort();

    const { url } = await serve((_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end('x'));
    await expect(new HttpCameras(source(url), {}).stream('C', new AbortController().signal)).rejects.toThrow("the camera's stream is not MJPEG (video/mp4)");
    await expect(new HttpCameras(source(url, { streamUrl: null }), {}).stream('C', new AbortController().signal)).rejects.toThrow('has no stream URL');
  });
});
