/**
 * Administration (admins): users and sessions, then device and gateway credentials and API keys —
 * what `npm run vigil -- user|device|gateway|apikey ...` does, through the same services, so the
 * audit trail gets the same entries whichever was used.
 */
import type { Facility } from '../../../contract/facility.ts';
import { useSession } from '../auth/SessionContext.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { CredentialsSection } from './CredentialsSection.tsx';
import { UsersSection } from './UsersSection.tsx';

export function AdminPage({ facility }: { facility: Facility }) {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <main className="log admin-page" aria-label={t('nav.admin')} data-testid="admin-page">
      <div className="log__main">
        <header className="log__head">
          <h2 className="log__title">{t('admin.title')}</h2>
        </header>
        <p className="drills__muted">{t('admin.intro')}</p>
        {can('admin.users') ? <UsersSection /> : null}
        {can('admin.devices') ? <CredentialsSection facility={facility} /> : null}
      </div>
    </main>
  );
}
