/**
 * A sensor's maintenance state in its panel: who took it out of service, since when, why and
 * until when (everyone sees this, and an end drawing near); a manager (`sensor.out_of_service`)
 * takes it out with a required reason and end, or returns it. The new state arrives as a live
 * `sensor_out_of_service` event.
 */
import { useState, type FormEvent } from 'react';
import type { OutOfService } from '../../../contract/alarm.ts';
import { MAX_OUT_OF_SERVICE_S, OUT_OF_SERVICE_REMINDER_S } from '../../../contract/alarm-constants.ts';
import { messageOf } from '../api/api.client.ts';
import { returnToService, takeOutOfService } from '../api/sensor.api.ts';
import { useSession } from '../auth/SessionContext.ts';
import { DEFAULT_OUT_OF_SERVICE_MS, endState, validUntil } from '../domain/out-of-service.ts';
import { epochToZonedInput, zonedInputToEpoch } from '../format/time.format.ts';
import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface OutOfServiceControlProps {
  sensorId: string;
  outOfService: OutOfService | null;
}

type Status = { kind: 'idle' } | { kind: 'sending' } | { kind: 'failed'; message: string };

export function OutOfServiceControl({ sensorId, outOfService }: OutOfServiceControlProps) {
  const { t, fmt, duration, timeZone } = useI18n();
  const { can } = useSession();
  const now = useNow();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [untilInput, setUntilInput] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [invalidUntil, setInvalidUntil] = useState(false);
  const allowed = can('sensor.out_of_service');
  if (!outOfService && !allowed) return null;

  async function send(request: () => Promise<unknown>) {
    setStatus({ kind: 'sending' });
    try {
      await request();
      setStatus({ kind: 'idle' });
      setEditing(false);
      setReason('');
    } catch (err) {
      setStatus({ kind: 'failed', message: messageOf(err) });
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = reason.trim();
    const until = zonedInputToEpoch(untilInput, timeZone);
    // The server refuses an empty reason and a bad end too (400); saying so here saves the round trip.
    setInvalid(!trimmed);
    setInvalidUntil(!validUntil(until, Date.now()));
    if (!trimmed || until === null || !validUntil(until, Date.now())) return;
    void send(() => takeOutOfService(sensorId, trimmed, until));
  }

  function handleEdit() {
    setUntilInput(epochToZonedInput(Date.now() + DEFAULT_OUT_OF_SERVICE_MS, timeZone));
    setEditing(true);
  }

  function handleCancel() {
    setEditing(false);
    setInvalid(false);
    setInvalidUntil(false);
    setStatus({ kind: 'idle' });
  }

  const sending = status.kind === 'sending';

  return (
    <section
      className={`oos${outOfService ? ' oos--active' : ''}`}
      aria-label={t('oos.title')}
      data-testid="oos"
      data-out-of-service={outOfService ? 'true' : 'false'}
    >
      {outOfService ? (
        <div className="oos__state">
          <p className="oos__since">
            ⊘ {t('oos.since', { time: fmt.dateTime(outOfService.since), ago: duration(now - outOfService.since), who: outOfService.by })}
          </p>
          <p className="oos__reason">{t('oos.reason', { reason: outOfService.reason })}</p>
          <p
            className={`oos__until${endState(outOfService, now) === 'soon' ? ' oos__until--soon' : ''}`}
            data-testid="oos-until"
            data-end={endState(outOfService, now)}
          >
            {outOfService.until === undefined
              ? t('oos.noEnd')
              : t('oos.ends', { time: fmt.dateTime(outOfService.until), d: duration(Math.max(0, outOfService.until - now)) })}
            {endState(outOfService, now) === 'soon' ? <span className="tag tag--warn"> {t('oos.endsSoon')}</span> : null}
          </p>
          {allowed ? (
            <button type="button" className="btn" onClick={() => void send(() => returnToService(sensorId))} disabled={sending} data-testid="oos-return">
              {sending ? t('oos.sending') : t('oos.return')}
            </button>
          ) : null}
        </div>
      ) : editing ? (
        <form className="action-form" onSubmit={handleSubmit} data-testid="oos-form">
          <label className="field">
            <span className="field__label">{t('oos.reasonLabel')}</span>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} autoFocus aria-required="true" rows={2} maxLength={2000} />
            <span className="field__hint">{t('oos.hint')}</span>
          </label>
          <label className="field">
            <span className="field__label">{t('oos.until')}</span>
            <input type="datetime-local" value={untilInput} onChange={(e) => setUntilInput(e.target.value)} required data-testid="oos-until-input" />
            <span className="field__hint">
              {t('oos.untilHint', { d: duration(MAX_OUT_OF_SERVICE_S * 1000), r: duration(OUT_OF_SERVICE_REMINDER_S * 1000) })} ({timeZone})
            </span>
          </label>
          {invalid ? (
            <p className="action-form__error" role="alert">
              {t('oos.reasonRequired')}
            </p>
          ) : null}
          {invalidUntil ? (
            <p className="action-form__error" role="alert">
              {t('oos.untilInvalid', { d: duration(MAX_OUT_OF_SERVICE_S * 1000) })}
            </p>
          ) : null}
          <div className="action-form__buttons">
            <button type="submit" className="btn btn--primary" disabled={sending}>
              {sending ? t('oos.sending') : t('oos.confirm')}
            </button>
            <button type="button" className="btn btn--ghost" onClick={handleCancel} disabled={sending}>
              {t('oos.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn" onClick={handleEdit} data-testid="oos-take">
          ⊘ {t('oos.take')}
        </button>
      )}
      {status.kind === 'failed' ? (
        <p className="action-form__error" role="alert">
          {t('oos.failed', { msg: status.message })}
        </p>
      ) : null}
    </section>
  );
}
