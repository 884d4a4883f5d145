/**
 * Each adapter indexes the exact topics its bound sensors need (names may hold spaces and `/`:
 * topics are looked up whole, never split). The index is built from the registry the ingest
 * service passes to `subscriptions()` at start and to every `decode()`; `matches()`, which gets no
 * registry, uses the one built last.
 */
import type { Sensor } from '../../../../contract/index.ts';
import type { Registry } from '../registry.ts';

export class TopicIndex<T> {
  private registry: Registry | null = null;
  private value: T | null = null;

  constructor(private readonly build: (registry: Registry) => T) {}

  of(registry: Registry): T {
    if (this.registry !== registry || this.value === null) {
      this.value = this.build(registry);
      this.registry = registry;
    }
    return this.value;
  }

  get current(): T | null {
    return this.value;
  }
}

/** Appends to a multimap (several sensors behind one gateway topic). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export type SensorsByTopic = Map<string, Sensor[]>;
