import { useNow } from '../hooks/useNow.ts';
import { useI18n } from '../i18n/I18nContext.ts';

/**
 * "4 min 5 s" since a time, ticking by itself: only this text re-renders every second, not the
 * row around it (300 rows re-rendering each second cost ~150 ms of main thread per tick).
 */
export function Elapsed({ since }: { since: number }) {
  const now = useNow();
  const { duration } = useI18n();
  return <>{duration(now - since)}</>;
}
