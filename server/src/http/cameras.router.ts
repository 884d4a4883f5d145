/**
 * Camera stills and the live view, proxied: the browser loads every image from this origin, so
 * it never holds a camera's address or credentials and the Content-Security-Policy stays
 * `img-src 'self'`. Anyone who may watch alarms (`alarm.view`) may see them; the session check
 * comes before any lookup, so unknown ids tell a stranger nothing.
 *
 * A camera that does not answer gets 502 CAMERA_UNAVAILABLE with the reason (the officer sees
 * "no answer within 5 s", never a URL).
 */
import { Readable } from 'node:stream';
import { Router, type Response } from 'express';
import type { Alarm, ApiError } from '../../../contract/index.ts';
import { HttpError, notFound } from '../errors.ts';
import { CameraError } from '../services/camera.ports.ts';
import type { CameraService } from '../services/camera.service.ts';
import type { AccessControl } from './access.ts';

/** A live view ends after this long; the dashboard offers to reopen it (an MJPEG left open in a forgotten tab would hold the camera). */
export const LIVE_MAX_MS = 10 * 60_000;
/**
 * Live views of one camera at once. Each is a stream from the camera, and a camera serves only a
 * few (often 4-10): viewers beyond this would leave none for the alarm's stills.
 */
export const MAX_LIVE_VIEWERS = 4;

const noStore = (res: Response): void => void res.set('Cache-Control', 'no-store');

function unavailable(res: Response, err: unknown): void {
  if (!(err instanceof CameraError)) throw err;
  const body: ApiError = { error: { code: 'CAMERA_UNAVAILABLE', message: err.message } };
  noStore(res);
  res.status(502).json(body);
}

export function camerasRouter(cameras: CameraService, alarmById: (id: string) => Promise<Alarm | undefined>, access: AccessControl): Router {
  const router = Router();
  const view = access.requirePermission('alarm.view');
  const viewers = new Map<string, number>();

  router.get('/api/alarms/:id/snapshots', view, async (req, res) => {
    const alarm = await alarmById(String(req.params.id));
    if (alarm === undefined) throw notFound(`no alarm ${String(req.params.id)}`);
    const answer = await cameras.forAlarm(alarm);
    noStore(res);
    res.json(answer);
  });

  router.get('/api/camera-snapshots/:id', view, async (req, res) => {
    const file = await cameras.imagePath(String(req.params.id));
    if (file === undefined) throw notFound(`no still ${String(req.params.id)}`);
    // Evidence never changes once taken; it may stay in this officer's browser cache only.
    res.set('Cache-Control', 'private, max-age=86400, immutable');
    res.type('image/jpeg').sendFile(file, { dotfiles: 'deny' });
  });

  router.get('/api/cameras/:id/still', view, async (req, res) => {
    const camera = cameras.camera(String(req.params.id));
    if (camera === undefined) throw notFound(`no camera ${String(req.params.id)}`);
    try {
      const image = await cameras.still(camera.id);
      noStore(res);
      res.type('image/jpeg').send(image);
    } catch (err) {
      unavailable(res, err);
    }
  });

  router.get('/api/cameras/:id/live', view, async (req, res) => {
    const camera = cameras.camera(String(req.params.id));
    if (camera === undefined) throw notFound(`no camera ${String(req.params.id)}`);
    const watching = viewers.get(camera.id) ?? 0;
    if (watching >= MAX_LIVE_VIEWERS)
      throw new HttpError('RATE_LIMITED', `camera ${camera.id} is shown live to ${watching} viewers already: close one of them, or use its stills`);
    viewers.set(camera.id, watching + 1);
    res.once('close', () => viewers.set(camera.id, (viewers.get(camera.id) ?? 1) - 1));
    const viewer = new AbortController();
    const end = (): void => viewer.abort();
    res.on('close', end);
    const limit = setTimeout(end, LIVE_MAX_MS).unref();
    try {
      const live = await cameras.live(camera.id, viewer.signal);
      noStore(res);
      res.status(200).set('Content-Type', live.contentType);
      const body = Readable.fromWeb(live.body as Parameters<typeof Readable.fromWeb>[0]);
      body.on('error', () => res.destroy());
      body.on('end', () => res.end());
      body.pipe(res);
      // The viewer left, or the live view reached its limit: let go of the camera and end the answer.
      viewer.signal.addEventListener(
        'abort',
        () => {
          body.destroy();
          res.end();
        },
        { once: true },
      );
    } catch (err) {
      clearTimeout(limit);
      if (viewer.signal.aborted) return;
      unavailable(res, err);
    }
  });

  return router;
}
