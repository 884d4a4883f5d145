// The facility file's cameras (contract/camera.ts, docs/contracts.md#cameras): what a camera may
// say, where it must point, and that nothing secret can be written into the file.
import { describe, expect, it } from 'vitest';
import { loadFacility } from './facility.loader.ts';
import { missingCameraCredentials } from './facility.cameras.ts';
import { facilityFiles } from '../../../test/support/facility.files.ts';

const files = facilityFiles('vigil-cameras-config-');
const SENSORS = ['{ id: D1, name: Door, kind: door, x: 10, y: 10 }', '{ id: S1, name: Smoke, kind: smoke, x: 20, y: 20 }'];
const URL = 'http://10.0.4.21/ISAPI/Streaming/channels/101/picture';
const problems = (...cameras: string[]) => files.problems(SENSORS, { cameras }).map((p) => p.replace(/^\S+ /, ''));

describe('cameras in the facility file', () => {
  it('resolves a camera to where it looks, keeping its addresses and credentials for the server only', () => {
    const loaded = loadFacility(
      files.write(SENSORS, {
        cameras: [
          `{ id: CAM-1, name: Cam, nameZh: 摄像机, zone: z, doors: [D1], snapshotUrl: "${URL}", streamUrl: "https://cam/mjpg", credentialsEnv: CAM_1_CREDS }`,
        ],
      }),
    );
    expect(loaded.facility.cameras).toEqual([
      { id: 'CAM-1', name: 'Cam', nameZh: '摄像机', siteId: 's', zoneId: 'z', doorIds: ['D1'], stream: true, simulated: false },
    ]);
    expect(loaded.cameraSources.get('CAM-1')).toEqual({ id: 'CAM-1', snapshotUrl: URL, streamUrl: 'https://cam/mjpg', credentialsEnv: 'CAM_1_CREDS' });
    expect(JSON.stringify(loaded.facility)).not.toContain('10.0.4.21');
  });

  it('a facility without cameras stays valid and lists none', () => {
    expect(loadFacility(files.write(SENSORS)).facility.cameras).toBeUndefined();
  });

  it('takes http and https URLs only, without a user name or password in them', () => {
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "rtsp://10.0.4.21/stream" }`)).toEqual([
      expect.stringContaining('snapshotUrl: must be an http:// or https:// URL'),
    ]);
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "file:///etc/passwd" }`)).toEqual([expect.stringContaining('must be an http:// or https:// URL')]);
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "http://admin:12345@10.0.4.21/pic" }`)).toEqual([
      expect.stringContaining('must not carry a user name or password: name an environment variable in credentialsEnv instead'),
    ]);
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "${URL}", streamUrl: "http://admin@10.0.4.21/mjpg" }`)).toEqual([
      expect.stringContaining('streamUrl: must not carry a user name or password'),
    ]);
  });

  it('checks the camera id, the variable name, and that it watches something', () => {
    expect(problems(`{ id: "cam 1", name: C, zone: z, snapshotUrl: "${URL}" }`)).toEqual([expect.stringContaining('id: must be 1-64 letters')]);
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "${URL}", credentialsEnv: "user:pw" }`)).toEqual([
      expect.stringContaining('credentialsEnv: must be an environment variable name'),
    ]);
    expect(problems(`{ id: C, name: C, snapshotUrl: "${URL}" }`)).toEqual([expect.stringContaining('a camera needs a zone or doors to watch')]);
    expect(problems(`{ id: C, name: C, zone: z, snapshotUrl: "${URL}", password: x }`)).toEqual([expect.stringContaining('password')]);
  });

  it('refuses a zone or door the site does not have, a door that is not a door, and an id already taken', () => {
    expect(problems(`{ id: C, name: C, zone: nowhere, doors: [NOPE, S1], snapshotUrl: "${URL}" }`)).toEqual([
      expect.stringContaining('zone: no zone "nowhere" in site "s"'),
      expect.stringContaining('doors[0]: no sensor "NOPE" in site "s"'),
      expect.stringContaining('doors[1]: "S1" is a smoke sensor, not a door'),
    ]);
    expect(
      problems(
        `{ id: D1, name: C, zone: z, snapshotUrl: "${URL}" }`,
        `{ id: C2, name: C, zone: z, snapshotUrl: "${URL}" }`,
        `{ id: C2, name: C, zone: z, snapshotUrl: "${URL}" }`,
      ),
    ).toEqual([
      expect.stringContaining('duplicate id "D1": already used at'),
      expect.stringContaining('duplicate id "C2": already used at sites[0].cameras[1].id'),
    ]);
  });

  it('names every camera whose credentials variable is unset (the server does not start)', () => {
    const { cameraSources } = loadFacility(
      files.write(SENSORS, {
        cameras: [
          `{ id: A, name: A, zone: z, snapshotUrl: "${URL}", credentialsEnv: A_CREDS }`,
          `{ id: B, name: B, zone: z, snapshotUrl: "${URL}", credentialsEnv: B_CREDS }`,
        ],
      }),
    );
    expect(missingCameraCredentials(cameraSources, { A_CREDS: 'u:p' })).toEqual(['camera B: environment variable B_CREDS (user:password) is not set']);
  });
});
