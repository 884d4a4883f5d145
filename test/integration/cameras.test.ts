// Camera verification end to end: a real camera (an HTTP server serving JPEG frames ffmpeg
// rendered, asking for Digest credentials as most IP cameras do), real Mosquitto, InfluxDB and
// Vigil. A forced door in the camera's zone gets two stills, a second apart, served through Vigil
// with their SHA-256 in the verified audit chain; the live view passes the MJPEG through without
// revealing the camera; a camera that stops answering raises camera_offline trouble on itself and
// clears when it is back (docs/architecture.md#camera-verification, docs/contracts.md#cameras).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmListResponse, AlarmSnapshotsResponse, AuditEntry, AuditVerifyResponse, FacilityResponse } from '../../contract/index.ts';
import { startFfmpegCamera, type TestPatternCamera } from '../support/camera.ts';
import { mosquittoPub } from '../support/clients.ts';
import { facilityFiles } from '../support/facility.files.ts';
import { stopAllServices, type MosquittoHandle } from '../support/services.ts';
import { eventually, signedIn, startVigilStack, type VigilHandle } from '../support/vigil.ts';

const AUTH = { user: 'vigil', password: 'pa:ss-w0rd', scheme: 'digest' } as const;
let camera: TestPatternCamera;
let broker: MosquittoHandle;
let vigil: VigilHandle;
let officer: string;
let manager: string;

const files = facilityFiles('vigil-cameras-');

beforeAll(async () => {
  camera = await startFfmpegCamera({ auth: AUTH });
  const facility = files.write(['{ id: D1, name: Back door, kind: door, x: 10, y: 10 }'], {
    cameras: [
      `{ id: CAM-1, name: Zone camera, zone: z, snapshotUrl: "${camera.url}/CAM-1/snapshot.jpg", streamUrl: "${camera.url}/CAM-1/stream.mjpg", credentialsEnv: TEST_CAMERA_CREDENTIALS }`,
    ],
  });
  ({ broker, vigil } = await startVigilStack({
    db: 'vigil_cameras_test',
    facility,
    env: {
      TEST_CAMERA_CREDENTIALS: `${AUTH.user}:${AUTH.password}`,
      CAMERA_PROBE_S: '1',
      CAMERA_SECOND_SHOT_S: '1',
      CAMERA_TIMEOUT_MS: '1000',
    },
  }));
  [officer, manager] = await Promise.all([signedIn(vigil, 'officer1', 'officer'), signedIn(vigil, 'manager1', 'manager')]);
});

afterAll(async () => {
  await vigil?.stop();
  // The camera restarted inside a test below is closed here too: the afterAll startFfmpegCamera
  // registers is then called from inside a test, which is no place for a hook.
  await camera?.close();
  await stopAllServices();
});

const get = <T>(pathname: string, cookie = officer) => vigil.api<T>(pathname, { headers: { cookie } });
const cameraAlarm = async (): Promise<Alarm | undefined> =>
  (await get<AlarmListResponse>('/api/alarms?sensor=CAM-1')).body.alarms.find((a) => a.condition === 'camera_offline');

describe('a forced door in a camera zone', () => {
  let alarm: Alarm;
  let stills: AlarmSnapshotsResponse;

  it('gets two stills from the zone camera, the second a second after the first', async () => {
    await mosquittoPub(broker.port, 'vigil/s/D1/event', { type: 'forced_open' });
    alarm = await eventually(
      async () => (await get<AlarmListResponse>('/api/alarms?sensor=D1')).body.alarms.find((a) => a.condition === 'door_forced'),
      10_000,
      'the forced-door alarm',
    );
    stills = await eventually(
      async () => {
        const r = await get<AlarmSnapshotsResponse>(`/api/alarms/${alarm.id}/snapshots`);
        return r.body.snapshots.length >= 2 ? r.body : undefined;
      },
      20_000,
      'two stills',
    );
    expect(stills.snapshots.map((s) => [s.cameraId, s.shot, s.error])).toEqual([
      ['CAM-1', 1, null],
      ['CAM-1', 2, null],
    ]);
    // The second is asked for CAMERA_SECOND_SHOT_S after the alarm was stored, whatever the first took.
    expect(stills.snapshots[1]!.takenAt - alarm.raisedAt).toBeGreaterThanOrEqual(1000);
    expect(stills.snapshots[0]!.takenAt).toBeLessThan(stills.snapshots[1]!.takenAt);
    expect(stills.cameras.map((c) => c.id)).toEqual(['CAM-1']);
    expect(stills.snapshots[0]).toMatchObject({ cameraName: 'Zone camera', simulated: false });
  });

  it('serves each still as a JPEG from Vigil itself, whose SHA-256 is the one in the verified audit chain', async () => {
    const audit = (await get<AuditEntry[]>(`/api/audit?action=camera.snapshot&alarm=${alarm.id}&limit=10`, manager)).body;
    for (const still of stills.snapshots) {
      const res = await fetch(`${vigil.url}${still.url}`, { headers: { cookie: officer } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const image = Buffer.from(await res.arrayBuffer());
      expect([...image.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      const sha256 = createHash('sha256').update(image).digest('hex');
      expect(sha256).toBe(still.sha256);
      expect(audit.map((e) => e.detail)).toContainEqual(expect.objectContaining({ camera: 'CAM-1', shot: still.shot, sha256 }));
    }
    expect((await get<AuditVerifyResponse>('/api/audit/verify', manager)).body.ok).toBe(true);
    // No session, no image.
    expect((await fetch(`${vigil.url}${stills.snapshots[0]!.url}`)).status).toBe(401);
  });

  it('opens the live view as the camera MJPEG through Vigil; no answer names the camera address', async () => {
    const viewer = new AbortController();
    const res = await fetch(`${vigil.url}/api/cameras/CAM-1/live`, { headers: { cookie: officer }, signal: viewer.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    const reader = res.body!.getReader();
    let seen = Buffer.alloc(0);
    while (seen.indexOf(Buffer.from([0xff, 0xd8, 0xff])) < 0) {
      const { value, done } = await reader.read();
      if (done) break;
      seen = Buffer.concat([seen, value]);
    }
    viewer.abort();
    expect(seen.indexOf(Buffer.from([0xff, 0xd8, 0xff]))).toBeGreaterThan(0);

    const address = `127.0.0.1:${camera.port}`;
    const facility = await get<FacilityResponse>('/api/facility');
    expect(facility.body.cameras?.map((c) => c.id)).toEqual(['CAM-1']);
    expect(JSON.stringify(facility.body)).not.toContain(address);
    expect(JSON.stringify(stills)).not.toContain(address);
    expect(JSON.stringify(stills)).not.toContain(AUTH.password);
  });
});

describe('camera self-supervision', () => {
  it('raises camera_offline trouble on a camera that stops answering, which returns to normal when it answers again', async () => {
    const { port } = camera;
    await camera.close();
    const down = await eventually(async () => (await cameraAlarm())?.conditionActive && cameraAlarm(), 20_000, 'camera_offline');
    expect(down).toMatchObject({ class: 'trouble', sensorKind: 'camera', sensorName: 'Zone camera', zoneId: 'z', conditionActive: true });

    camera = await startFfmpegCamera({ auth: AUTH, port });
    const back = await eventually(
      async () => {
        const a = await cameraAlarm();
        return a?.id === down!.id && !a.conditionActive && a;
      },
      20_000,
      'camera_offline returned to normal',
    );
    expect(back).toMatchObject({ state: 'cleared_unacked' });
  });
});
