/** Server-side trouble as a banner: a site no server runs, the database not answering, readings buffered, broker down or dropping messages, outbox growing. */
import { useEffect, useState } from 'react';
import { NO_TROUBLE, rememberTrouble, troubles, type Trouble } from '../domain/health.trouble.ts';
import type { HealthStatus } from '../hooks/useHealth.ts';
import { useI18n } from '../i18n/I18nContext.ts';

export function ServerTroubleBanner({ health }: { health: HealthStatus }) {
  const { t, fmt } = useI18n();
  const [memory, setMemory] = useState(NO_TROUBLE);
  useEffect(() => {
    if (health.kind === 'ok') setMemory((m) => rememberTrouble(m, health.health, Date.now()));
  }, [health]);
  if (health.kind !== 'ok') return null;
  const list = troubles(memory, health.health);
  if (list.length === 0) return null;
  const dropped = health.health.parts.drops.dropped;

  function message(trouble: Trouble): string {
    const time = fmt.time(trouble.since);
    switch (trouble.part) {
      case 'cluster':
        return t('trouble.cluster', { n: trouble.sites.length, sites: trouble.sites.join(', '), time });
      case 'store':
        return t('trouble.store', { time });
      case 'influx':
        return `${t('trouble.influx', { time })}${trouble.depth > 0 ? ` — ${t('trouble.outbox', { n: trouble.depth.toLocaleString() })}` : ''}`;
      case 'broker':
        return t('trouble.broker', { time });
      case 'outbox':
        return t('trouble.outboxGrowing', { n: trouble.depth.toLocaleString(), time });
      case 'drops':
        return t('trouble.drops', { n: dropped.toLocaleString(), time });
    }
  }

  return (
    <div className="banner banner--trouble" role="alert" data-testid="server-trouble">
      <span className="banner__icon" aria-hidden="true">
        ⚠
      </span>
      <ul className="banner__list">
        {list.map((trouble) => (
          <li key={trouble.part} data-part={trouble.part}>
            <strong>{message(trouble)}</strong>
            {trouble.detail ? <span className="banner__detail">{t('trouble.detail', { detail: trouble.detail })}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
