import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { LiveState, LiveStore } from './live.store.ts';
import type { SensorLiveState } from '../../../contract/alarm.ts';

export const LiveStoreContext = createContext<LiveStore | null>(null);

/** The store itself, for components that feed it (e.g. the drill list). */
export function useLiveStore(): LiveStore {
  const store = useContext(LiveStoreContext);
  if (!store) throw new Error('useLive needs a <LiveStoreContext.Provider>');
  return store;
}

/**
 * A slice of live state. The selector must return something already in the state (or a
 * primitive), not a freshly built object, or React re-renders forever.
 */
export function useLive<T>(select: (state: LiveState) => T): T {
  const store = useLiveStore();
  const get = (): T => select(store.getSnapshot());
  return useSyncExternalStore(store.subscribe, get, get);
}

/** Calls `onUpdate` with each live value of one sensor while mounted. */
export function useSensorFeed(sensorId: string, onUpdate: (state: SensorLiveState) => void): void {
  const store = useLiveStore();
  useEffect(() => store.subscribeSensor(sensorId, onUpdate), [store, sensorId, onUpdate]);
}
