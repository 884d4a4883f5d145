/** Assign's field: a list of the accounts an alarm can go to, never a name typed from memory. */
import { useEffect, useState } from 'react';
import type { AssignableUser } from '../../../contract/auth.ts';
import { fetchAssignableUsers } from '../api/assignable.api.ts';
import { messageOf } from '../api/api.client.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; users: AssignableUser[] };

export function AssigneeField({
  value,
  onChange,
  label = 'action.assignPick',
  autoFocus = true,
  testId = 'assign-user',
}: {
  value: string;
  onChange: (username: string) => void;
  /** Another field that picks an account (a corrective action's owner). */
  label?: MessageKey;
  autoFocus?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    fetchAssignableUsers(controller.signal).then(
      (users) => setLoad({ kind: 'ready', users }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, []);
  return (
    <label className="field">
      <span className="field__label">{t(label)}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} required autoFocus={autoFocus} disabled={load.kind !== 'ready'} data-testid={testId}>
        <option value="">{load.kind === 'loading' ? t('action.assignLoading') : t('action.causeCategoryPick')}</option>
        {load.kind === 'ready'
          ? load.users.map((u) => (
              <option key={u.username} value={u.username}>
                {u.displayName === u.username ? u.username : `${u.displayName} (${u.username})`}
              </option>
            ))
          : null}
      </select>
      {load.kind === 'error' ? (
        <span className="field__hint detail__error" role="alert">
          {t('action.assignError', { msg: load.message })}
        </span>
      ) : null}
    </label>
  );
}
