import { SENSOR_DISPLAY_STATES, STATE_STYLES } from '../domain/sensor.status.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ShapeIcon } from './ShapePath.tsx';

/** Every state's shape, colour and name: the key to the plan. */
export function StateLegend() {
  const { t } = useI18n();
  return (
    <section className="legend" aria-label={t('plan.legend')}>
      <h3 className="legend__title">{t('plan.legend')}</h3>
      <ul className="legend__list">
        {SENSOR_DISPLAY_STATES.map((state) => {
          const style = STATE_STYLES[state];
          return (
            <li key={state} className="legend__item">
              <ShapeIcon shape={style.shape} color={`var(${style.colorVar})`} size="1.1em" />
              {t(style.labelKey)}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
