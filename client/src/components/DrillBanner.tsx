import type { Alarm } from '../../../contract/alarm.ts';
import { MUSTER_CONDITIONS } from '../../../contract/condition-sets.ts';
import { useRunningDrillTitles } from '../drills/useDrills.ts';
import { useLive } from '../live/useLive.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/**
 * While a drill runs, everyone sees it, by its scenario's title: its alarms look real on purpose.
 * Once an evacuation drill has a fire alarm, "Muster" opens that alarm with its muster.
 */
export function DrillBanner({ onOpenAlarm }: { onOpenAlarm?: (alarm: Alarm) => void }) {
  const { t } = useI18n();
  const drills = useLive((s) => s.drills);
  const alarms = useLive((s) => s.alarms);
  const titles = useRunningDrillTitles();
  if (drills.size === 0) return null;
  const names = [...drills.values()].map((d) => titles.get(d.drillId) ?? d.scenario).join(', ');
  return (
    <div className="banner banner--drill" role="status">
      <span className="tag tag--drill">{t('queue.drill')}</span>
      {t('drill.running', { names })}
      {onOpenAlarm
        ? [...drills.keys()].map((id) => {
            const fire = [...alarms.values()].filter((a) => a.drill === id && MUSTER_CONDITIONS.has(a.condition)).sort((a, b) => a.raisedAt - b.raisedAt)[0];
            return fire ? (
              <button key={id} type="button" className="btn" onClick={() => onOpenAlarm(fire)} aria-label={t('muster.openLabel')} data-testid="drill-muster">
                {t('muster.open')}
              </button>
            ) : null;
          })
        : null}
    </div>
  );
}
