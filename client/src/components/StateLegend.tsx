import { CONDITIONS } from '../../../contract/alarm-constants.ts';
import { CONDITION_DISPLAY, SENSOR_DISPLAY_STATES, STATE_STYLES } from '../domain/sensor.status.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ShapeIcon } from './ShapePath.tsx';

/**
 * Every state's shape, colour and name: the key to the plan. Under each state, the alarm types
 * drawn that way, taken from the same table the markers use, so the key cannot disagree with
 * the plan.
 */
export function StateLegend() {
  const { t, locale } = useI18n();
  return (
    <section className="legend" aria-label={t('plan.legend')}>
      <h3 className="legend__title">{t('plan.legend')}</h3>
      <ul className="legend__list">
        {SENSOR_DISPLAY_STATES.map((state) => {
          const style = STATE_STYLES[state];
          const conditions = CONDITIONS.filter((c) => CONDITION_DISPLAY[c] === state);
          return (
            <li key={state} className="legend__item" data-state={state}>
              <ShapeIcon shape={style.shape} color={`var(${style.colorVar})`} size="1.1em" />
              {t(style.labelKey)}
              {conditions.length > 0 ? (
                <span className="legend__conditions" data-conditions={conditions.join(' ')}>
                  {conditions.map((c) => conditionLabel(c, locale)).join(' · ')}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
