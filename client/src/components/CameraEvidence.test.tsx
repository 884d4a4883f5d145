/**
 * Requirement: the alarm detail shows the camera stills taken with the alarm, each with the time it
 * was taken and its camera, a camera that gave nothing with the reason, and images of a simulated
 * camera labelled as such, in English and Chinese.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AlarmSnapshotsResponse, CameraSnapshot } from '../../../contract/index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { Stills } from './CameraEvidence.tsx';

const T = Date.UTC(2026, 10, 27, 2, 1, 0);
const still = (more: Partial<CameraSnapshot>): CameraSnapshot => ({
  id: 'snap_1',
  alarmId: 'al_1',
  cameraId: 'CAM-2F-CASH',
  cameraName: 'Cash office camera',
  cameraNameZh: '现金室摄像机',
  shot: 1,
  takenAt: T,
  bytes: 8000,
  sha256: '9f2c0d6e1b7a4c3d9f2c0d6e1b7a4c3d9f2c0d6e1b7a4c3d9f2c0d6e1b7a4c3d',
  url: '/api/camera-snapshots/snap_1',
  error: null,
  simulated: true,
  ...more,
});
const data = (snapshots: CameraSnapshot[]): AlarmSnapshotsResponse => ({
  snapshots,
  cameras: [
    { id: 'CAM-2F-CASH', name: 'Cash office camera', nameZh: '现金室摄像机', siteId: 'hq', zoneId: 'cash-office', doorIds: [], stream: true, simulated: true },
  ],
  shotsPerCamera: 2,
});
const render = (locale: Locale, d: AlarmSnapshotsResponse, due = false) =>
  renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <Stills data={d} due={due} />
    </I18nContext.Provider>,
  );

describe('camera stills in the alarm detail', () => {
  it('shows each still from Vigil with its time in the site zone, camera, shot, hash and the simulated label', () => {
    const html = render('en', data([still({}), still({ id: 'snap_2', shot: 2, takenAt: T + 5000, url: null, sha256: null, error: 'no answer within 5 s' })]));
    expect(html).toContain('src="/api/camera-snapshots/snap_1"');
    expect(html).toContain(`dateTime="${new Date(T).toISOString()}"`);
    expect(html).toContain('10:01:00');
    expect(html).toContain('Cash office camera · Still 1');
    // The camera and shot are one part of the caption: wrapped under the time, no line starts with a dot.
    expect(html).toContain('</time><span>Cash office camera · Still 1</span>');
    expect(html).toContain('Simulated camera (test pattern)');
    expect(html).toContain('SHA-256 9f2c0d6e1b7a4c3d…');
    expect(html).toContain('No still from Cash office camera: no answer within 5 s');
    expect(html.match(/<img /g)).toHaveLength(1);
  });

  it('speaks Chinese to a viewer who chose it, with the camera Chinese name', () => {
    const html = render('zh', data([still({})]));
    expect(html).toContain('现金室摄像机 · 截图 1');
    expect(html).toContain('模拟摄像机（测试图案）');
  });

  it('says stills are being taken while they are due, and that there are none once they are not', () => {
    expect(render('en', data([]), true)).toContain('Taking stills from Cash office camera…');
    expect(render('en', data([]), false)).toContain('No stills were taken for this alarm.');
  });
});
