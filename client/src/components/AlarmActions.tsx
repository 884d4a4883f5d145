/** The detail pane's actions: acknowledge (with an optional note) in one click, the rest through short forms. */
import { useState, type FormEvent } from 'react';
import type { AlarmAction, AlarmActionType } from '../../../contract/alarm-actions.ts';
import type { Alarm } from '../../../contract/alarm.ts';
import { useSession } from '../auth/SessionContext.ts';
import { availableActions } from '../domain/alarm.actions.ts';
import type { ActionRunner } from '../hooks/useActionRunner.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ActionForm, type FormAction } from './ActionForm.tsx';
import type { ResolveFollowUpDraft } from '../api/actions.api.ts';

interface AlarmActionsProps {
  alarm: Alarm;
  runner: ActionRunner;
}

const FORM_ACTIONS: ReadonlySet<AlarmActionType> = new Set(['comment', 'assign', 'shelve', 'resolve']);

export function AlarmActions({ alarm, runner }: AlarmActionsProps) {
  const { t } = useI18n();
  const { can } = useSession();
  const [form, setForm] = useState<FormAction | null>(null);
  const [note, setNote] = useState('');
  const [opened, setOpened] = useState<number | null>(null);
  const actions = availableActions(alarm, can);
  const { status, run } = runner;
  const pending = status.kind === 'pending';

  function handleAck(event: FormEvent) {
    event.preventDefault();
    void run(note.trim() ? { type: 'ack', note: note.trim() } : { type: 'ack' }).then((ok) => ok && setNote(''));
  }

  function handleButton(action: AlarmActionType) {
    if (FORM_ACTIONS.has(action)) setForm((f) => (f === action ? null : (action as FormAction)));
    else void run({ type: action } as AlarmAction);
  }

  // One request resolves and opens the corrective action: a refusal (shown below from the runner) changes neither.
  function handleSubmitForm(action: AlarmAction, followUp?: ResolveFollowUpDraft) {
    void run(action, followUp).then((answer) => {
      if (!answer) return;
      setForm(null);
      if (answer.action) setOpened(answer.action.action.id);
    });
  }

  const followUpNote =
    opened === null ? null : (
      <p className="detail__hint" role="status" data-testid="action-opened">
        {t('actions.opened', { id: opened })}
      </p>
    );
  if (actions.length === 0) return followUpNote;
  const others = actions.filter((a) => a !== 'ack');
  return (
    <section className="detail__actions" aria-label={t('detail.actions')}>
      {actions.includes('ack') ? (
        <form className="ack-row" onSubmit={handleAck}>
          <input
            className="ack-row__note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('action.ackNote')}
            aria-label={t('action.ackNote')}
            maxLength={2000}
          />
          <button type="submit" className="btn btn--ack btn--large" disabled={pending} aria-keyshortcuts="A" data-testid="detail-ack">
            {status.kind === 'pending' && status.action === 'ack' ? t('queue.acking') : t('action.ack')}
            <kbd className="kbd" aria-hidden="true">
              A
            </kbd>
          </button>
        </form>
      ) : null}
      {alarm.chattering && actions.includes('shelve') ? <p className="detail__hint">{t('action.chatterHint')}</p> : null}
      <div className="detail__buttons">
        {others.map((action) => (
          <button
            key={action}
            type="button"
            className={`btn${form === action ? ' btn--active' : ''}${action === 'reset' ? ' btn--primary' : ''}`}
            aria-expanded={FORM_ACTIONS.has(action) ? form === action : undefined}
            disabled={pending && !FORM_ACTIONS.has(action)}
            onClick={() => handleButton(action)}
            data-action={action}
          >
            {t(`action.${action}`)}
          </button>
        ))}
      </div>
      {form && others.includes(form) ? (
        <ActionForm key={form} action={form} pending={pending} onSubmit={handleSubmitForm} onCancel={() => setForm(null)} alarm={alarm} />
      ) : null}
      {followUpNote}
      {status.kind === 'failed' ? (
        <p className="detail__error" role="alert" data-testid="action-error">
          {t('action.failed', { action: t(`action.${status.action}`), msg: status.message })}
        </p>
      ) : null}
    </section>
  );
}
