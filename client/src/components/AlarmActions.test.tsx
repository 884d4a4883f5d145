import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../contract/auth.ts';
import { makeSession, SessionContext } from '../auth/SessionContext.ts';
import type { ActionRunner } from '../hooks/useActionRunner.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import { makeAlarm } from '../../../test/support/client.fixtures.ts';
import { ActionForm } from './ActionForm.tsx';
import { AlarmActions } from './AlarmActions.tsx';

const idle: ActionRunner = { status: { kind: 'idle' }, run: () => Promise.resolve(false) };

function withSession(role: Role, node: React.ReactNode): string {
  const session = makeSession({ username: role, displayName: role, role, disabled: false }, () => {});
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n('en', 'UTC')}>
      <SessionContext.Provider value={session}>{node}</SessionContext.Provider>
    </I18nContext.Provider>,
  );
}

const options = (html: string): string[] => [...html.matchAll(/<option value="(\d+)"/g)].map((m) => m[1] ?? '');

describe('<ActionForm action="shelve"> (officer ≤ 1 h, manager ≤ 8 h, reason required)', () => {
  it('offers an officer durations up to one hour only', () => {
    const html = withSession('officer', <ActionForm action="shelve" pending={false} onSubmit={() => {}} onCancel={() => {}} />);
    expect(options(html)).toEqual(['300', '900', '1800', '3600']);
    expect(html).toContain('Your role may shelve for at most 1 h.');
    expect(html).toContain('Reason (required)');
  });
  it('offers a manager up to eight hours', () => {
    const html = withSession('manager', <ActionForm action="shelve" pending={false} onSubmit={() => {}} onCancel={() => {}} />);
    expect(options(html).at(-1)).toBe(String(8 * 3600));
  });
});

describe('<AlarmActions>', () => {
  it('shows an officer acknowledge (with the A shortcut) but no resolve', () => {
    const html = withSession('officer', <AlarmActions alarm={makeAlarm({ id: 'a' })} runner={idle} />);
    expect(html).toContain('aria-keyshortcuts="A"');
    expect(html).toContain('data-action="shelve"');
    expect(html).not.toContain('data-action="resolve"');
  });
  it('shows a manager resolve', () => {
    expect(withSession('manager', <AlarmActions alarm={makeAlarm({ id: 'a' })} runner={idle} />)).toContain('data-action="resolve"');
  });
  it("shows the server's words when an action was refused", () => {
    const refused: ActionRunner = { status: { kind: 'failed', action: 'reset', message: 'the condition is still present' }, run: idle.run };
    const html = withSession('officer', <AlarmActions alarm={makeAlarm({ id: 'a' })} runner={refused} />);
    expect(html).toContain('Reset refused: the condition is still present');
  });
});
