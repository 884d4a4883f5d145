/**
 * Corrective actions: opened from an alarm's resolution or by hand, worked by their owner,
 * verified by a manager; overdue ones escalate step by step (domain/actions/action.rules.ts). Every
 * change is one transaction: the action, its history line, the audit entry and, for an
 * escalation, its outbox messages commit together. Escalation timers are planned from the store,
 * so a restart picks up where the last run left off (steps missed while down are taken at once).
 */
import {
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_ACTION,
  type ActionAttachment,
  type ActionCounts,
  type ActionCreateBody,
  type ActionDetailResponse,
  type ActionEvent,
  type ActionListQuery,
  type ActionListResponse,
  type ActionMove,
  type ActionPatchBody,
  type CorrectiveAction,
  type EscalationStep,
} from '../../../contract/index.ts';
import { dueEscalations, isOverdue, judgeMove, mayEdit, movesFor, nextEscalation, type EscalationDue, type Mover } from '../domain/actions/action.rules.ts';
import { cleanAttachmentName, EXTENSION, imageSizeProblem, sniffImageType } from '../domain/actions/attachment.rules.ts';
import type { TimerHandle } from './clock.ts';
import type { ActionListFilter, ActionPeriodCounts, ActionRecord, ActionServiceDeps } from './action.ports.ts';

export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'INVALID_TRANSITION' | 'BAD_REQUEST',
    message: string,
  ) {
    super(message);
  }
}

/** Node's timers hold at most about 24.8 days; a later step is re-planned when this much has passed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const STEP_WORDS: Readonly<Record<EscalationStep, string>> = { owner: 'its owner', manager: 'the managers', admin: 'the admins' };

/** A detail response with the moves the asker may make now. */
export type ActionDetail = ActionDetailResponse & { moves: ActionMove[] };

export class ActionService {
  private readonly timers = new Map<number, TimerHandle>();
  /** Escalation runs not yet finished (a timer's callback cannot be awaited by whoever set it). */
  private readonly inFlight = new Set<Promise<void>>();
  /** The latest planning of each action under way: an earlier one that finishes later must not win. */
  private readonly planning = new Map<number, number>();
  private plans = 0;
  private running = false;

  constructor(private readonly deps: ActionServiceDeps) {}

  /** Plans every escalation from the store, taking at once the steps that fell due while stopped. */
  async start(): Promise<void> {
    this.running = true;
    for (const a of await this.deps.store.awaitingOwner()) await this.escalateDue(a.id);
  }

  /**
   * Plans the actions opened or changed elsewhere (another node sharing the store) that this one
   * has no timer for. Run now and then; whichever node's timer fires first takes a step, once.
   */
  async resync(): Promise<void> {
    if (!this.running) return;
    for (const a of await this.deps.store.awaitingOwner()) if (!this.timers.has(a.id) && !this.planning.has(a.id)) this.schedule(a, this.claimPlan(a.id));
  }

  stop(): void {
    this.running = false;
    for (const handle of this.timers.values()) this.deps.scheduler.clearTimeout(handle);
    this.timers.clear();
  }

  /** Resolves once no escalation is being taken (tests: a fired timer's work is done). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Throws the refusal `open` would (unknown alarm, site, zone or owner; a due date in the past)
   * without opening anything: lets a caller refuse a request before it changes something else.
   */
  async check(body: ActionCreateBody): Promise<void> {
    await this.checked(body, this.deps.scheduler.now());
  }

  async open(body: ActionCreateBody, who: Mover): Promise<ActionDetail> {
    const now = this.deps.scheduler.now();
    const place = await this.checked(body, now);
    const id = await this.deps.store.transaction(async () => {
      const id = await this.deps.store.insert({
        finding: body.finding,
        action: body.action,
        causeCategory: body.causeCategory ?? null,
        ...place,
        alarmId: body.alarmId ?? null,
        severity: body.severity,
        owner: body.owner,
        dueAt: body.dueAt,
        status: 'open',
        createdBy: who.username,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        fixedBy: null,
        escalationLevel: 0,
      });
      await this.record(id, { at: now, by: who.username, kind: 'opened', note: null }, { owner: body.owner, dueAt: body.dueAt, alarmId: body.alarmId ?? null });
      return id;
    });
    await this.plan(id);
    return this.detail(id, who);
  }

