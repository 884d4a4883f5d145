/**
 * The procedure for the alarm (from the facility's `sops`), numbered and large: read under stress.
 * Each step can be ticked; the tick is an event in the alarm's history with its time and author.
 */
import type { Alarm } from '../../../contract/alarm.ts';
import { useSession } from '../auth/SessionContext.ts';
import { sopTicks } from '../domain/alarm.actions.ts';
import type { ActionRunner } from '../hooks/useActionRunner.ts';
import type { HistoryLoad } from '../hooks/useAlarmDetail.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface SopStepsProps {
  alarm: Alarm;
  history: HistoryLoad;
  runner: ActionRunner;
}

export function SopSteps({ alarm, history, runner }: SopStepsProps) {
  const { t, fmt, procedure } = useI18n();
  const { can } = useSession();
  // In the viewer's language when the facility file translates this procedure.
  const steps = procedure(alarm);
  const ticks = sopTicks(history.kind === 'ready' ? history.history : []);
  // Until the history is in, the ticks are unknown: a box shown empty would invite a second tick.
  const canTick = can('alarm.comment') && history.kind === 'ready' && runner.status.kind !== 'pending';
  return (
    <section className="detail__section sop" aria-label={t('detail.sop')}>
      <h3 className="detail__heading">{t('detail.sop')}</h3>
      {steps.length === 0 ? (
        <p className="detail__muted">{t('detail.sopEmpty')}</p>
      ) : (
        <ol className="sop__steps" data-testid="sop-steps">
          {steps.map((step, i) => {
            const tick = ticks.get(i);
            return (
              <li key={i} className={`sop__step${tick ? ' sop__step--done' : ''}`} data-step={i} data-done={tick ? 'true' : 'false'}>
                <span className="sop__number" aria-hidden="true">
                  {i + 1}
                </span>
                <input
                  type="checkbox"
                  className="sop__tick"
                  checked={tick !== undefined}
                  disabled={!canTick}
                  aria-label={t('sop.tick', { n: i + 1 })}
                  onChange={(e) => void runner.run({ type: 'sop_step', step: i, done: e.target.checked })}
                />
                <span className="sop__text">{step}</span>
                {tick ? (
                  <span className="sop__when" data-testid="sop-when">
                    {t('sop.doneAt', { time: fmt.dateTime(tick.at), who: tick.by })}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
