/** Everything about one sensor: identity, live health, and its history chart. */
import { useEffect, useRef } from 'react';
import type { SensorLiveState } from '../../../contract/alarm.ts';
import type { Sensor } from '../../../contract/facility.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { STATE_STYLES, type SensorDisplayState } from '../domain/sensor.status.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { DoorTimeline } from './DoorTimeline.tsx';
import { HistorySection } from './HistorySection.tsx';
import { OutOfServiceControl } from './OutOfServiceControl.tsx';
import { ShapeIcon } from './ShapePath.tsx';

interface SensorPanelProps {
  sensor: Sensor;
  state: SensorLiveState | undefined;
  displayState: SensorDisplayState;
  index: FacilityIndex;
  stale: boolean;
  onClose: () => void;
}

export function SensorPanel({ sensor, state, displayState, index, stale, onClose }: SensorPanelProps) {
  const { t, duration } = useI18n();
  const now = useNow();
  const closeRef = useRef<HTMLButtonElement>(null);
  const style = STATE_STYLES[displayState];
  const place = index.zoneOf(sensor.siteId, sensor.zoneId);

  useEffect(() => closeRef.current?.focus(), [sensor.id]);
  useEffect(() => {
    function handleKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', handleKeyDown);
    return () => window.removeEventListener('keydown', handleKeyDown);
  }, [onClose]);

  const lastValue = state?.lastValue !== null && state?.lastValue !== undefined ? `${state.lastValue}${sensor.unit ? ` ${sensor.unit}` : ''}` : '—';
  const batteryLow = state?.battery !== null && state?.battery !== undefined && state.battery < sensor.batteryLowPct;

  return (
    <aside className="panel" aria-label={sensor.name} data-testid="sensor-panel">
      <header className="panel__head">
        <div>
          <h2 className="panel__title">{sensor.name}</h2>
          <div className="panel__id">{sensor.id}</div>
        </div>
        <button ref={closeRef} type="button" className="btn btn--ghost panel__close" onClick={onClose} aria-label={t('panel.close')}>
          ✕
        </button>
      </header>

      <div className={`panel__state panel__state--${displayState}`}>
        <ShapeIcon shape={style.shape} color={`var(${style.colorVar})`} size="1.4em" />
        <span>{t(style.labelKey)}</span>
      </div>
      {stale ? (
        <p className="panel__stale" role="status">
          ⚠ {t('panel.staleNote')}
        </p>
      ) : null}

      <dl className="facts">
        <Fact label={t('panel.lastValue')} value={lastValue} emphasis stale={stale} />
        {state?.lastEvent ? <Fact label={t('panel.lastEvent')} value={state.lastEvent} stale={stale} /> : null}
        <Fact label={t('panel.lastSeen')} value={state?.lastSeen ? t('panel.ago', { d: duration(now - state.lastSeen) }) : t('panel.never')} />
        <Fact label={t('panel.kind')} value={t(`kind.${sensor.kind}`)} />
        <Fact label={t('panel.model')} value={sensor.model ?? '—'} />
        <Fact label={t('panel.zone')} value={[place?.zone.name ?? sensor.zoneId, place?.floor.name].filter(Boolean).join(' · ')} />
        <Fact label={t('panel.battery')} value={state?.battery != null ? `${state.battery} %` : '—'} warn={batteryLow} />
        <Fact label={t('panel.signal')} value={state?.rssi != null ? `${state.rssi} dBm` : '—'} />
      </dl>

      <OutOfServiceControl key={`oos:${sensor.id}`} sensorId={sensor.id} outOfService={state?.outOfService ?? null} />

      <HistorySection key={sensor.id} sensor={sensor} />
      {sensor.kind === 'door' ? (
        <DoorTimeline key={`door:${sensor.id}`} sensorId={sensor.id} version={`${state?.lastSeen ?? ''}|${state?.lastEvent ?? ''}`} />
      ) : null}
    </aside>
  );
}

interface FactProps {
  label: string;
  value: string;
  emphasis?: boolean;
  warn?: boolean;
  stale?: boolean;
}

function Fact({ label, value, emphasis, warn, stale }: FactProps) {
  return (
    <div className={`fact${emphasis ? ' fact--big' : ''}${warn ? ' fact--warn' : ''}${stale ? ' fact--stale' : ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