  async change(id: number, body: ActionPatchBody, who: Mover): Promise<ActionDetail> {
    const a = await this.mustGet(id);
    const now = this.deps.scheduler.now();
    if ('move' in body) {
      const outcome = judgeMove(a, body.move, who);
      if (!outcome.ok) throw new ActionError(outcome.code, outcome.message);
      const kind = MOVE_EVENT[body.move];
      const note = (body.move === 'reject' ? body.reason : body.note) || null;
      await this.deps.store.transaction(async () => {
        const patch = {
          status: outcome.status,
          updatedAt: now,
          ...(body.move === 'fix' && { fixedBy: who.username }),
          ...(body.move === 'verify' && { closedAt: now }),
        };
        // The move was judged against the status and owner read above: it is made only from that
        // status, and only while that owner has it (a reassignment committed since, on any node,
        // takes the action's lock first, as this does).
        await this.deps.store.lock(id);
        if ((await this.deps.store.get(id))?.owner !== a.owner) throw changedMeanwhile(id);
        if (!(await this.deps.store.update(id, patch, a.status))) throw changedMeanwhile(id);
        await this.record(id, { at: now, by: who.username, kind, note }, { from: a.status, to: outcome.status, ...(note && { note }) });
      });
    } else {
      if (!mayEdit(who)) throw new ActionError('FORBIDDEN', 'only a manager may change the owner or the due date');
      if (a.status === 'verified') throw new ActionError('INVALID_TRANSITION', 'a verified action is closed');
      if (body.owner !== undefined && !(await this.deps.isUser(body.owner)))
        throw new ActionError('BAD_REQUEST', `no enabled account ${body.owner} to own the action`);
      if (body.dueAt !== undefined && body.dueAt <= now) throw new ActionError('BAD_REQUEST', 'the due date must be in the future');
      const changes = { ...(body.owner !== undefined && { owner: body.owner }), ...(body.dueAt !== undefined && { dueAt: body.dueAt }) };
      await this.deps.store.transaction(async () => {
        await this.deps.store.lock(id);
        // A new date is a new deadline: its escalation starts from the beginning.
        const patch = { ...changes, updatedAt: now, ...(body.dueAt !== undefined && { escalationLevel: 0 }) };
        if (!(await this.deps.store.update(id, patch, a.status))) throw changedMeanwhile(id);
        await this.record(id, { at: now, by: who.username, kind: 'edited', note: body.note || null, changes }, changes);
      });
    }
    await this.plan(id);
    return this.detail(id, who);
  }

  /** Adds a photo: an image by its first bytes, within the size and count limits, while the action is not closed. */
  async attach(id: number, upload: { name?: string; bytes: Uint8Array }, who: Mover): Promise<ActionDetail> {
    const a = await this.mustGet(id);
    if (a.status === 'verified') throw new ActionError('INVALID_TRANSITION', 'a verified action is closed');
    const type = sniffImageType(upload.bytes);
    if (!type) throw new ActionError('BAD_REQUEST', 'only PNG, JPEG, WebP or GIF images are accepted');
    const sizeProblem = imageSizeProblem(upload.bytes, type);
    if (sizeProblem !== null) throw new ActionError('BAD_REQUEST', sizeProblem);
    if (upload.bytes.length > MAX_ATTACHMENT_BYTES) throw new ActionError('BAD_REQUEST', `an attachment is at most ${MAX_ATTACHMENT_BYTES} bytes`);
    const full = async () => (await this.deps.store.attachments(id)).length >= MAX_ATTACHMENTS_PER_ACTION;
    const tooMany = () => new ActionError('BAD_REQUEST', `an action has at most ${MAX_ATTACHMENTS_PER_ACTION} attachments`);
    if (await full()) throw tooMany();
    const name = cleanAttachmentName(upload.name, type);
    const now = this.deps.scheduler.now();
    // The file first: a row never names bytes that are not there (a crash between leaves an unnamed file, not a broken link).
    const { file, sha256 } = this.deps.files.save(upload.bytes, EXTENSION[type]);
    await this.deps.store.transaction(async () => {
      // Counted again where it is added: two uploads at once must not both take the last place.
      await this.deps.store.lock(id);
      if (await full()) throw tooMany();
      const attachmentId = await this.deps.store.addAttachment(id, { name, type, size: upload.bytes.length, sha256, file, at: now, by: who.username });
      await this.record(
        id,
        { at: now, by: who.username, kind: 'attached', note: name },
        { attachment: attachmentId, name, type, size: upload.bytes.length, sha256 },
      );
    });
    return this.detail(id, who);
  }

  /** An attachment's bytes and type, for serving. */
  async attachment(id: number, attachmentId: number): Promise<{ type: ActionAttachment['type']; name: string; bytes: Buffer }> {
    const found = (await this.deps.store.attachments((await this.mustGet(id)).id)).find((x) => x.id === attachmentId);
    const bytes = found && this.deps.files.read(found.file);
    if (!found || !bytes) throw new ActionError('NOT_FOUND', `no attachment ${attachmentId} on action ${id}`);
    return { type: found.type, name: found.name, bytes };
  }

