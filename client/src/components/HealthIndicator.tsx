/**
 * The server's own health: broker, InfluxDB, outbox and the broker's dropped messages, red when a
 * part is failing, grey "unknown" while no answer came in time (a late answer says nothing about now).
 */
import type { HealthPart } from '../../../contract/api.ts';
import type { HealthStatus } from '../hooks/useHealth.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface HealthIndicatorProps {
  status: HealthStatus;
}

export function HealthIndicator({ status }: HealthIndicatorProps) {
  const { t } = useI18n();
  if (status.kind === 'unreachable') {
    return (
      <div className="health" role="status" aria-label={t('health.title')} data-health={status.kind}>
        <span className="chip chip--bad" title={status.message}>
          <span className="chip__dot" aria-hidden="true">
            ✕
          </span>
          {t('health.unreachable')}
        </span>
      </div>
    );
  }
  const parts = status.kind === 'ok' ? status.health.parts : null;
  const outboxDepth = parts?.outbox.depth ?? 0;
  const dropped = parts?.drops.dropped ?? 0;
  const why = status.kind === 'late' ? t('health.late', { n: Math.round(status.waitedMs / 1000) }) : undefined;
  return (
    <div className="health" role="status" aria-label={t('health.title')} data-health={status.kind}>
      <HealthChip label={t('health.broker')} part={parts?.broker} why={why} />
      <HealthChip label={t('health.influx')} part={parts?.influx} why={why} />
      <HealthChip label={t('health.outbox')} part={parts?.outbox} why={why} extra={outboxDepth > 0 ? t('health.queued', { n: outboxDepth }) : undefined} />
      <HealthChip
        label={t('health.drops')}
        part={parts?.drops}
        why={why}
        extra={dropped > 0 ? t('health.dropped', { n: dropped.toLocaleString() }) : undefined}
      />
    </div>
  );
}

/** `why`: why the part is unknown, for the tooltip. */
function HealthChip({ label, part, extra, why }: { label: string; part: HealthPart | undefined; extra?: string | undefined; why?: string | undefined }) {
  const { t } = useI18n();
  const kind = part === undefined ? 'unknown' : part.ok ? 'ok' : 'bad';
  const word = kind === 'unknown' ? t('health.unknown') : kind === 'ok' ? t('health.ok') : t('health.failing');
  return (
    <span className={`chip chip--${kind}`} data-part-state={kind} title={part?.detail ? `${label}: ${part.detail}` : `${label}: ${why ?? word}`}>
      <span className="chip__dot" aria-hidden="true">
        {kind === 'ok' ? '●' : kind === 'bad' ? '✕' : '○'}
      </span>
      <span className="chip__label">{label}</span>
      <span className="visually-hidden">: {word}</span>
      {kind === 'bad' ? <span className="chip__extra">{word}</span> : null}
      {extra ? <span className="chip__extra">{extra}</span> : null}
    </span>
  );
}
