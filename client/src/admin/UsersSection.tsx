/** Users and their sessions (`admin.users`): add, disable/enable, unlock, reset a password, sign a session out. */
import { useState, type FormEvent } from 'react';
import type { SessionView, UserAdminView } from '../../../contract/auth.ts';
import { ROLES, type Role } from '../../../contract/roles.ts';
import { createUser, fetchSessions, fetchUsers, resetPassword, revokeSession, userAction, type UserAction } from '../api/admin.api.ts';
import { useNow } from '../hooks/useNow.ts';
import type { MessageKey } from '../i18n/dictionary.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { canUnlock, generatePassword, userStatus } from './admin.forms.ts';
import { AdminTable, LoadMessage, OutcomeLine, SecretOnce, Section, useChange, useList } from './admin.kit.tsx';

const DONE: Readonly<Record<UserAction, MessageKey>> = { disable: 'admin.user.disabled', enable: 'admin.user.enabled', unlock: 'admin.user.unlocked' };

export function UsersSection() {
  const { t } = useI18n();
  const [users, reloadUsers] = useList(fetchUsers);
  const [sessions, reloadSessions] = useList(fetchSessions);
  // A disable or a reset signs the user out: both lists change.
  const reload = (): void => {
    reloadUsers();
    reloadSessions();
  };
  const { outcome, run } = useChange(reload);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);

  const act = (user: UserAdminView, action: UserAction): void => {
    if (action === 'disable' && !window.confirm(t('admin.confirm.disable', { user: user.username }))) return;
    void run(
      () => userAction(user.username, action),
      (u) => t(DONE[action], { user: u.username }),
    );
  };
  const reset = async (username: string, password: string): Promise<boolean> => {
    const ok = await run(
      () => resetPassword(username, password),
      (u) => t('admin.user.resetDone', { user: u.username }),
    );
    if (ok) setSecret({ label: t('admin.user.newPassword', { user: username }), value: password });
    return ok;
  };
  const create = async (body: { username: string; displayName?: string; role: Role; password: string }): Promise<boolean> => {
    const ok = await run(
      () => createUser(body),
      (u) => t('admin.user.created', { user: u.username }),
    );
    if (ok) setSecret({ label: t('admin.user.newPassword', { user: body.username }), value: body.password });
    return ok;
  };
  const endSession = (s: SessionView): void => {
    if (!window.confirm(t('admin.confirm.revokeSession', { id: s.id, user: s.username }))) return;
    void run(
      () => revokeSession(s.id),
      () => t('admin.session.revoked', { id: s.id, user: s.username }),
    );
  };

  return (
    <>
      <Section title={t('admin.users')} testId="admin-users">
        <OutcomeLine outcome={outcome} />
        {secret ? <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(null)} /> : null}
        <LoadMessage load={users} />
        {users.kind === 'ready' && users.value.length > 0 ? (
          <UsersTable users={users.value} busy={outcome.kind === 'busy'} onAct={act} onReset={reset} />
        ) : null}
        <AddUserForm busy={outcome.kind === 'busy'} onCreate={create} />
      </Section>
      <Section title={t('admin.sessions')} testId="admin-sessions">
        <LoadMessage load={sessions} />
        {sessions.kind === 'ready' && sessions.value.length > 0 ? <SessionsTable sessions={sessions.value} onRevoke={endSession} /> : null}
      </Section>
    </>
  );
}

