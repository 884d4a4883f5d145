/**
 * Shift handover: opened by the outgoing officer for a site, signed by that officer once every
 * shelved alarm is carried over or unshelved, accepted by another officer (with remarks or
 * without). Each signature is an audit entry. While open, the list of what the next shift inherits
 * is taken afresh at every read; at the outgoing signature it is frozen and stored as it was
 * (docs/contracts.md#shift-handover).
 */
import { randomBytes } from 'node:crypto';
import type {
  Alarm,
  Drill,
  Handover,
  HandoverAcceptBody,
  HandoverActionItem,
  HandoverCounts,
  HandoverOpenBody,
  HandoverSignBody,
  HandoverSnapshot,
} from '../../../contract/index.ts';
import {
  HandoverError,
  buildSnapshot,
  checkAcceptable,
  checkSignable,
  countHandovers,
  decideShelved,
  type LinkHealth,
  type OutOfServiceSensor,
} from '../domain/handover/index.ts';
import type { Actor } from './alarm.service.ts';
import type { AuditLog } from './audit.port.ts';
import type { Clock } from './clock.ts';

/** A handover as stored: the snapshot only once frozen. */
export type StoredHandover = Omit<Handover, 'snapshot'> & { snapshot: HandoverSnapshot | null };

export interface HandoverStore {
  insert(h: StoredHandover): void;
  update(h: StoredHandover): void;
  get(id: string): StoredHandover | undefined;
  /** Newest first. */
  list(query: { siteId?: string; limit: number }): StoredHandover[];
  /** The site's handover not yet accepted, if any. */
  pending(siteId: string): StoredHandover | undefined;
  /** Handovers signed by the outgoing officer within [from, to). */
  handedOverBetween(from: number, to: number, siteId?: string): StoredHandover[];
}

/** Open corrective actions of a site (the corrective-action service). */
export interface OpenActionsSource {
  openActions(siteId: string): HandoverActionItem[];
}

/** What the rest of Vigil tells the handover, and the one thing the handover does to it: unshelve. */
export interface HandoverSources {
  siteExists(siteId: string): boolean;
  openAlarms(): readonly Alarm[];
  outOfService(): readonly OutOfServiceSensor[];
  drills(): readonly Drill[];
  links(): LinkHealth;
  /** Unshelves an alarm as `actor` (an alarm action, audited as such). */
  unshelve(alarmId: string, actor: Actor, note: string): void;
}

const NO_ACTIONS: OpenActionsSource = { openActions: () => [] };

export class HandoverService {
  constructor(
    private readonly store: HandoverStore,
    private readonly sources: HandoverSources,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly actions: OpenActionsSource = NO_ACTIONS,
  ) {}

  list(query: { siteId?: string; limit: number }): Handover[] {
    return this.store.list(query).map((h) => this.view(h));
  }

  get(id: string): Handover {
    return this.view(this.stored(id));
  }

  open(body: HandoverOpenBody, actor: Actor): Handover {
    if (!this.sources.siteExists(body.siteId)) throw new HandoverError('BAD_REQUEST', `unknown site ${body.siteId}`);
    const pending = this.store.pending(body.siteId);
    if (pending) throw new HandoverError('CONFLICT', `site ${body.siteId} has a handover not yet accepted: ${pending.id}`, { id: pending.id });
    const now = this.clock.now();
    const h: StoredHandover = {
      id: `ho_${now.toString(36)}_${randomBytes(3).toString('hex')}`,
      siteId: body.siteId,
      state: 'open',
      openedAt: now,
      openedBy: actor.username,
      notes: body.notes ?? '',
      handedOverAt: null,
      handedOverBy: null,
      acceptedAt: null,
      acceptedBy: null,
      remarks: null,
      snapshot: null,
    };
    this.store.insert(h);
    this.audit.append({ actor: actor.username, action: 'handover.open', target: `handover:${h.id}`, at: now, detail: { site: h.siteId } });
    return this.view(h);
  }

  /**
   * The outgoing officer's signature: refused until every shelved alarm has a decision; the
   * alarms to unshelve are unshelved, and the list as it was is frozen with the decisions on it.
   */
  sign(id: string, body: HandoverSignBody, actor: Actor): Handover {
    const h = this.stored(id);
    checkSignable(h);
    const snapshot = decideShelved(this.snapshotOf(h.siteId), body.shelved);
    const unshelved = snapshot.shelved.filter((s) => s.decision === 'unshelve').map((s) => s.alarmId);
    for (const alarmId of unshelved) this.sources.unshelve(alarmId, actor, `shift handover ${h.id}`);
    const now = this.clock.now();
    const signed: StoredHandover = {
      ...h,
      state: 'handed_over',
      notes: body.notes ?? h.notes,
      handedOverAt: now,
      handedOverBy: actor.username,
      snapshot,
    };
    this.store.update(signed);
    this.audit.append({
      actor: actor.username,
      action: 'handover.sign',
      target: `handover:${h.id}`,
      at: now,
      detail: {
        site: h.siteId,
        carried: snapshot.shelved.filter((s) => s.decision === 'carry').map((s) => s.alarmId),
        unshelved,
        standing: snapshot.standing.length,
        outOfService: snapshot.outOfService.length,
        actions: snapshot.actions.length,
        drills: snapshot.drills.length,
        links: snapshot.links.length,
        ...(signed.notes === '' ? {} : { notes: signed.notes }),
      },
    });
    return this.view(signed);
  }

  /** The incoming officer's signature; never by the officer who handed over. */
  accept(id: string, body: HandoverAcceptBody, actor: Actor): Handover {
    const h = this.stored(id);
    checkAcceptable(h, actor.username);
    const now = this.clock.now();
    const remarks = body.remarks === undefined || body.remarks === '' ? null : body.remarks;
    const accepted: StoredHandover = { ...h, state: 'accepted', acceptedAt: now, acceptedBy: actor.username, remarks };
    this.store.update(accepted);
    this.audit.append({
      actor: actor.username,
      action: 'handover.accept',
      target: `handover:${h.id}`,
      at: now,
      detail: { site: h.siteId, handedOverBy: h.handedOverBy, ...(remarks === null ? {} : { remarks }) },
    });
    return this.view(accepted);
  }

  /** Shifts handed over and items carried over in [from, to), for the periodic safety report. */
  counts(period: { siteId?: string; from: number; to: number }): HandoverCounts {
    const handovers = this.store.handedOverBetween(period.from, period.to, period.siteId).map((h) => this.view(h));
    return countHandovers(handovers, { siteId: period.siteId ?? null, from: period.from, to: period.to });
  }

  private stored(id: string): StoredHandover {
    const h = this.store.get(id);
    if (!h) throw new HandoverError('NOT_FOUND', `no handover ${id}`);
    return h;
  }

  private view(h: StoredHandover): Handover {
    return { ...h, snapshot: h.snapshot ?? this.snapshotOf(h.siteId) };
  }

  private snapshotOf(siteId: string): HandoverSnapshot {
    const s = this.sources;
    return buildSnapshot(
      { alarms: s.openAlarms(), outOfService: s.outOfService(), drills: s.drills(), actions: this.actions.openActions(siteId), links: s.links() },
      siteId,
      this.clock.now(),
    );
  }
}
