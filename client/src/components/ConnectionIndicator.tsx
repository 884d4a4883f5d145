import type { LiveState } from '../live/live.store.ts';
import { useLive } from '../live/useLive.ts';
import { useI18n } from '../i18n/I18nContext.ts';

type Shown = 'connected' | 'connecting' | 'resyncing' | 'disconnected';

function shownStatus(state: LiveState): Shown {
  if (state.status === 'disconnected') return 'disconnected';
  if (state.synced) return 'connected';
  return state.seq === null && state.lostSince === null ? 'connecting' : 'resyncing';
}

export function ConnectionIndicator() {
  const { t } = useI18n();
  const shown = useLive(shownStatus);
  const kind = shown === 'connected' ? 'ok' : shown === 'disconnected' ? 'bad' : 'unknown';
  return (
    <span className={`chip chip--${kind} chip--conn`} role="status" data-connection={shown}>
      <span className="chip__dot" aria-hidden="true">
        {kind === 'ok' ? '●' : kind === 'bad' ? '✕' : '◌'}
      </span>
      {t(`conn.${shown}`)}
    </span>
  );
}
