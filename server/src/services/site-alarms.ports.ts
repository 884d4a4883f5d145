/**
 * Cluster mode: reaching the node that runs a site's alarm engine. Each site's engine runs on the
 * one node holding the site's lease (site-leases.ts); an action on an alarm, incident or sensor of
 * a site held elsewhere is applied by that node, exactly as if its own router had received it.
 */
import type { Alarm, AlarmAction, Incident, SensorLiveState } from '../../../contract/index.ts';
import type { Actor } from './alarm.operations.ts';

/** One action for the holder of a site, as it travels between nodes (plain JSON). */
export type HolderRequest =
  | { op: 'act'; alarmId: string; action: AlarmAction }
  | { op: 'actOnIncident'; incidentId: string; action: AlarmAction }
  | { op: 'setOutOfService'; sensorId: string; reason: string; until: number }
  | { op: 'returnToService'; sensorId: string }
  | { op: 'endDrill'; drillId: string };

/** What the holder answers to each request. */
export interface HolderAnswers {
  act: Alarm;
  actOnIncident: Incident;
  setOutOfService: SensorLiveState;
  returnToService: SensorLiveState;
  endDrill: null;
}

export type HolderAnswer<R extends HolderRequest> = HolderAnswers[R['op']];

/**
 * Sends a request to the node holding `site` and answers with what it answered. The holder's
 * refusals come back as the same errors (an `AlarmActionError` stays one, with its code). Rejects
 * with `SiteUnavailableError('NO_HOLDER')` when no node holds the site; a holder that no longer
 * holds it answers `NOT_HELD`, after which the forwarder looks the holder up again (once).
 */
export interface HolderForwarder {
  forward<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>>;
}

export const SITE_ERROR_CODES = ['NO_HOLDER', 'NOT_HELD'] as const;
export type SiteErrorCode = (typeof SITE_ERROR_CODES)[number];

/**
 * A site's engine cannot be reached: no node holds it now (NO_HOLDER, 503: try again once a node
 * takes it, within a lease period), or a forwarded request reached a node that no longer holds it
 * (NOT_HELD, 409: the forwarder looks again).
 */
export class SiteUnavailableError extends Error {
  override readonly name = 'SiteUnavailableError';

  constructor(
    readonly code: SiteErrorCode,
    readonly site: string,
  ) {
    super(code === 'NO_HOLDER' ? `no node runs site ${site} at the moment; try again in a few seconds` : `site ${site} is not held by this node`);
  }
}
