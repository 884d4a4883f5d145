/**
 * Shift handover: opened by the outgoing officer for a site, signed by that officer once every
 * shelved alarm is carried over or unshelved, accepted by another officer (with remarks or
 * without). Each signature is an audit entry, committed with the state change it records; a
 * signature moves the handover only from the state it must be in (a conditional update), so two
 * racing — two tabs, two nodes — never both take effect. While open, the list of what the next shift inherits
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
  /** Every store call (and audit append) made inside `fn` commits with it, or none does. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Serialises the rest of the current transaction against others opening a handover for the same site, on any node. */
  lockSite(siteId: string): Promise<void>;
  insert(h: StoredHandover): Promise<void>;
  /** open → handed_over with the outgoing signature and the frozen snapshot; false when it is no longer open. */
  sign(h: StoredHandover & { handedOverAt: number; handedOverBy: string; snapshot: HandoverSnapshot }): Promise<boolean>;
  /** handed_over → accepted, never by the officer who handed over; false otherwise. */
  accept(h: StoredHandover & { acceptedAt: number; acceptedBy: string }): Promise<boolean>;
  get(id: string): Promise<StoredHandover | undefined>;
  /** Newest first. */
  list(query: { siteId?: string; limit: number }): Promise<StoredHandover[]>;
  /** The site's handover not yet accepted, if any. */
  pending(siteId: string): Promise<StoredHandover | undefined>;
  /** Handovers signed by the outgoing officer within [from, to). */
  handedOverBetween(from: number, to: number, siteId?: string): Promise<StoredHandover[]>;
}

/** Open corrective actions of a site (the corrective-action service). */
export interface OpenActionsSource {
  openActions(siteId: string): Promise<HandoverActionItem[]>;
}

/** What the rest of Vigil tells the handover, and the one thing the handover does to it: unshelve. */
export interface HandoverSources {
  siteExists(siteId: string): boolean;
  openAlarms(): Promise<readonly Alarm[]>;
  outOfService(): Promise<readonly OutOfServiceSensor[]>;
  drills(): Promise<readonly Drill[]>;
  links(): LinkHealth;
  /** Unshelves an alarm as `actor` (an alarm action, audited as such). */
  unshelve(alarmId: string, actor: Actor, note: string): Promise<void>;
}

const NO_ACTIONS: OpenActionsSource = { openActions: async () => [] };

export class HandoverService {
  constructor(
    private readonly store: HandoverStore,
    private readonly sources: HandoverSources,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly actions: OpenActionsSource = NO_ACTIONS,
  ) {}

  async list(query: { siteId?: string; limit: number }): Promise<Handover[]> {
    return Promise.all((await this.store.list(query)).map((h) => this.view(h)));
  }

  async get(id: string): Promise<Handover> {
    return this.view(await this.stored(id));
  }

  async open(body: HandoverOpenBody, actor: Actor): Promise<Handover> {
    if (!this.sources.siteExists(body.siteId)) throw new HandoverError('BAD_REQUEST', `unknown site ${body.siteId}`);
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
    await this.store.transaction(async () => {
      // One handover at a time per site: checked and opened under the site's lock, so two officers
      // opening at once (on one node or two) cannot both find none pending.
      await this.store.lockSite(body.siteId);
      const pending = await this.store.pending(body.siteId);
      if (pending) throw new HandoverError('CONFLICT', `site ${body.siteId} has a handover not yet accepted: ${pending.id}`, { id: pending.id });
      await this.store.insert(h);
      await this.audit.append({ actor: actor.username, action: 'handover.open', target: `handover:${h.id}`, at: now, detail: { site: h.siteId } });
    });
    return this.view(h);
  }

  /**
   * The outgoing officer's signature: refused until every shelved alarm has a decision; the
   * alarms to unshelve are unshelved, and the list as it was is frozen with the decisions on it.
   */
  async sign(id: string, body: HandoverSignBody, actor: Actor): Promise<Handover> {
    const h = await this.stored(id);
    checkSignable(h);
    const snapshot = decideShelved(await this.snapshotOf(h.siteId), body.shelved);
    const unshelved = snapshot.shelved.filter((s) => s.decision === 'unshelve').map((s) => s.alarmId);
    // Unshelving is the alarm service's own change, audited there; it cannot join this store's
    // transaction, so it comes first: a failure leaves the handover open to sign again.
    for (const alarmId of unshelved) await this.sources.unshelve(alarmId, actor, `shift handover ${h.id}`);
    const now = this.clock.now();
    const signed = {
      ...h,
      state: 'handed_over' as const,
      notes: body.notes ?? h.notes,
      handedOverAt: now,
      handedOverBy: actor.username,
      snapshot,
    };
    await this.store.transaction(async () => {
      if (!(await this.store.sign(signed))) throw await this.refusal(id, checkSignable);
      await this.audit.append({
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
    });
    return this.view(signed);
  }

  /** The incoming officer's signature; never by the officer who handed over. */
  async accept(id: string, body: HandoverAcceptBody, actor: Actor): Promise<Handover> {
    const h = await this.stored(id);
    checkAcceptable(h, actor.username);
    const now = this.clock.now();
    const remarks = body.remarks === undefined || body.remarks === '' ? null : body.remarks;
    const accepted = { ...h, state: 'accepted' as const, acceptedAt: now, acceptedBy: actor.username, remarks };
    await this.store.transaction(async () => {
      if (!(await this.store.accept(accepted))) throw await this.refusal(id, (current) => checkAcceptable(current, actor.username));
      await this.audit.append({
        actor: actor.username,
        action: 'handover.accept',
        target: `handover:${h.id}`,
        at: now,
        detail: { site: h.siteId, handedOverBy: h.handedOverBy, ...(remarks === null ? {} : { remarks }) },
      });
    });
    return this.view(accepted);
  }

  /** Shifts handed over and items carried over in [from, to), for the periodic safety report. */
  async counts(period: { siteId?: string; from: number; to: number }): Promise<HandoverCounts> {
    const handovers = await Promise.all((await this.store.handedOverBetween(period.from, period.to, period.siteId)).map((h) => this.view(h)));
    return countHandovers(handovers, { siteId: period.siteId ?? null, from: period.from, to: period.to });
  }

  /**
   * Why a signature's conditional update changed nothing: someone else signed in between. The
   * rule that refuses it now says so as it would have before (already signed, already accepted).
   */
  private async refusal(id: string, check: (current: StoredHandover) => void): Promise<HandoverError> {
    try {
      check(await this.stored(id));
    } catch (err) {
      if (err instanceof HandoverError) return err;
      throw err;
    }
    return new HandoverError('INVALID_TRANSITION', `handover ${id} was changed by someone else meanwhile`);
  }

  private async stored(id: string): Promise<StoredHandover> {
    const h = await this.store.get(id);
    if (!h) throw new HandoverError('NOT_FOUND', `no handover ${id}`);
    return h;
  }

  private async view(h: StoredHandover): Promise<Handover> {
    return { ...h, snapshot: h.snapshot ?? (await this.snapshotOf(h.siteId)) };
  }

  private async snapshotOf(siteId: string): Promise<HandoverSnapshot> {
    const s = this.sources;
    const [alarms, outOfService, drills, actions] = await Promise.all([s.openAlarms(), s.outOfService(), s.drills(), this.actions.openActions(siteId)]);
    return buildSnapshot({ alarms, outOfService, drills, actions, links: s.links() }, siteId, this.clock.now());
  }
}
