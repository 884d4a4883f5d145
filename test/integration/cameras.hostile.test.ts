// Cameras that misbehave, against the real stack (Mosquitto, InfluxDB, Vigil): a still that trickles
// a byte every 100 ms ends at the camera timeout with the reason; a camera's live view is open to at
// most MAX_LIVE_VIEWERS viewers (each is a stream the camera must serve, and a camera serves few),
// more is 429 with the reason, and the camera's streams end when the viewers leave
// (docs/contracts.md#cameras).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_LIVE_VIEWERS } from '../../server/src/http/cameras.router.ts';
import { facilityFiles } from '../support/facility.files.ts';
import { stopAllServices } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

let vigil: VigilHandle;
let officer: string;
let server: http.Server;
let openStreams = 0;
const files = facilityFiles('vigil-cameras-hostile-');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.includes('slow')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(Buffer.from([0xff, 0xd8, 0xff]));
      const t = setInterval(() => res.write(Buffer.from([0])), 100);
      req.on('close', () => clearInterval(t));
      return;
    }
    openStreams++;
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
    const t = setInterval(() => res.write('--frame\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n'), 200);
    req.on('close', () => {
      openStreams--;
      clearInterval(t);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const facility = files.write(['{ id: D1, name: Back door, kind: door, x: 10, y: 10 }'], {
    cameras: [`{ id: CAM-1, name: Zone camera, zone: z, snapshotUrl: "${url}/slow.jpg", streamUrl: "${url}/stream.mjpg" }`],
  });
  ({ vigil } = await startVigilStack({ db: 'vigil_cameras_hostile', facility, env: { CAMERA_TIMEOUT_MS: '1000' } }));
  officer = await signedIn(vigil, 'officer1', 'officer');
});
afterAll(async () => {
  await vigil?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await stopAllServices();
});

const fetchOr = (signal: AbortSignal) => fetch(`${vigil.url}/api/cameras/CAM-1/live`, { headers: { cookie: officer }, signal });

it('a still that trickles forever ends at the timeout with the reason', async () => {
  const still = await vigil.api<{ error: { message: string } }>('/api/cameras/CAM-1/still', { headers: { cookie: officer } });
  expect(still.status).toBe(502);
  expect(still.body.error.message).toBe('no answer within 1 s');
});

it(`a camera's live view: ${MAX_LIVE_VIEWERS} viewers at once, the next refused with the reason; a viewer leaving frees a place and the camera's stream`, async () => {
  const viewers = Array.from({ length: MAX_LIVE_VIEWERS }, () => new AbortController());
  const answers = await Promise.all(viewers.map((c) => fetchOr(c.signal)));
  expect(answers.map((a) => a.status)).toEqual(Array<number>(MAX_LIVE_VIEWERS).fill(200));
  expect(openStreams).toBe(MAX_LIVE_VIEWERS);
  const extra = new AbortController();
  const refused = await fetchOr(extra.signal);
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/shown live to 4 viewers already/);
  extra.abort();
  expect(openStreams).toBe(MAX_LIVE_VIEWERS);

  viewers[0]!.abort();
  await eventually(async () => openStreams === MAX_LIVE_VIEWERS - 1, 5000, 'the camera stream let go');
  const next = new AbortController();
  const again = await eventually(
    async () => {
      const r = await fetchOr(next.signal);
      if (r.status === 200) return r;
      await r.body?.cancel();
      return undefined;
    },
    5000,
    'a place free again',
  );
  expect(again.status).toBe(200);
  for (const c of [...viewers, next]) c.abort();
  await eventually(async () => openStreams === 0, 5000, 'every camera stream let go');
});