function UsersTable({
  users,
  busy,
  onAct,
  onReset,
}: {
  users: UserAdminView[];
  busy: boolean;
  onAct: (u: UserAdminView, a: UserAction) => void;
  onReset: (username: string, password: string) => Promise<boolean>;
}) {
  const { t, fmt } = useI18n();
  const now = useNow();
  const [resetting, setResetting] = useState<string | null>(null);
  return (
    <AdminTable
      testId="users-table"
      columns={[
        'admin.col.username',
        'admin.col.name',
        'admin.col.role',
        'admin.col.status',
        'admin.col.lastLogin',
        { key: 'admin.col.failed', className: 'admin-table__num' },
        'admin.col.actions',
      ]}
    >
      {users.map((u) => {
        const status = userStatus(u, now);
        return (
          <tr key={u.username} data-testid={`user-${u.username}`}>
            <th scope="row">{u.username}</th>
            <td>{u.displayName}</td>
            <td>{t(`role.${u.role}`)}</td>
            <td className={`admin-status admin-status--${status}`}>
              {status === 'locked' ? t('admin.status.locked', { time: fmt.dateTime(u.lockedUntil ?? now) }) : t(`admin.status.${status}`)}
            </td>
            <td className="log-table__time">{u.lastLoginAt === null ? t('admin.never') : fmt.dateTime(u.lastLoginAt)}</td>
            <td className="admin-table__num">{u.failedLogins}</td>
            <td>
              {resetting === u.username ? (
                <ResetForm
                  username={u.username}
                  busy={busy}
                  onCancel={() => setResetting(null)}
                  onSave={async (password) => {
                    if (await onReset(u.username, password)) setResetting(null);
                  }}
                />
              ) : (
                <div className="admin-actions">
                  <button type="button" disabled={busy} onClick={() => onAct(u, u.disabled ? 'enable' : 'disable')}>
                    {u.disabled ? t('admin.user.enable') : t('admin.user.disable')}
                  </button>
                  {canUnlock(u, now) ? (
                    <button type="button" disabled={busy} onClick={() => onAct(u, 'unlock')}>
                      {t('admin.user.unlock')}
                    </button>
                  ) : null}
                  <button type="button" disabled={busy} onClick={() => setResetting(u.username)}>
                    {t('admin.user.reset')}
                  </button>
                </div>
              )}
            </td>
          </tr>
        );
      })}
    </AdminTable>
  );
}

function PasswordField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <span className="admin-password">
        <input
          type="text"
          name="password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          minLength={12}
          maxLength={1024}
          required
          autoComplete="new-password"
          spellCheck={false}
        />
        <button type="button" onClick={() => onChange(generatePassword())}>
          {t('admin.user.generate')}
        </button>
      </span>
    </label>
  );
}

function ResetForm({
  username,
  busy,
  onSave,
  onCancel,
}: {
  username: string;
  busy: boolean;
  onSave: (password: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void onSave(password);
  };
  return (
    <form className="admin-inline-form" onSubmit={submit} aria-label={t('admin.user.newPassword', { user: username })}>
      <PasswordField label={t('admin.user.newPassword', { user: username })} value={password} onChange={setPassword} />
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {t('admin.user.resetSave')}
      </button>
      <button type="button" className="btn btn--ghost" onClick={onCancel}>
        {t('admin.cancel')}
      </button>
    </form>
  );
}

function AddUserForm({
  busy,
  onCreate,
}: {
  busy: boolean;
  onCreate: (body: { username: string; displayName?: string; role: Role; password: string }) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const name = displayName.trim();
    void onCreate({ username: username.trim(), role, password, ...(name ? { displayName: name } : {}) }).then((ok) => {
      if (!ok) return;
      setUsername('');
      setDisplayName('');
      setPassword('');
    });
  };
  return (
    <form className="log-filters" onSubmit={submit} aria-label={t('admin.users.add')} data-testid="add-user">
      <label className="field">
        <span className="field__label">{t('admin.user.username')}</span>
        <input
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          pattern="[a-z0-9][a-z0-9._\-]{1,31}"
          autoComplete="off"
        />
      </label>
      <label className="field">
        <span className="field__label">{t('admin.user.displayName')}</span>
        <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={100} autoComplete="off" />
      </label>
      <label className="field">
        <span className="field__label">{t('admin.user.role')}</span>
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <PasswordField label={t('admin.user.password')} value={password} onChange={setPassword} />
      <div className="log-filters__buttons">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {t('admin.user.create')}
        </button>
      </div>
    </form>
  );
}

function SessionsTable({ sessions, onRevoke }: { sessions: SessionView[]; onRevoke: (s: SessionView) => void }) {
  const { t, fmt } = useI18n();
  return (
    <AdminTable
      testId="sessions-table"
      columns={['admin.col.user', 'admin.col.address', 'admin.col.client', 'admin.col.started', 'admin.col.lastSeen', 'admin.col.expires', 'admin.col.actions']}
    >
      {sessions.map((s) => (
        <tr key={s.id}>
          <th scope="row">
            {s.username} <span className="drills__muted">#{s.id}</span>
          </th>
          <td>{s.address}</td>
          <td className="admin-table__detail" title={s.userAgent}>
            {s.userAgent}
          </td>
          <td className="log-table__time">{fmt.dateTime(s.createdAt)}</td>
          <td className="log-table__time">{fmt.dateTime(s.lastSeenAt)}</td>
          <td className="log-table__time">{fmt.dateTime(s.expiresAt)}</td>
          <td>
            <button type="button" onClick={() => onRevoke(s)}>
              {t('admin.revoke')}
            </button>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
