/** The console header's count of overdue corrective actions, for managers: a click opens the actions page. */
import { useCallback, useEffect } from 'react';
import { fetchActionCounts } from '../api/actions.api.ts';
import { useSession } from '../auth/SessionContext.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/** Overdue is a matter of hours and days: once a minute is fresh enough. */
const REFRESH_MS = 60_000;

export function ActionsBadge({ onOpen }: { onOpen: () => void }) {
  const { user } = useSession();
  return user.role === 'officer' ? null : <ManagerBadge onOpen={onOpen} />;
}

function ManagerBadge({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const fetcher = useCallback((signal: AbortSignal) => fetchActionCounts(signal), []);
  const [load, reload] = useLoad(fetcher);
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  if (load.kind !== 'ready' || (load.value.overdue === 0 && load.value.fixed === 0)) return null;
  const c = load.value;
  return (
    <button
      type="button"
      className={`chip actions-badge${c.overdue > 0 ? ' actions-badge--overdue' : ''}`}
      title={t('actions.badge.title', { open: c.open, overdue: c.overdue, fixed: c.fixed })}
      aria-label={t('actions.badge.title', { open: c.open, overdue: c.overdue, fixed: c.fixed })}
      onClick={onOpen}
      data-testid="actions-badge"
    >
      ⚑ {c.overdue > 0 ? c.overdue : c.fixed}
    </button>
  );
}
