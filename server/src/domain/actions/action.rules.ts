/**
 * The rules of a corrective action, pure: who may make which move from which status, and when an
 * overdue action escalates. The service stores and schedules; these decide.
 */
import type { ActionMove, ActionStatus, EscalationStep, Role } from '../../../../contract/index.ts';

export interface Mover {
  username: string;
  role: Role;
}

/** What an action must show for a move to be judged. */
export interface ActionFacts {
  status: ActionStatus;
  owner: string;
  /** Who marked it fixed last (a manager does not verify their own fix). */
  fixedBy: string | null;
}

export type Refusal = { code: 'FORBIDDEN' | 'INVALID_TRANSITION'; message: string };
export type MoveOutcome = { ok: true; status: ActionStatus } | ({ ok: false } & Refusal);

const isManager = (role: Role): boolean => role === 'manager' || role === 'admin';

/**
 * The moves, from where to where and by whom. The owner may fix straight from `open` (a small job
 * done at once); a rejection sends a fix back to the owner as `in_progress`.
 */
const MOVES: Readonly<Record<ActionMove, { from: readonly ActionStatus[]; to: ActionStatus; by: 'owner' | 'manager' }>> = {
  start: { from: ['open'], to: 'in_progress', by: 'owner' },
  fix: { from: ['open', 'in_progress'], to: 'fixed', by: 'owner' },
  verify: { from: ['fixed'], to: 'verified', by: 'manager' },
  reject: { from: ['fixed'], to: 'in_progress', by: 'manager' },
};

/** Whether `who` may make `move` on `action`, and the status it leads to. */
export function judgeMove(action: ActionFacts, move: ActionMove, who: Mover): MoveOutcome {
  const rule = MOVES[move];
  if (rule.by === 'owner' && who.username !== action.owner)
    return { ok: false, code: 'FORBIDDEN', message: `only the owner (${action.owner}) may ${move} this action` };
  if (rule.by === 'manager') {
    if (!isManager(who.role)) return { ok: false, code: 'FORBIDDEN', message: `only a manager may ${move} an action` };
    // Four eyes: whoever fixed it does not also sign it off.
    if (action.fixedBy === who.username) return { ok: false, code: 'FORBIDDEN', message: `a manager other than the one who fixed it must ${move} it` };
  }
  if (!rule.from.includes(action.status))
    return { ok: false, code: 'INVALID_TRANSITION', message: `cannot ${move} an action that is ${action.status.replace('_', ' ')}` };
  return { ok: true, status: rule.to };
}

/** The moves `who` may make now (the dashboard offers these). */
export function movesFor(action: ActionFacts, who: Mover): ActionMove[] {
  return (Object.keys(MOVES) as ActionMove[]).filter((m) => judgeMove(action, m, who).ok);
}

/** Officers and managers (and admins) open actions. */
export const mayOpen = (_who: Mover): boolean => true;
/** Changing owner or due date is a manager's. */
export const mayEdit = (who: Mover): boolean => isManager(who.role);

/** An action still waits for its owner: not fixed, not verified. */
export const awaitsOwner = (status: ActionStatus): boolean => status === 'open' || status === 'in_progress';

export const isOverdue = (a: { status: ActionStatus; dueAt: number }, now: number): boolean => awaitsOwner(a.status) && now >= a.dueAt;

/**
 * When each escalation step follows the due date, in seconds; `null` leaves a step out. Steps are
 * numbered 1 (owner), 2 (managers), 3 (admins and the notification channels) whichever are used.
 */
export type EscalationSchedule = Readonly<Record<EscalationStep, number | null>>;

/** Owner on the due date, managers a day later, admins and the channels three days after it. */
export const DEFAULT_ACTION_ESCALATION: EscalationSchedule = { owner: 0, manager: 86_400, admin: 259_200 };

const STEPS: readonly EscalationStep[] = ['owner', 'manager', 'admin'];

export interface EscalationDue {
  level: number;
  to: EscalationStep;
  at: number;
}

/** The steps of `schedule` in order of time, with their level; a later step never comes before an earlier one. */
export function escalationPlan(dueAt: number, schedule: EscalationSchedule): EscalationDue[] {
  const plan: EscalationDue[] = [];
  let last = dueAt;
  STEPS.forEach((to, i) => {
    const s = schedule[to];
    if (s === null) return;
    last = Math.max(last, dueAt + s * 1000);
    plan.push({ level: i + 1, to, at: last });
  });
  return plan;
}

/** The next step not yet taken, or null (none left, or the action no longer waits for its owner). */
export function nextEscalation(a: { status: ActionStatus; dueAt: number; escalationLevel: number }, schedule: EscalationSchedule): EscalationDue | null {
  if (!awaitsOwner(a.status)) return null;
  return escalationPlan(a.dueAt, schedule).find((s) => s.level > a.escalationLevel) ?? null;
}

/** Every step due by `now` not yet taken, in order (more than one after the server was down). */
export function dueEscalations(
  a: { status: ActionStatus; dueAt: number; escalationLevel: number },
  schedule: EscalationSchedule,
  now: number,
): EscalationDue[] {
  if (!awaitsOwner(a.status)) return [];
  return escalationPlan(a.dueAt, schedule).filter((s) => s.level > a.escalationLevel && s.at <= now);
}

/** `owner=0,manager=86400,admin=259200` (seconds after the due date, `off` to skip a step); throws naming the bad part. */
export function parseActionEscalation(text: string): EscalationSchedule {
  const out: Record<EscalationStep, number | null> = { ...DEFAULT_ACTION_ESCALATION };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(owner|manager|admin)=(\d+|off)$/.exec(part);
    if (!m) throw new Error(`"${part}" must be <owner|manager|admin>=<seconds after the due date|off>`);
    out[m[1] as EscalationStep] = m[2] === 'off' ? null : Number(m[2]);
  }
  return out;
}
