/**
 * Administration (admins): users and sessions, then device and gateway credentials and API keys —
 * what `npm run vigil -- user|device|gateway|apikey ...` does, through the same services, so the
 * audit trail gets the same entries whichever was used.
 */
import type { Facility } from '../../../contract/facility.ts';
import { useSession } from '../auth/SessionContext.ts';
import { PageShell } from '../components/PageShell.tsx';
import { useI18n } from '../i18n/I18nContext.ts';
import { CredentialsSection } from './CredentialsSection.tsx';
import { UsersSection } from './UsersSection.tsx';

export function AdminPage({ facility }: { facility: Facility }) {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <PageShell className="admin-page" label={t('nav.admin')} testId="admin-page" title={t('admin.title')} intro={t('admin.intro')}>
      {can('admin.users') ? <UsersSection /> : null}
      {can('admin.devices') ? <CredentialsSection facility={facility} /> : null}
    </PageShell>
  );
}
