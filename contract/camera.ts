/**
 * IP cameras that verify an alarm: on a forced door, a door held open, access after hours, smoke
 * or gas in a camera's zone, Vigil fetches a still at once and again a few seconds later, keeps
 * both with the alarm (their SHA-256 in the audit chain), and lets the officer open a live view.
 * docs/contracts.md#cameras describes the routes; docs/architecture.md#camera-verification the flow.
 *
 * @example A site's cameras in `config/facility.yaml`:
 * ```yaml
 * cameras:
 *   - id: CAM-LOBBY
 *     name: Lobby camera
 *     zone: lobby                      # alarms in this zone...
 *     doors: [OFF-DOOR-01]             # ...and of these door sensors, wherever they are
 *     snapshotUrl: http://10.0.4.21/ISAPI/Streaming/channels/101/picture
 *     streamUrl: http://10.0.4.21/ISAPI/Streaming/channels/102/httpPreview
 *     credentialsEnv: VIGIL_CAM_LOBBY  # holds user:password (HTTP Basic or Digest)
 * ```
 */
import { z } from 'zod';
import { idSchema } from './observation.ts';

export { CAMERA_KIND } from './device-kinds.ts';
export { CAMERA_VERIFIED_CONDITIONS } from './condition-sets.ts';

const cameraUrl = z
  .string()
  .max(2000)
  .refine((raw) => {
    try {
      const u = new URL(raw);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  // A password in the file would be shown to everyone who can read it: it goes in credentialsEnv.
  .refine((raw) => !URL.canParse(raw) || (new URL(raw).username === '' && new URL(raw).password === ''), {
    message: 'must not carry a user name or password: name an environment variable in credentialsEnv instead',
  });

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name');

export const cameraSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    nameZh: z.string().min(1).max(120).optional(),
    /** The zone it watches: every verified alarm there gets its snapshots. */
    zone: idSchema.optional(),
    /** Door sensors it looks at (in any zone of the site). */
    doors: z.array(idSchema).max(50).optional(),
    /** A JPEG still over HTTP (ONVIF `GetSnapshotUri`, an NVR's picture URL). */
    snapshotUrl: cameraUrl,
    /** An MJPEG stream (`multipart/x-mixed-replace`) for the live view; without it the live view refreshes stills. */
    streamUrl: cameraUrl.optional(),
    /** An environment variable holding `user:password` for the camera. */
    credentialsEnv: envName.optional(),
    /** A test-pattern camera (`npm start` runs one): the dashboard labels its images "simulated". */
    simulated: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.zone !== undefined || (c.doors?.length ?? 0) > 0, { message: 'a camera needs a zone or doors to watch', path: ['zone'] });
export type CameraConfig = z.infer<typeof cameraSchema>;

/** A camera as `GET /api/facility` lists it: where it looks, never its addresses or credentials. */
export interface Camera {
  id: string;
  name: string;
  nameZh?: string;
  siteId: string;
  zoneId: string | null;
  doorIds: string[];
  /** It has a stream URL: the live view is MJPEG rather than refreshed stills. */
  stream: boolean;
  simulated: boolean;
}

/**
 * One still kept with an alarm (`GET /api/alarms/:id/snapshots`). `error` is set, and `url`
 * null, when the camera did not give one; `sha256` is the image's hash, also in the audit chain.
 *
 * @example `{"id": "snap_1", "alarmId": "al_x", "cameraId": "CAM-OFFICE-1", "shot": 1, "takenAt": 1764240000000, "bytes": 8210, "sha256": "9f2c…", "url": "/api/camera-snapshots/snap_1", "error": null, "simulated": true, "cameraName": "Office camera", "cameraNameZh": "办公区摄像机"}`
 */
export interface CameraSnapshot {
  id: string;
  alarmId: string;
  cameraId: string;
  cameraName: string;
  cameraNameZh?: string;
  /** 1 at once, 2 a few seconds later. */
  shot: number;
  takenAt: number;
  bytes: number | null;
  sha256: string | null;
  url: string | null;
  error: string | null;
  simulated: boolean;
}

/** `GET /api/alarms/:id/snapshots`: the stills, oldest first, and the cameras that watch the alarm. */
export interface AlarmSnapshotsResponse {
  snapshots: CameraSnapshot[];
  cameras: Camera[];
  /** Stills per camera for one alarm (1 at once + the later one). */
  shotsPerCamera: number;
}
