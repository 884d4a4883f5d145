/**
 * Alarms: the engine behind the alarm service, its state in the operational store, its events to
 * history, escalation notifications and the live hub. One node runs one engine for every site; a
 * cluster node (NODE_ID) runs one per site it holds (SiteAlarms, started by the leases in cluster.ts).
 */
import { SqlAlarmStore } from '../adapters/sql.alarms.ts';
import { EscalationChannels } from '../adapters/notify.channels.ts';
import { SmtpSender } from '../adapters/notify.email.ts';
import { SqlNotificationStore } from '../adapters/sql.notifications.ts';
import type { Config } from '../config.ts';
import { DEFAULT_ENGINE_SETTINGS } from '../domain/alarm/index.ts';
import type { Registry } from '../domain/registry.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AlarmOperations } from '../services/alarm.operations.ts';
import { AlarmService, type AlarmServiceDeps } from '../services/alarm.service.ts';
import { SiteUnavailableError, type HolderForwarder } from '../services/site-alarms.ports.ts';
import { SiteAlarms } from '../services/site-alarms.ts';
import { systemClock, systemScheduler } from '../services/clock.ts';
import { AlarmHistory } from '../services/history.alarms.ts';
import { NotificationDispatcher } from '../services/notification.dispatcher.ts';
import type { PresenceService } from '../services/presence.service.ts';
import type { NotificationLog } from '../services/notification.ports.ts';
import type { Ingest } from './ingest.ts';
import type { LiveFanout } from './links.ts';
import { Intervals, type Part } from './parts.ts';
import type { Facility } from './startup.ts';
import type { Storage } from './storage.ts';

/** On-delays, held-open doors, the offline watchdog, escalation and shelf expiry are checked this often. */
const ALARM_TICK_MS = 1000;
/** Live sensor values go to dashboards coalesced, at most this often per sensor. */
const SENSOR_UPDATE_MS = 500;
/** Rule states (running timers, last values) are saved this often; alarm changes are saved at once. */
const RULE_STATE_SAVE_MS = 10_000;

export interface Alarms {
  service: AlarmOperations;
  /** Cluster mode: the engines of the sites this node holds (cluster.ts starts and stops them); null on one node. */
  sites: SiteAlarms | null;
  /** Who was told about each escalation, and how that went. */
  notifications: NotificationLog;
  /** The outbox, for other messages to the escalation contacts (corrective actions). */
  dispatcher: NotificationDispatcher;
  /** The engine's timers and the notification dispatcher; stopping saves the rule states, waits for the engine's writes and for sends in progress. */
  part: Part;
}

export async function composeAlarms(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  registry: Registry,
  storage: Storage,
  ingest: Ingest,
  live: LiveFanout,
  escalation: Pick<Facility, 'escalation' | 'contacts'>,
  presence?: PresenceService,
  /** Cluster mode: how actions reach the node holding a site. */
  forwarder?: HolderForwarder,
): Promise<Alarms> {
  const log = logger.child({ component: 'alarms' });
  const notifications = new SqlNotificationStore(storage.sql);
  const smtp = config.SMTP_URL ? new SmtpSender(config.SMTP_URL, config.SMTP_FROM) : null;
  const dispatcher = new NotificationDispatcher({
    store: notifications,
    channels: new EscalationChannels(systemClock, smtp, undefined, registry.facility.language),
    contacts: escalation.contacts,
    settings: escalation.escalation,
    scheduler: systemScheduler,
    logger: logger.child({ component: 'notifications' }),
    onResult: (_channel, ok) => metrics.webhooks.inc({ result: ok ? 'delivered' : 'failed' }),
  });
  const history = new AlarmHistory(storage.writer);
  const engine: Omit<AlarmServiceDeps, 'registry' | 'store' | 'site'> = {
    settings: { ...DEFAULT_ENGINE_SETTINGS, escalationS: config.ESCALATION_S },
    audit: storage.audit,
    hub: live,
    // An escalation's message names the people the alarm's raise found in its zone.
    notifier: presence
      ? {
          escalated: async (e) => dispatcher.escalated(e.subject === 'alarm' ? Object.assign({}, e, { presence: await presence.alarmPresence(e.alarmId) }) : e),
        }
      : dispatcher,
    clock: systemClock,
    // Held times go with every alarm change: a retained replay after a crash must not re-run a
    // rule past an acknowledgement or reset (services/retained.gate.ts).
    transaction: (fn) =>
      ingest.retained.savedWith((saveHeldTimes) =>
        storage.sql.transaction(async () => {
          await fn();
          await saveHeldTimes();
        }),
      ),
    onEvent: (e) => {
      history.record(e);
      metrics.countAlarmEvent(e);
      presence?.onAlarmEvent(e);
    },
    onCommitError: (err, what) =>
      err instanceof SiteUnavailableError
        ? log.warn({ site: err.site, what }, 'the site has moved to another node: this change was neither stored nor pushed here')
        : what === 'alarm change'
          ? log.fatal({ err }, 'could not store an alarm change; it is still pushed live')
          : log.error({ err }, 'could not store the rule states; retrying at the next save'),
    onPublishError: (err, e) => log.error({ err, seq: e.seq }, 'could not push an alarm event or record it in history'),
  };
  const store = new SqlAlarmStore(storage.sql);
  let service: AlarmOperations;
  let sites: SiteAlarms | null = null;
  if (config.cluster) {
    // Without it, actions on other nodes' sites could not be applied: a wiring mistake, not a mode.
    if (!forwarder) throw new Error('cluster mode needs the forwarder to the nodes holding other sites');
    service = sites = new SiteAlarms({
      registry,
      store,
      engine,
      forwarder,
      // Another site's reading heard by this node (an HTTP post, or a topic two sites' sessions
      // share): that site's holder has it through its own session.
      onForeignObservation: () => metrics.countForeign(),
    });
    log.info({ node: config.cluster.nodeId }, 'cluster mode: alarm engines start with the sites this node holds');
  } else {
    const single = await AlarmService.create({ ...engine, registry, store });
    service = single;
    log.info({ open: single.snapshot().alarms.length, seq: single.currentSeq }, 'alarm state restored');
  }
  ingest.service.subscribe((o) => service.onObservation(o));
  const timers = new Intervals([
    [ALARM_TICK_MS, () => service.tick()],
    [SENSOR_UPDATE_MS, () => service.flushSensorUpdates()],
    [RULE_STATE_SAVE_MS, () => void service.persistRuleStates()],
  ]);
  return {
    service,
    sites,
    notifications,
    dispatcher,
    part: {
      name: 'alarm timers',
      start: () => {
        timers.start();
        dispatcher.start();
      },
      stop: async () => {
        timers.stop();
        await service.persistRuleStates();
        await service.idle();
        await dispatcher.stop();
        smtp?.close();
      },
    },
  };
}
