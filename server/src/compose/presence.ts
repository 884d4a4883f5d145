/** Presence in hazard zones: the ledger fed by ingest and rebuilt from InfluxDB, alarm lists and musters in the operational store. */
import { InfluxBadgeHistory } from '../adapters/influx.badges.ts';
import { SqlMusterStore } from '../adapters/sql.muster.ts';
import { presenceRules } from '../domain/presence/presence.ts';
import type { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import { systemScheduler } from '../services/clock.ts';
import { PresenceService } from '../services/presence.service.ts';
import type { Ingest } from './ingest.ts';
import { Intervals, type Part } from './parts.ts';
import type { Facility } from './startup.ts';
import type { Storage } from './storage.ts';

/** Reads older than the window are forgotten this often (memory only: queries ignore them anyway). */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface Presence {
  service: PresenceService;
  /** Rebuilds from history in the background; stopping ends a rebuild still waiting for InfluxDB. */
  part: Part;
}

export function composePresence(logger: Logger, registry: Registry, storage: Storage, ingest: Ingest, facility: Pick<Facility, 'presence'>): Presence {
  const service = new PresenceService({
    rules: presenceRules(registry.facility, facility.presence),
    history: new InfluxBadgeHistory(storage.influx),
    store: new SqlMusterStore(storage.sql),
    audit: storage.audit,
    scheduler: systemScheduler,
    logger: logger.child({ component: 'presence' }),
  });
  // Subscribed before MQTT is consumed: no read is missed between the rebuild's query and live ingest.
  ingest.service.subscribe((o) => service.onObservation(o));
  const prune = new Intervals([[PRUNE_EVERY_MS, () => service.prune()]]);
  return {
    service,
    part: {
      name: 'presence',
      start: () => {
        prune.start();
        void service.start();
      },
      // Lists still being stored at a raise land before the database closes after this part.
      stop: async () => {
        prune.stop();
        service.stop();
        await service.idle();
      },
    },
  };
}
