/**
 * Starting a drill (manager, `drill.run`): scenario, site and speed, then an explicit confirmation,
 * because a drill sends traffic through the real broker and every console sees its alarms.
 * Only the speeds the scenario allows are offered, and a site whose sensors the scenario does not
 * play is refused here with the reason, before anything runs (the server refuses it too).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Drill, DrillScenario } from '../../../contract/drill.ts';
import { textIn } from '../../../contract/alarm-text.ts';
import type { Site } from '../../../contract/facility.ts';
import { messageOf } from '../api/api.client.ts';
import { startDrill } from '../api/drill.api.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface StartDrillFormProps {
  scenarios: readonly DrillScenario[];
  sites: readonly Site[];
  defaultSiteId: string;
  onStarted: (drill: Drill) => void;
}

type Step = { kind: 'edit' } | { kind: 'confirm' } | { kind: 'starting' } | { kind: 'failed'; message: string };

export function StartDrillForm({ scenarios, sites, defaultSiteId, onStarted }: StartDrillFormProps) {
  const { t, locale } = useI18n();
  const [picked, setScenario] = useState(scenarios[0]?.name ?? '');
  // The list may arrive (or change) after the first render: a pick it no longer has falls back to the first.
  const chosen = scenarios.find((s) => s.name === picked) ?? scenarios[0];
  const scenario = chosen?.name ?? '';
  const [siteId, setSiteId] = useState(() => (sites.some((s) => s.id === defaultSiteId) ? defaultSiteId : (sites[0]?.id ?? '')));
  const [pickedSpeed, setSpeed] = useState<number>(1);
  const speeds = chosen?.speeds ?? [];
  // A speed the newly picked scenario does not allow falls back to its fastest allowed one below it.
  const speed = speeds.includes(pickedSpeed) ? pickedSpeed : (speeds.filter((s) => s < pickedSpeed).at(-1) ?? speeds[0] ?? 1);
  const siteNameOf = (id: string) => sites.find((s) => s.id === id)?.name ?? id;
  const wrongSite = chosen !== undefined && siteId !== '' && chosen.siteId !== siteId;
  const [step, setStep] = useState<Step>({ kind: 'edit' });
  const confirmRef = useRef<HTMLButtonElement>(null);
  const siteName = siteNameOf(siteId);

  useEffect(() => {
    if (step.kind === 'confirm') confirmRef.current?.focus();
  }, [step.kind]);

  function handleReview(event: FormEvent) {
    event.preventDefault();
    if (scenario && siteId && !wrongSite && speeds.length > 0) setStep({ kind: 'confirm' });
  }

  async function handleConfirm() {
    setStep({ kind: 'starting' });
    try {
      const drill = await startDrill({ scenario, siteId, speed });
      setStep({ kind: 'edit' });
      onStarted(drill);
    } catch (err) {
      setStep({ kind: 'failed', message: messageOf(err) });
    }
  }

  if (scenarios.length === 0) return <p className="drills__muted">{t('drills.start.noScenarios')}</p>;
  const reviewing = step.kind === 'confirm' || step.kind === 'starting';

  return (
    <form className="drill-start" onSubmit={handleReview} aria-label={t('drills.start.title')} data-testid="drill-start">
      <h3 className="drills__heading">{t('drills.start.title')}</h3>
      <div className="drill-start__fields">
        <label className="field">
          <span className="field__label">{t('drills.start.scenario')}</span>
          <select value={scenario} onChange={(e) => setScenario(e.target.value)} disabled={reviewing} data-testid="drill-scenario">
            {scenarios.map((s) => (
              <option key={s.name} value={s.name}>
                {textIn(s.title, s.titleZh, locale)} ({s.name})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('drills.start.site')}</span>
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)} disabled={reviewing} data-testid="drill-site">
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span className="field__label" id="drill-speed-label">
            {t('drills.start.speed')}
          </span>
          <div className="segmented" role="group" aria-labelledby="drill-speed-label" data-testid="drill-speed">
            {speeds.map((s) => (
              <button key={s} type="button" aria-pressed={speed === s} disabled={reviewing} onClick={() => setSpeed(s)}>
                {t('drills.start.speedX', { n: s })}
              </button>
            ))}
          </div>
        </div>
        {reviewing ? null : (
          <button type="submit" className="btn btn--primary drill-start__submit" disabled={!scenario || !siteId || wrongSite || speeds.length === 0}>
            {t('drills.start.submit')}
          </button>
        )}
      </div>
      <p className="field__hint">
        {t('drills.start.speedHint')} {t('drills.start.speedsOf', { speeds: speeds.map((s) => t('drills.start.speedX', { n: s })).join(', ') })}
      </p>
      {wrongSite && chosen ? (
        <p className="detail__error" role="alert" data-testid="drill-site-refused">
          {t('drills.start.otherSite', { scenario: textIn(chosen.title, chosen.titleZh, locale), site: siteNameOf(chosen.siteId), picked: siteName })}
        </p>
      ) : null}

      {reviewing ? (
        <div
          className="drill-confirm"
          role="alertdialog"
          aria-labelledby="drill-confirm-title"
          aria-describedby="drill-confirm-text"
          data-testid="drill-confirm"
        >
          <p className="drill-confirm__title" id="drill-confirm-title">
            <span className="tag tag--drill">{t('queue.drill')}</span>{' '}
            {t('drills.confirm.title', { scenario: chosen ? textIn(chosen.title, chosen.titleZh, locale) : scenario, site: siteName })}
          </p>
          <p className="drill-confirm__text" id="drill-confirm-text">
            <strong>{t('drills.confirm.text')}</strong> {t('drills.confirm.everyone')}
          </p>
          <div className="drill-confirm__buttons">
            <button ref={confirmRef} type="button" className="btn btn--drill" onClick={() => void handleConfirm()} disabled={step.kind === 'starting'}>
              {step.kind === 'starting' ? t('drills.confirm.starting') : t('drills.confirm.yes')}
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setStep({ kind: 'edit' })} disabled={step.kind === 'starting'}>
              {t('action.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {step.kind === 'failed' ? (
        <p className="detail__error" role="alert">
          {t('drills.startFailed', { msg: step.message })}
        </p>
      ) : null}
    </form>
  );
}
