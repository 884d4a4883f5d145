/**
 * What a shift hands over at one site: built from the live alarm state, the sensors out of
 * service, the drills, the corrective actions and the links' health. Pure: the service gathers
 * the inputs, this decides what belongs on the list.
 */
import type {
  Alarm,
  Drill,
  HandoverActionItem,
  HandoverAlarmItem,
  HandoverLinkItem,
  HandoverShelvedItem,
  HandoverSnapshot,
  OutOfService,
} from '../../../../contract/index.ts';

export interface OutOfServiceSensor extends OutOfService {
  sensorId: string;
  sensorName: string;
  siteId: string;
}

/** The server's own links, facility-wide. */
export interface LinkHealth {
  brokerConnected: boolean;
  /** InfluxDB accepts writes; when not, readings wait in the outbox. */
  storageAccepting: boolean;
  outboxDepth: number;
}

export interface SnapshotInput {
  /** Open alarms (not `cleared`), every site, real and drill. */
  alarms: readonly Alarm[];
  outOfService: readonly OutOfServiceSensor[];
  drills: readonly Drill[];
  /** The site's open corrective actions. */
  actions: readonly HandoverActionItem[];
  links: LinkHealth;
}

const alarmItem = (a: Alarm): HandoverAlarmItem => ({
  alarmId: a.id,
  sensorId: a.sensorId,
  sensorName: a.sensorName,
  zoneId: a.zoneId,
  condition: a.condition,
  priority: a.priority,
  state: a.state,
  raisedAt: a.raisedAt,
  message: a.message,
});

const byRaised = (a: Alarm, b: Alarm): number => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id);

/**
 * The site's list as of `now`. A drill's alarms are not handed over (they end with the drill, which
 * is listed itself); a gateway's offline alarm is listed once, as link trouble; an alarm of a
 * sensor out of service is left to that sensor's line. Every shelved alarm is listed as shelved,
 * whatever its kind, undecided: each needs the outgoing officer's decision.
 */
export function buildSnapshot(input: SnapshotInput, siteId: string, now: number): HandoverSnapshot {
  const real = input.alarms.filter((a) => a.siteId === siteId && a.drill === null && a.state !== 'cleared').sort(byRaised);
  const unshelved = real.filter((a) => a.shelved === null);
  const gateways = unshelved.filter((a) => a.condition === 'gateway_offline');
  const links: HandoverLinkItem[] = [];
  if (!input.links.brokerConnected) links.push({ kind: 'broker', id: 'broker', since: null, detail: 'MQTT broker not connected' });
  if (!input.links.storageAccepting)
    links.push({ kind: 'storage', id: 'storage', since: null, detail: `InfluxDB not accepting writes; ${input.links.outboxDepth} points in the outbox` });
  for (const a of gateways) links.push({ kind: 'gateway', id: a.sensorId, since: a.activatedAt, detail: a.message });
  return {
    takenAt: now,
    standing: unshelved.filter((a) => a.condition !== 'gateway_offline' && !a.outOfService).map(alarmItem),
    shelved: real
      .filter((a): a is Alarm & { shelved: NonNullable<Alarm['shelved']> } => a.shelved !== null)
      .map((a): HandoverShelvedItem => ({ ...alarmItem(a), shelf: a.shelved, decision: null })),
    outOfService: input.outOfService
      .filter((s) => s.siteId === siteId)
      .map((s) => ({ sensorId: s.sensorId, sensorName: s.sensorName, since: s.since, until: s.until ?? null, by: s.by, reason: s.reason }))
      .sort((a, b) => a.since - b.since || a.sensorId.localeCompare(b.sensorId)),
    actions: [...input.actions],
    drills: input.drills
      .filter((d) => d.siteId === siteId && d.state === 'running')
      .map((d) => ({ id: d.id, title: d.title, startedBy: d.startedBy, startedAt: d.startedAt })),
    links,
  };
}
