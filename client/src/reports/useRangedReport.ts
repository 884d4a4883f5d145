/** A report page's period and site choice, and the report loaded for them (again whenever either changes). */
import { useCallback, useState } from 'react';
import { useLoad, type Loaded } from '../hooks/useLoad.ts';
import { rangeOf, type RangeKey } from './report.columns.ts';

export interface RangedReport<T> {
  range: RangeKey;
  setRange: (range: RangeKey) => void;
  /** null: all sites. */
  site: string | null;
  setSite: (site: string | null) => void;
  load: Loaded<T>;
  reload: () => void;
}

export function useRangedReport<T>(
  initial: RangeKey,
  fetch: (from: number, to: number, site: string | null, signal: AbortSignal) => Promise<T>,
): RangedReport<T> {
  const [range, setRange] = useState<RangeKey>(initial);
  const [site, setSite] = useState<string | null>(null);
  const fetcher = useCallback(
    (signal: AbortSignal) => {
      const { from, to } = rangeOf(range, Date.now());
      return fetch(from, to, site, signal);
    },
    [range, site, fetch],
  );
  const [load, reload] = useLoad(fetcher, { showLoading: true });
  return { range, setRange, site, setSite, load, reload };
}
