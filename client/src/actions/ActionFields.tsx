/** What a corrective action needs besides its finding: what to do, the owner, the due date and severity. Used by the resolve form and the actions page. */
import { PRIORITIES } from '../../../contract/alarm-constants.ts';
import { AssigneeField } from '../components/AssigneeField.tsx';
import { useI18n } from '../i18n/I18nContext.ts';
import type { ActionDraft } from './action.form.ts';

export function ActionFields({ draft, onChange }: { draft: ActionDraft; onChange: (draft: ActionDraft) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label className="field">
        <span className="field__label">{t('actions.field.action')}</span>
        <textarea
          value={draft.action}
          onChange={(e) => onChange({ ...draft, action: e.target.value })}
          required
          rows={2}
          maxLength={2000}
          data-testid="action-what"
        />
      </label>
      <AssigneeField
        value={draft.owner}
        onChange={(owner) => onChange({ ...draft, owner })}
        label="actions.field.owner"
        autoFocus={false}
        testId="action-owner"
      />
      <label className="field">
        <span className="field__label">{t('actions.field.due')}</span>
        <input type="datetime-local" value={draft.due} onChange={(e) => onChange({ ...draft, due: e.target.value })} required data-testid="action-due" />
      </label>
      <label className="field">
        <span className="field__label">{t('actions.field.severity')}</span>
        <select value={draft.severity} onChange={(e) => onChange({ ...draft, severity: e.target.value as ActionDraft['severity'] })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
