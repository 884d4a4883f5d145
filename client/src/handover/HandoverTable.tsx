/** Every handover of the site, newest first: who handed over and accepted when, how much was carried over, the remarks. */
import type { Handover } from '../../../contract/handover.ts';
import { itemsCarriedOver } from '../../../contract/handover-items.ts';
import type { TimeFormatters } from '../format/time.format.ts';
import { useI18n } from '../i18n/I18nContext.ts';

export function HandoverTable({ handovers, fmt }: { handovers: readonly Handover[]; fmt: TimeFormatters }) {
  const { t } = useI18n();
  const who = (user: string | null, at: number | null): string => (user === null || at === null ? '—' : `${user} · ${fmt.dateTime(at)}`);
  return (
    <div className="log__table-wrap">
      <table className="log-table" data-testid="handover-table">
        <caption className="visually-hidden">{t('handover.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('handover.col.opened')}</th>
            <th scope="col">{t('handover.col.handedOver')}</th>
            <th scope="col">{t('handover.col.accepted')}</th>
            <th scope="col">{t('handover.col.items')}</th>
            <th scope="col">{t('handover.col.remarks')}</th>
            <th scope="col">{t('handover.col.state')}</th>
          </tr>
        </thead>
        <tbody>
          {handovers.map((h) => (
            <tr key={h.id} data-handover-id={h.id}>
              <td>{who(h.openedBy, h.openedAt)}</td>
              <td>{who(h.handedOverBy, h.handedOverAt)}</td>
              <td>{who(h.acceptedBy, h.acceptedAt)}</td>
              <td>{h.state === 'open' ? '—' : itemsCarriedOver(h.snapshot)}</td>
              <td>{h.remarks ?? '—'}</td>
              <td>{t(`handover.state.${h.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
