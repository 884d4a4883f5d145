/**
 * A simulated IP camera: an HTTP server with a JPEG still (`…/snapshot.jpg`) and an MJPEG stream
 * (`…/stream.mjpg`, `multipart/x-mixed-replace`), as an IP camera or NVR serves them. The frames
 * are ffmpeg's `testsrc` pattern (colour bars and a running counter), rendered once at start; where
 * ffmpeg is missing, the frames shipped beside this file (rendered the same way) are served.
 * `npm start` runs one for the demo facility's cameras; the tests run their own.
 *
 * Any path prefix is accepted (`/CAM-OFFICE-1/snapshot.jpg`), so one server stands in for every
 * camera of the demo. With `auth`, it asks for credentials as real cameras do (Basic or Digest).
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface TestPatternCameraOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Frames to serve in turn; default: rendered by ffmpeg, else the shipped ones. */
  frames?: Buffer[];
  /** MJPEG frames per second. */
  fps?: number;
  auth?: { user: string; password: string; scheme: 'basic' | 'digest' };
}

export interface TestPatternCamera {
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** Where the frames came from. */
  readonly source: 'ffmpeg' | 'shipped' | 'given';
  /** Stills served so far (streams not counted). */
  readonly stillsServed: number;
  close(): Promise<void>;
}

const SHIPPED = path.join(path.dirname(new URL(import.meta.url).pathname), 'frames');
const BOUNDARY = 'vigilframe';
const REALM = 'Vigil test camera';

/** `count` frames of ffmpeg's testsrc pattern, or null when ffmpeg is not installed or fails. */
export function renderTestPattern(count = 8, size = '320x240'): Buffer[] | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-testsrc-'));
  try {
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${size}:rate=1`,
        '-frames:v',
        String(count),
        '-q:v',
        '6',
        path.join(dir, 'f-%03d.jpg'),
      ],
      { timeout: 30_000 },
    );
    if (r.error !== undefined || r.status !== 0) return null;
    const files = fs.readdirSync(dir).sort();
    return files.length === count ? files.map((f) => fs.readFileSync(path.join(dir, f))) : null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function shippedFrames(): Buffer[] {
  return fs
    .readdirSync(SHIPPED)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => fs.readFileSync(path.join(SHIPPED, f)));
}

export async function startTestPatternCamera(opts: TestPatternCameraOptions = {}): Promise<TestPatternCamera> {
  let source: TestPatternCamera['source'] = 'given';
  let frames = opts.frames;
  if (frames === undefined) {
    const rendered = renderTestPattern();
    source = rendered === null ? 'shipped' : 'ffmpeg';
    frames = rendered ?? shippedFrames();
  }
  const all = frames;
  if (all.length === 0) throw new Error('a camera needs at least one frame');
  const fps = opts.fps ?? 2;
  let next = 0;
  let stillsServed = 0;
  const frame = (): Buffer => all[next++ % all.length]!;
  const nonce = randomBytes(16).toString('hex');
  const streams = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://camera');
    if (opts.auth !== undefined && !authorized(req, opts.auth, nonce)) {
      const challenge = opts.auth.scheme === 'basic' ? `Basic realm="${REALM}"` : `Digest realm="${REALM}", qop="auth", nonce="${nonce}", algorithm=MD5`;
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    if (req.method === 'GET' && url.pathname.endsWith('/snapshot.jpg')) {
      stillsServed++;
      const image = frame();
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length, 'cache-control': 'no-store' }).end(image);
      return;
    }
    if (req.method === 'GET' && url.pathname.endsWith('/stream.mjpg')) {
      res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-store' });
      streams.add(res);
      const send = (): void => {
        const image = frame();
        res.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${image.length}\r\n\r\n`);
        res.write(image);
        res.write('\r\n');
      };
      send();
      const timer = setInterval(send, 1000 / fps);
      res.on('close', () => {
        clearInterval(timer);
        streams.delete(res);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    source,
    get stillsServed() {
      return stillsServed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(req: http.IncomingMessage, auth: NonNullable<TestPatternCameraOptions['auth']>, nonce: string): boolean {
  const header = req.headers.authorization ?? '';
  if (auth.scheme === 'basic') return header === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const m = /^Digest\s+(.*)$/i.exec(header);
  if (m === null) return false;
  const p = new Map<string, string>();
  for (const f of m[1]!.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p.set(f[1]!, f[2] ?? f[3] ?? '');
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  if (p.get('username') !== auth.user || p.get('nonce') !== nonce || p.get('uri') !== req.url) return false;
  const ha1 = md5(`${auth.user}:${REALM}:${auth.password}`);
  const ha2 = md5(`${req.method}:${p.get('uri')}`);
  return p.get('response') === md5(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce')}:${p.get('qop')}:${ha2}`);
}
