/** Shift handover: its store, and what it reads of the alarms, the sensors out of service, the drills and the links. */
import { SqlHandoverStore } from '../adapters/sql.handovers.ts';
import type { Registry } from '../domain/registry.ts';
import { SYSTEM_ACTOR } from '../../../contract/index.ts';
import type { ActionService } from '../services/action.service.ts';
import type { AlarmOperations } from '../services/alarm.operations.ts';
import { systemClock } from '../services/clock.ts';
import type { DrillService } from '../services/drill.service.ts';
import { HandoverService, type OpenActionsSource } from '../services/handover.service.ts';
import type { Storage } from './storage.ts';

export interface HandoverDeps {
  registry: Registry;
  storage: Storage;
  alarms: AlarmOperations;
  drills: DrillService;
  brokerConnected: () => boolean;
  actions: ActionService;
}

/** The site's corrective actions not yet verified, as a handover lists them. */
function openActionsOf(service: ActionService): OpenActionsSource {
  // Reading only: the reader's name and role matter to the list's own-actions count, not to what it lists.
  const reader = { username: SYSTEM_ACTOR, role: 'manager' } as const;
  return {
    openActions: async (siteId) =>
      (await service.list({ filter: 'open', site: siteId, limit: 1000 }, reader)).actions.map((a) => ({
        id: String(a.id),
        title: a.action,
        assignee: a.owner,
        dueAt: a.dueAt,
        state: a.status,
        overdue: a.overdue,
      })),
  };
}

export function composeHandovers(d: HandoverDeps): HandoverService {
  const { registry, alarms, storage } = d;
  return new HandoverService(
    new SqlHandoverStore(storage.sql),
    {
      siteExists: (id) => registry.site(id) !== undefined,
      openAlarms: async () => (await alarms.snapshot()).alarms,
      outOfService: async () =>
        (await alarms.sensorStates()).flatMap((s) => {
          const sensor = registry.sensor(s.sensorId);
          return s.outOfService === null || sensor === undefined
            ? []
            : [{ ...s.outOfService, sensorId: s.sensorId, sensorName: sensor.name, siteId: sensor.siteId }];
        }),
      // Running drills are among the latest; a site runs one at a time.
      drills: async () => d.drills.list(100),
      links: () => ({ brokerConnected: d.brokerConnected(), storageAccepting: storage.writer.isSinkUp, outboxDepth: storage.writer.outboxDepth().points }),
      unshelve: async (alarmId, actor, note) => {
        await alarms.act(alarmId, { type: 'unshelve', note }, actor);
      },
    },
    storage.audit,
    systemClock,
    openActionsOf(d.actions),
  );
}
