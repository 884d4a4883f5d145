/**
 * The inline form of one alarm action: its fields, handed to `onSubmit`. Required fields are the
 * browser's check; the server checks the rest and its refusal is shown by the caller.
 */
import { useState, type FormEvent } from 'react';
import type { AlarmAction } from '../../../contract/alarm-actions.ts';
import { CAUSE_CATEGORIES, type CauseCategory } from '../../../contract/alarm-constants.ts';
import { useSession } from '../auth/SessionContext.ts';
import { shelveChoices } from '../domain/alarm.actions.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AssigneeField } from './AssigneeField.tsx';
import type { Priority } from '../../../contract/alarm.ts';
import { draftBody, emptyDraft } from '../actions/action.form.ts';
import type { ResolveFollowUpDraft } from '../api/actions.api.ts';
import { ActionFields } from '../actions/ActionFields.tsx';

/** Actions that need more than a click. */
export type FormAction = 'comment' | 'assign' | 'shelve' | 'resolve';

interface ActionFormProps {
  action: FormAction;
  pending: boolean;
  /** `followUp`: the corrective action the server opens with the resolve, in the same request (resolve's "corrective action required"). */
  onSubmit: (action: AlarmAction, followUp?: ResolveFollowUpDraft) => void;
  onCancel: () => void;
  /** The alarm resolved: the corrective action's place and default severity come from it. */
  alarm?: { id: string; priority: Priority };
}

export function ActionForm({ action, pending, onSubmit, onCancel, alarm }: ActionFormProps) {
  const { t, duration, timeZone } = useI18n();
  const [followUp, setFollowUp] = useState(false);
  const [draft, setDraft] = useState(() => emptyDraft(alarm?.priority));
  const { user } = useSession();
  const choices = shelveChoices(user.role);
  const [text, setText] = useState('');
  const [second, setSecond] = useState('');
  const [category, setCategory] = useState('');
  const [durationS, setDurationS] = useState(() => String(choices.includes(1800) ? 1800 : (choices[0] ?? 300)));

  function buildAction(): AlarmAction {
    switch (action) {
      case 'comment':
        return { type: action, text };
      case 'assign':
        return { type: action, to: text };
      case 'shelve':
        return { type: action, durationS: Number(durationS), reason: text };
      case 'resolve':
        // The select is `required`; were it empty anyway, the server names what is missing.
        return { type: action, causeCategory: category as CauseCategory, cause: text, correctiveAction: second };
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const body =
      action === 'resolve' && followUp && alarm
        ? draftBody(draft, { finding: text, ...(category ? { causeCategory: category as CauseCategory } : {}) }, timeZone)
        : undefined;
    onSubmit(buildAction(), body);
  }

  return (
    <form className="action-form" onSubmit={handleSubmit} data-testid={`form-${action}`}>
      {action === 'shelve' ? (
        <label className="field">
          <span className="field__label">{t('action.shelveDuration')}</span>
          <select value={durationS} onChange={(e) => setDurationS(e.target.value)}>
            {choices.map((s) => (
              <option key={s} value={s}>
                {duration(s * 1000)}
              </option>
            ))}
          </select>
          <span className="field__hint">{t('action.shelveMax', { d: duration((choices[choices.length - 1] ?? 0) * 1000) })}</span>
        </label>
      ) : null}
      {action === 'resolve' ? (
        <label className="field">
          <span className="field__label">{t('action.causeCategory')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)} required autoFocus data-testid="resolve-category">
            <option value="">{t('action.causeCategoryPick')}</option>
            {CAUSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`cause.${c}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {action === 'assign' ? (
        <AssigneeField value={text} onChange={setText} />
      ) : (
        <label className="field">
          <span className="field__label">{t(FIRST_LABEL[action])}</span>
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus={action !== 'resolve'}
            required
            rows={action === 'comment' ? 3 : 2}
            maxLength={4000}
          />
        </label>
      )}
      {action === 'resolve' ? (
        <label className="field">
          <span className="field__label">{t('action.corrective')}</span>
          <textarea value={second} onChange={(e) => setSecond(e.target.value)} required rows={2} maxLength={2000} />
        </label>
      ) : null}
      {action === 'resolve' && alarm ? (
        <label className="field field--check" title={t('actions.required.hint')}>
          <input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} data-testid="resolve-action-required" />
          <span>{t('actions.required')}</span>
        </label>
      ) : null}
      {action === 'resolve' && alarm && followUp ? <ActionFields draft={draft} onChange={setDraft} /> : null}
      <div className="action-form__buttons">
        <button type="submit" className="btn btn--primary" disabled={pending}>
          {pending ? t('action.sending') : t(SUBMIT_LABEL[action])}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}

const FIRST_LABEL = {
  comment: 'action.commentText',
  assign: 'action.assignTo',
  shelve: 'action.shelveReason',
  resolve: 'action.causeDetail',
} as const;

const SUBMIT_LABEL = {
  comment: 'action.comment',
  assign: 'action.assign',
  shelve: 'action.shelve',
  resolve: 'action.resolve',
} as const;
