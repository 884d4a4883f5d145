/**
 * The inline form of one alarm action: its fields, checked with the contract's own body schema
 * before sending (the same rules the server applies), then handed to `onSubmit`.
 */
import { useState, type FormEvent } from 'react';
import { ACTION_BODY_SCHEMAS, CAUSE_CATEGORIES, type AlarmAction } from '../../../contract/alarm-actions.ts';
import { useSession } from '../auth/SessionContext.ts';
import { shelveChoices } from '../domain/alarm.actions.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { AssigneeField } from './AssigneeField.tsx';
import type { ActionCreateBody } from '../../../contract/actions.ts';
import type { Priority } from '../../../contract/alarm.ts';
import { draftBody, emptyDraft } from '../actions/action.form.ts';
import { ActionFields } from '../actions/ActionFields.tsx';

/** Actions that need more than a click. */
export type FormAction = 'comment' | 'assign' | 'shelve' | 'resolve';

interface ActionFormProps {
  action: FormAction;
  pending: boolean;
  /** `followUp`: the corrective action to open once the alarm is resolved (resolve's "corrective action required"). */
  onSubmit: (action: AlarmAction, followUp?: ActionCreateBody) => void;
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
  const [invalid, setInvalid] = useState<string | null>(null);

  function buildBody(): Record<string, unknown> {
    switch (action) {
      case 'comment':
        return { text };
      case 'assign':
        return { to: text };
      case 'shelve':
        return { durationS: Number(durationS), reason: text };
      case 'resolve':
        // An unchosen category is sent as absent, so the schema names what is missing.
        return { ...(category ? { causeCategory: category } : {}), cause: text, correctiveAction: second };
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = ACTION_BODY_SCHEMAS[action].safeParse(buildBody());
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'invalid');
      return;
    }
    let body: ActionCreateBody | undefined;
    if (action === 'resolve' && followUp && alarm) {
      const checked = draftBody(
        draft,
        { finding: text, alarmId: alarm.id, ...(category ? { causeCategory: category as ActionCreateBody['causeCategory'] } : {}) },
        timeZone,
      );
      if (!checked.ok) return setInvalid(checked.message);
      body = checked.body;
    }
    setInvalid(null);
    onSubmit({ type: action, ...parsed.data } as AlarmAction, body);
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
      {invalid ? (
        <p className="action-form__error" role="alert">
          {invalid}
        </p>
      ) : null}
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
