import { useRunningDrillTitles } from '../drills/useDrills.ts';
import { useLive } from '../live/useLive.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/** While a drill runs, everyone sees it, by its scenario's title: its alarms look real on purpose. */
export function DrillBanner() {
  const { t } = useI18n();
  const drills = useLive((s) => s.drills);
  const titles = useRunningDrillTitles();
  if (drills.size === 0) return null;
  const names = [...drills.values()].map((d) => titles.get(d.drillId) ?? d.scenario).join(', ');
  return (
    <div className="banner banner--drill" role="status">
      <span className="tag tag--drill">{t('queue.drill')}</span>
      {t('drill.running', { names })}
    </div>
  );
}
