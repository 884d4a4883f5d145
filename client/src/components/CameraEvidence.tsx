/**
 * The camera stills kept with an alarm (`GET /api/alarms/:id/snapshots`), each with the time it
 * was taken, and a live view of each camera watching the alarm. Every image comes from Vigil's
 * own origin (it proxies the cameras), so the browser never learns a camera's address or
 * credentials. While the alarm is fresh and stills are still due, the list is fetched again
 * every few seconds (the second still follows the first by a few seconds).
 */
import { useEffect, useState } from 'react';
import type { Alarm, AlarmSnapshotsResponse, Camera, CameraSnapshot } from '../../../contract/index.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import { CAMERA_VERIFIED_CONDITIONS } from '../../../contract/condition-sets.ts';
import { messageOf, request } from '../api/api.client.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import '../styles/camera.css';

/** Stills still due are looked for this often... */
const REFRESH_MS = 2000;
/** ...for this long after the alarm (re)activated: a camera that has not answered by then will not. */
const WAIT_FOR_STILLS_MS = 60_000;
/** A camera without an MJPEG stream: its live view shows a fresh still this often. */
const STILL_REFRESH_MS = 1000;

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; data: AlarmSnapshotsResponse };

export function CameraEvidence({ alarm }: { alarm: Alarm }) {
  const { t, locale } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState<string | null>(null);
  const verified = CAMERA_VERIFIED_CONDITIONS.includes(alarm.condition);

  useEffect(() => {
    if (!verified) return;
    const controller = new AbortController();
    request<AlarmSnapshotsResponse>(`/api/alarms/${encodeURIComponent(alarm.id)}/snapshots`, { signal: controller.signal }).then(
      (data) => setLoad({ kind: 'ready', data }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [alarm.id, alarm.activatedAt, verified, tick]);

  const due =
    load.kind === 'ready' &&
    load.data.snapshots.length < load.data.cameras.length * load.data.shotsPerCamera &&
    Date.now() - alarm.activatedAt < WAIT_FOR_STILLS_MS;
  useEffect(() => {
    if (!due) return;
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [due, tick]);

  if (!verified || (load.kind === 'ready' && load.data.cameras.length === 0 && load.data.snapshots.length === 0)) return null;
  const liveCamera = load.kind === 'ready' ? load.data.cameras.find((c) => c.id === live) : undefined;
  return (
    <section className="detail__section camera" aria-label={t('camera.title')} data-testid="camera-evidence">
      <h3 className="detail__heading">{t('camera.title')}</h3>
      {load.kind === 'loading' ? (
        <p className="detail__muted">{t('camera.loading')}</p>
      ) : load.kind === 'error' ? (
        <p className="detail__error">{t('camera.error', { msg: load.message })}</p>
      ) : (
        <>
          <Stills data={load.data} due={due} />
          <div className="camera__cameras">
            {load.data.cameras.map((c) => (
              <button
                key={c.id}
                type="button"
                className="btn"
                aria-pressed={live === c.id}
                onClick={() => setLive(live === c.id ? null : c.id)}
                data-testid={`camera-live-${c.id}`}
              >
                {live === c.id ? t('camera.closeLive') : `${t('camera.live')} · ${textIn(c.name, c.nameZh, locale)}`}
              </button>
            ))}
          </div>
          {liveCamera ? <LiveView camera={liveCamera} /> : null}
        </>
      )}
    </section>
  );
}

export function Stills({ data, due }: { data: AlarmSnapshotsResponse; due: boolean }) {
  const { t, fmt, locale } = useI18n();
  const nameOf = (s: CameraSnapshot): string => textIn(s.cameraName, s.cameraNameZh, locale);
  if (data.snapshots.length === 0)
    return (
      <p className="detail__muted">
        {due ? t('camera.waiting', { name: data.cameras.map((c) => textIn(c.name, c.nameZh, locale)).join(', ') }) : t('camera.none')}
      </p>
    );
  return (
    <ol className="camera__stills" data-testid="camera-stills">
      {data.snapshots.map((s) => (
        <li key={s.id} className="camera__still" data-shot={s.shot} data-camera={s.cameraId}>
          {s.url !== null ? (
            <a href={s.url} target="_blank" rel="noreferrer" title={t('camera.open')}>
              <img src={s.url} alt={`${nameOf(s)} · ${t('camera.shot', { n: String(s.shot) })}`} width={320} height={240} />
            </a>
          ) : (
            <p className="detail__error">{t('camera.failed', { name: nameOf(s), reason: s.error ?? '' })}</p>
          )}
          <div className="camera__caption">
            <time dateTime={new Date(s.takenAt).toISOString()}>{fmt.dateTime(s.takenAt)}</time>
            {/* The caption is a wrapping flex row: its gap separates the parts, a dot would start the second line. */}
            <span>
              {nameOf(s)} · {t('camera.shot', { n: String(s.shot) })}
            </span>
            {s.simulated ? <span className="tag camera__simulated">{t('camera.simulated')}</span> : null}
          </div>
          {s.sha256 !== null ? <div className="camera__hash">{t('camera.sha', { hash: `${s.sha256.slice(0, 16)}…` })}</div> : null}
        </li>
      ))}
    </ol>
  );
}

function LiveView({ camera }: { camera: Camera }) {
  const { t, locale } = useI18n();
  const [failed, setFailed] = useState(false);
  const [frame, setFrame] = useState(0);
  const name = textIn(camera.name, camera.nameZh, locale);
  useEffect(() => {
    if (camera.stream || failed) return;
    const timer = setTimeout(() => setFrame((n) => n + 1), STILL_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [camera.stream, failed, frame]);
  const src = camera.stream ? `/api/cameras/${encodeURIComponent(camera.id)}/live` : `/api/cameras/${encodeURIComponent(camera.id)}/still?frame=${frame}`;
  return (
    <figure className="camera__live" data-testid="camera-live">
      {failed ? (
        <p className="detail__error">{t('camera.liveFailed', { name })}</p>
      ) : (
        <img src={src} alt={t('camera.liveOf', { name })} width={320} height={240} onError={() => setFailed(true)} />
      )}
      <figcaption>
        {t('camera.liveOf', { name })}
        {camera.simulated ? <span className="tag camera__simulated">{t('camera.simulated')}</span> : null}
      </figcaption>
    </figure>
  );
}
