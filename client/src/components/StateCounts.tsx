import { SENSOR_DISPLAY_STATES, STATE_STYLES, type StateCounts as Counts } from '../domain/sensor.status.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ShapeIcon } from './ShapePath.tsx';

interface StateCountsProps {
  counts: Counts;
  /** Also list normal sensors (the legend does; compact badges do not). */
  showNormal?: boolean;
}

/** Counts per state, each with its shape, colour and label. */
export function StateCounts({ counts, showNormal = false }: StateCountsProps) {
  const { t } = useI18n();
  const shown = SENSOR_DISPLAY_STATES.filter((s) => counts[s] > 0 && (showNormal || s !== 'normal'));
  return (
    <ul className="state-counts">
      {shown.map((state) => {
        const style = STATE_STYLES[state];
        return (
          <li key={state} className={`state-count state-count--${state}`} title={t(style.labelKey)}>
            <ShapeIcon shape={style.shape} color={`var(${style.colorVar})`} size="1em" />
            <span className="state-count__n">{counts[state]}</span>
            <span className="state-count__label">{t(style.labelKey)}</span>
          </li>
        );
      })}
    </ul>
  );
}
