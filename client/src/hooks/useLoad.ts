/** One fetch from the server into a loading / error / ready state, cancelled when it is no longer wanted. */
import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../api/api.client.ts';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; value: T };

/**
 * What `fetcher` answers, and `reload` to ask again. A new `fetcher` (memoise it with its inputs)
 * asks again too. `showLoading`: whether a new question first clears what was shown to "loading"
 * (when the question changed, the old answer is wrong) or keeps it until the answer arrives (a
 * refresh of the same question).
 */
export function useLoad<T>(fetcher: (signal: AbortSignal) => Promise<T>, { showLoading = false } = {}): [Loaded<T>, () => void] {
  const [load, setLoad] = useState<Loaded<T>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    if (showLoading) setLoad({ kind: 'loading' });
    fetcher(abort.signal).then(
      (value) => setLoad({ kind: 'ready', value }),
      (err: unknown) => {
        // A cancelled fetch is one nobody waits for any more, not a failure to show.
        if (!abort.signal.aborted) setLoad({ kind: 'error', message: messageOf(err) });
      },
    );
    return () => abort.abort();
  }, [fetcher, generation, showLoading]);
  return [load, useCallback(() => setGeneration((g) => g + 1), [])];
}
