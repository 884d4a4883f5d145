/**
 * Totals by priority and state above the queue: how much is open at a glance, for the selected
 * site and for all sites, whatever the queue groups or holds back.
 */
import type { Priority } from '../../../contract/alarm.ts';
import type { PriorityTotals, StateTotals } from '../domain/alarm.queue.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { PriorityBadge } from './PriorityBadge.tsx';

const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
const STATES: readonly (keyof StateTotals)[] = ['unacked', 'acked', 'shelved', 'outOfService'];

interface QueueSummaryProps {
  site: PriorityTotals;
  all: PriorityTotals;
  /** The selected site's name; null when the facility has one site (its totals are all sites'). */
  siteName: string | null;
}

export function QueueSummary({ site, all, siteName }: QueueSummaryProps) {
  const { t } = useI18n();
  const rows = PRIORITIES.filter((p) => STATES.some((s) => all[p][s] > 0));
  if (rows.length === 0) return null;
  return (
    <table className="queue-summary" data-testid="queue-summary">
      <caption>
        {t('queue.summary.title')}
        {siteName !== null ? ` (${t('queue.summary.scope', { site: siteName })})` : null}
        <span className="queue-summary__note"> — {t('queue.summary.drills')}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('queue.summary.priority')}</th>
          {STATES.map((s) => (
            <th key={s} scope="col">
              {t(`queue.summary.${s}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p} data-priority={p}>
            <th scope="row">
              <PriorityBadge priority={p} />
            </th>
            {STATES.map((s) => (
              <td key={s} data-state={s}>
                {siteName !== null ? `${site[p][s]} / ${all[p][s]}` : all[p][s]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