  async get(id: number, who: Mover): Promise<ActionDetail> {
    return this.detail((await this.mustGet(id)).id, who);
  }

  async list(q: ActionListQuery, who: Mover): Promise<ActionListResponse> {
    const now = this.deps.scheduler.now();
    const filter: ActionListFilter = { siteId: q.site, zoneId: q.zone, limit: q.limit };
    if (q.filter === 'open') filter.closed = false;
    if (q.filter === 'closed') filter.closed = true;
    if (q.filter === 'overdue') filter.overdueAt = now;
    if (q.filter === 'mine') Object.assign(filter, { owner: who.username, closed: false });
    return {
      actions: (await this.deps.store.list(filter)).map((r) => this.view(r, now)),
      counts: await this.deps.store.counts(now, who.username, q.site),
    };
  }

  /** The header badge's numbers. */
  countsFor(who: Mover, siteId?: string): Promise<ActionCounts> {
    return this.deps.store.counts(this.deps.scheduler.now(), who.username, siteId);
  }

  /** Opened, closed (verified), gone overdue and escalation steps in [from, to), for one site or all: the periodic safety report's figures. */
  counts(q: { siteId?: string; from: number; to: number }): Promise<ActionPeriodCounts> {
    return this.deps.store.period(q);
  }

  /** Timers planned (tests). */
  get plannedCount(): number {
    return this.timers.size;
  }

  private async checked(body: ActionCreateBody, now: number): Promise<Pick<ActionRecord, 'siteId' | 'zoneId' | 'sensorId'>> {
    const place = await this.placeOf(body);
    if (!(await this.deps.isUser(body.owner))) throw new ActionError('BAD_REQUEST', `no enabled account ${body.owner} to own the action`);
    if (body.dueAt <= now) throw new ActionError('BAD_REQUEST', 'the due date must be in the future');
    return place;
  }

  private async placeOf(body: ActionCreateBody): Promise<Pick<ActionRecord, 'siteId' | 'zoneId' | 'sensorId'>> {
    if (body.alarmId !== undefined) {
      const p = await this.deps.alarmPlace(body.alarmId);
      if (!p) throw new ActionError('BAD_REQUEST', `no alarm ${body.alarmId}`);
      if (body.siteId !== undefined && body.siteId !== p.siteId) throw new ActionError('BAD_REQUEST', `alarm ${body.alarmId} is at site ${p.siteId}`);
      return { siteId: p.siteId, zoneId: p.zoneId, sensorId: p.sensorId };
    }
    const siteId = body.siteId!;
    const site = this.deps.registry.site(siteId);
    if (!site) throw new ActionError('BAD_REQUEST', `no site ${siteId}`);
    if (body.zoneId !== undefined && !site.floors.some((f) => f.zones.some((z) => z.id === body.zoneId)))
      throw new ActionError('BAD_REQUEST', `no zone ${body.zoneId} at site ${siteId}`);
    let zoneId = body.zoneId ?? null;
    if (body.sensorId !== undefined) {
      const sensor = this.deps.registry.sensor(body.sensorId);
      if (!sensor || sensor.siteId !== siteId) throw new ActionError('BAD_REQUEST', `no sensor ${body.sensorId} at site ${siteId}`);
      if (zoneId !== null && sensor.zoneId !== zoneId) throw new ActionError('BAD_REQUEST', `sensor ${body.sensorId} is not in zone ${zoneId}`);
      zoneId = sensor.zoneId;
    }
    return { siteId, zoneId, sensorId: body.sensorId ?? null };
  }

  private async mustGet(id: number): Promise<ActionRecord> {
    const a = await this.deps.store.get(id);
    if (!a) throw new ActionError('NOT_FOUND', `no corrective action ${id}`);
    return a;
  }

  private async detail(id: number, who: Mover): Promise<ActionDetail> {
    const a = await this.mustGet(id);
    const attachments = (await this.deps.store.attachments(id)).map(({ sha256: _sha256, file: _file, ...shown }) => shown);
    return { action: this.view(a, this.deps.scheduler.now()), history: await this.deps.store.history(id), attachments, moves: movesFor(a, who) };
  }

  private view(r: ActionRecord, now: number): CorrectiveAction {
    const { fixedBy: _fixedBy, ...shown } = r;
    return { ...shown, overdue: isOverdue(r, now), nextEscalationAt: nextEscalation(r, this.deps.schedule)?.at ?? null };
  }

