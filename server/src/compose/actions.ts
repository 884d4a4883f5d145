/** Corrective actions: their store, the service with its escalation timers, and the outbox they notify through. */
import { DiskAttachmentFiles } from '../adapters/attachment.files.ts';
import { SqlActionStore } from '../adapters/sql.actions.ts';
import type { Config } from '../config.ts';
import type { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import { ActionService } from '../services/action.service.ts';
import { systemScheduler } from '../services/clock.ts';
import type { Alarms } from './alarms.ts';
import type { Auth } from './auth.ts';
import { Intervals, type Part } from './parts.ts';
import type { Storage } from './storage.ts';

/**
 * How often the escalations are planned again from the store: with several nodes on one database,
 * an action opened or changed on one is planned on the others within this long (any of them may
 * take a step; each is taken once), so a node going down leaves no escalation behind.
 */
const RESYNC_MS = 60_000;

export interface Actions {
  service: ActionService;
  /** Starting plans the escalations from the store; stopping clears the timers and waits for a step being taken. */
  part: Part;
}

export function composeActions(config: Config, logger: Logger, registry: Registry, storage: Storage, alarms: Alarms, auth: Auth): Actions {
  const log = logger.child({ component: 'actions' });
  const service = new ActionService({
    store: new SqlActionStore(storage.sql),
    audit: storage.audit,
    notifier: alarms.dispatcher,
    registry,
    alarmPlace: async (id) => alarms.service.get(id),
    isUser: (username) => auth.users.isEnabled(username),
    files: new DiskAttachmentFiles(config.DATA_DIR),
    scheduler: systemScheduler,
    schedule: config.ACTION_ESCALATION_S,
    onError: (err, actionId) => log.error({ err, actionId }, 'could not escalate an overdue corrective action'),
  });
  const resync = new Intervals([
    [RESYNC_MS, () => void service.resync().catch((err: unknown) => log.error({ err }, 'could not plan escalations from the store'))],
  ]);
  return {
    service,
    part: {
      name: 'corrective actions',
      start: async () => {
        await service.start();
        resync.start();
        log.info({ planned: service.plannedCount, schedule: config.ACTION_ESCALATION_S }, 'corrective action escalations planned');
      },
      // An escalation under way finishes before the database closes after this part.
      stop: async () => {
        resync.stop();
        service.stop();
        await service.idle();
      },
    },
  };
}
