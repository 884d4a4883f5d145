/** The procedure for the alarm (from the facility's `sops`), numbered and large: read under stress. */
import { useI18n } from '../i18n/I18nContext.ts';

export function SopSteps({ steps }: { steps: readonly string[] }) {
  const { t } = useI18n();
  return (
    <section className="detail__section sop" aria-label={t('detail.sop')}>
      <h3 className="detail__heading">{t('detail.sop')}</h3>
      {steps.length === 0 ? (
        <p className="detail__muted">{t('detail.sopEmpty')}</p>
      ) : (
        <ol className="sop__steps" data-testid="sop-steps">
          {steps.map((step, i) => (
            <li key={i} className="sop__step">
              <span className="sop__number" aria-hidden="true">
                {i + 1}
              </span>
              <span className="sop__text">{step}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