  /** A history line and its audit entry, in the caller's transaction. */
  private async record(id: number, e: Omit<ActionEvent, 'seq'>, detail: object): Promise<ActionEvent> {
    const event = await this.deps.store.addEvent(id, e);
    await this.deps.audit.append({ actor: e.by, action: `action.${e.kind}`, target: `action:${id}`, at: e.at, detail: { seq: event.seq, ...detail } });
    return event;
  }

  /** Sets (or clears) the timer of the action's next escalation step, from the action as stored now. */
  private async plan(id: number): Promise<void> {
    const turn = this.claimPlan(id);
    this.unplan(id);
    if (!this.running) return;
    const a = await this.deps.store.get(id);
    if (a) this.schedule(a, turn);
    else if (this.planning.get(id) === turn) this.planning.delete(id);
  }

  private claimPlan(id: number): number {
    const turn = ++this.plans;
    this.planning.set(id, turn);
    return turn;
  }

  /** Sets the timer for `a` as read by planning `turn`, unless a later planning of it has begun since. */
  private schedule(a: ActionRecord, turn: number): void {
    if (this.planning.get(a.id) !== turn) return;
    this.planning.delete(a.id);
    this.unplan(a.id);
    const next = nextEscalation(a, this.deps.schedule);
    if (!next || !this.running) return;
    const delay = Math.min(Math.max(0, next.at - this.deps.scheduler.now()), MAX_TIMER_MS);
    this.timers.set(
      a.id,
      this.deps.scheduler.setTimeout(() => void this.escalateDue(a.id), delay),
    );
  }

  private unplan(id: number): void {
    const old = this.timers.get(id);
    if (old !== undefined) this.deps.scheduler.clearTimeout(old);
    this.timers.delete(id);
  }

  /** Takes the steps due now (never throws: a failure is reported, and the next start retries). */
  private escalateDue(id: number): Promise<void> {
    this.timers.delete(id);
    if (!this.running) return Promise.resolve();
    const run = this.takeDue(id, this.deps.scheduler.now())
      .then(() => this.plan(id))
      .catch((err: unknown) => this.deps.onError?.(err, id))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  private async takeDue(id: number, now: number): Promise<void> {
    await this.deps.store.transaction(async () => {
      const a = await this.deps.store.get(id);
      if (!a) return;
      let level = a.escalationLevel;
      for (const step of dueEscalations(a, this.deps.schedule, now)) {
        // Another node (or an earlier run of this one) firing the same timer may have taken it:
        // the step is taken by whoever's conditional update changes the row, once.
        if (!(await this.deps.store.takeEscalation(a.id, { fromLevel: level, toLevel: step.level, dueAt: a.dueAt, at: now }))) return;
        await this.escalate(a, step, now);
        level = step.level;
      }
    });
  }

  /** The history line, audit entry and outbox message of a step just taken. */
  private async escalate(a: ActionRecord, step: EscalationDue, now: number): Promise<void> {
    const event = await this.record(
      a.id,
      { at: now, by: 'system', kind: 'escalated', note: null, level: step.level, to: step.to },
      { level: step.level, to: step.to, owner: a.owner },
    );
    const late = Math.round((now - a.dueAt) / 60_000);
    await this.deps.notifier.notify({
      subject: `action:${a.id}`,
      seq: -event.seq,
      level: step.level,
      title: `Vigil: corrective action #${a.id} overdue, escalated to ${STEP_WORDS[step.to]} (level ${step.level})`,
      lines: [
        `Finding: ${a.finding}`,
        `Action: ${a.action}`,
        `Site ${a.siteId}${a.zoneId ? `, zone ${a.zoneId}` : ''}${a.sensorId ? `, sensor ${a.sensorId}` : ''}; severity ${a.severity}`,
        `Owner ${a.owner}, due ${new Date(a.dueAt).toISOString()} (${late} min ago), status ${a.status.replace('_', ' ')}`,
      ],
      webhook: {
        type: 'vigil.action.escalated',
        seq: event.seq,
        at: new Date(now).toISOString(),
        level: step.level,
        to: step.to,
        action: this.view({ ...a, escalationLevel: step.level }, now),
      },
    });
  }
}

/** A conditional update found the action no longer as it was read: another request changed it first. */
function changedMeanwhile(id: number): ActionError {
  return new ActionError('INVALID_TRANSITION', `corrective action ${id} was changed by someone else meanwhile; reload it`);
}

const MOVE_EVENT: Readonly<Record<ActionMove, ActionEvent['kind']>> = { start: 'started', fix: 'fixed', verify: 'verified', reject: 'rejected' };
