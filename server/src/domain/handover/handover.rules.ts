/**
 * The rules of a handover: every shelved alarm is carried over or unshelved before the outgoing
 * officer may sign (a shelved alarm silently inherited is an alarm nobody watches); the officer
 * who handed over cannot also accept (two people, two signatures); what was handed over is counted
 * for the safety report.
 */
import { itemsCarriedOver, type Handover, type HandoverCounts, type HandoverSnapshot, type ShelvedDecision } from '../../../../contract/index.ts';
import { HandoverError } from './handover.errors.ts';

export interface Decision {
  alarmId: string;
  decision: ShelvedDecision;
}

/**
 * The snapshot with the officer's decisions on it, or a SHELVED_UNDECIDED refusal naming every
 * shelved alarm without one. Decisions about alarms no longer shelved are ignored: the shelf
 * expired or someone unshelved it since the page was shown.
 */
export function decideShelved(snapshot: HandoverSnapshot, decisions: readonly Decision[]): HandoverSnapshot {
  const byAlarm = new Map(decisions.map((d) => [d.alarmId, d.decision]));
  const undecided = snapshot.shelved.filter((s) => !byAlarm.has(s.alarmId)).map((s) => s.alarmId);
  if (undecided.length > 0)
    throw new HandoverError('SHELVED_UNDECIDED', `carry over or unshelve every shelved alarm first: ${undecided.join(', ')}`, { alarmIds: undecided });
  return { ...snapshot, shelved: snapshot.shelved.map((s) => ({ ...s, decision: byAlarm.get(s.alarmId) ?? null })) };
}

/** The outgoing officer may sign an open handover only. */
export function checkSignable(h: Pick<Handover, 'id' | 'state'>): void {
  if (h.state !== 'open') throw new HandoverError('INVALID_TRANSITION', `handover ${h.id} is already signed`);
}

/** Another officer may accept a handover signed and not yet accepted. */
export function checkAcceptable(h: Pick<Handover, 'id' | 'state' | 'handedOverBy'>, by: string): void {
  if (h.state === 'open') throw new HandoverError('INVALID_TRANSITION', `handover ${h.id} is not signed by the outgoing officer yet`);
  if (h.state === 'accepted') throw new HandoverError('INVALID_TRANSITION', `handover ${h.id} is already accepted`);
  if (h.handedOverBy === by) throw new HandoverError('SAME_OFFICER', 'the officer who handed over cannot accept the same handover');
}

/** Figures over handovers signed within [from, to). */
export function countHandovers(handovers: readonly Handover[], period: { siteId: string | null; from: number; to: number }): HandoverCounts {
  const inPeriod = handovers.filter(
    (h) => h.handedOverAt !== null && h.handedOverAt >= period.from && h.handedOverAt < period.to && (period.siteId === null || h.siteId === period.siteId),
  );
  const accepted = inPeriod.filter((h) => h.state === 'accepted');
  return {
    ...period,
    handedOver: inPeriod.length,
    accepted: accepted.length,
    acceptedWithRemarks: accepted.filter((h) => h.remarks !== null).length,
    itemsCarriedOver: inPeriod.reduce((n, h) => n + itemsCarriedOver(h.snapshot), 0),
    shelvedCarriedOver: inPeriod.reduce((n, h) => n + h.snapshot.shelved.filter((x) => x.decision === 'carry').length, 0),
  };
}
