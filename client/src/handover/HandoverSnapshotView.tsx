/**
 * What a handover passes to the next shift, section by section. While the handover is being
 * prepared the outgoing officer picks, for each shelved alarm, Carry over or Unshelve; once signed
 * the decisions are shown as they were made.
 */
import type { ReactNode } from 'react';
import type { HandoverAlarmItem, HandoverSnapshot, ShelvedDecision } from '../../../contract/handover.ts';
import type { FacilityIndex } from '../domain/facility.index.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface SnapshotViewProps {
  snapshot: HandoverSnapshot;
  index: FacilityIndex;
  /** Given while the outgoing officer may still decide; absent once signed (or for a reader). */
  decisions?: { chosen: ReadonlyMap<string, ShelvedDecision>; onChoose: (alarmId: string, d: ShelvedDecision) => void };
}

function Section({ title, count, testId, children }: { title: string; count: number; testId: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="handover__section" aria-label={title} data-testid={testId}>
      <h4 className="admin-page__heading">
        {title} <span className="drills__muted">({count})</span>
      </h4>
      {count === 0 ? <p className="drills__muted">{t('handover.nothing')}</p> : <ul className="handover__items">{children}</ul>}
    </section>
  );
}

export function HandoverSnapshotView({ snapshot: s, index, decisions }: SnapshotViewProps) {
  const { t, fmt, locale } = useI18n();
  const sensorName = (id: string, fallback: string): string => index.sensorsById.get(id)?.name ?? fallback;
  const alarmLine = (a: HandoverAlarmItem): string =>
    `${t(`priority.${a.priority}`)} · ${conditionLabel(a.condition, locale)} · ${sensorName(a.sensorId, a.sensorName)} · ${t(`alarmState.${a.state}`)} · ${fmt.dateTime(a.raisedAt)}`;
  return (
    <div className="handover__snapshot">
      <p className="drills__muted">{t('handover.asOf', { time: fmt.dateTime(s.takenAt) })}</p>
      <Section title={t('handover.section.standing')} count={s.standing.length} testId="handover-standing">
        {s.standing.map((a) => (
          <li key={a.alarmId}>{alarmLine(a)}</li>
        ))}
      </Section>
      <Section title={t('handover.section.shelved')} count={s.shelved.length} testId="handover-shelved">
        {s.shelved.map((a) => (
          <li key={a.alarmId} data-alarm-id={a.alarmId}>
            <span>{alarmLine(a)}</span>{' '}
            <span className="drills__muted">{t('handover.shelvedBy', { user: a.shelf.by, time: fmt.dateTime(a.shelf.until), reason: a.shelf.reason })}</span>
            {decisions ? (
              <span
                className="segmented handover__decision"
                role="radiogroup"
                aria-label={t('handover.decision', { alarm: sensorName(a.sensorId, a.sensorName) })}
              >
                {(['carry', 'unshelve'] as const).map((d) => (
                  <label key={d}>
                    <input
                      type="radio"
                      name={`decision-${a.alarmId}`}
                      checked={decisions.chosen.get(a.alarmId) === d}
                      onChange={() => decisions.onChoose(a.alarmId, d)}
                    />
                    {t(`handover.decision.${d}`)}
                  </label>
                ))}
              </span>
            ) : a.decision !== null ? (
              <strong> {t(a.decision === 'carry' ? 'handover.carried' : 'handover.unshelved')}</strong>
            ) : null}
          </li>
        ))}
      </Section>
      <Section title={t('handover.section.outOfService')} count={s.outOfService.length} testId="handover-oos">
        {s.outOfService.map((o) => (
          <li key={o.sensorId}>
            {sensorName(o.sensorId, o.sensorName)} ·{' '}
            {o.until === null
              ? t('handover.oosOpen', { user: o.by, reason: o.reason })
              : t('handover.oosUntil', { user: o.by, time: fmt.dateTime(o.until), reason: o.reason })}
          </li>
        ))}
      </Section>
      <Section title={t('handover.section.actions')} count={s.actions.length} testId="handover-actions">
        {s.actions.map((a) => (
          <li key={a.id}>
            #{a.id} {a.title} · {t('handover.actionDue', { user: a.assignee ?? '—', time: a.dueAt === null ? '—' : fmt.dateTime(a.dueAt) })}
            {a.overdue ? <strong> {t('handover.overdue')}</strong> : null}
          </li>
        ))}
      </Section>
      <Section title={t('handover.section.drills')} count={s.drills.length} testId="handover-drills">
        {s.drills.map((d) => (
          <li key={d.id}>
            {d.title} · {t('handover.drillBy', { user: d.startedBy, time: fmt.dateTime(d.startedAt) })}
          </li>
        ))}
      </Section>
      <Section title={t('handover.section.links')} count={s.links.length} testId="handover-links">
        {s.links.map((l) => (
          <li key={`${l.kind}/${l.id}`}>
            {l.kind === 'gateway' ? t('handover.link.gateway', { id: l.id }) : t(`handover.link.${l.kind}`)}
            {l.since === null ? null : ` · ${fmt.dateTime(l.since)}`}
          </li>
        ))}
      </Section>
    </div>
  );
}
