/** Ports of the corrective-action service: where actions and their attachments are kept, and the outbox it tells. */
import type { ActionAttachment, ActionCounts, ActionEvent, ActionStatus, CorrectiveAction } from '../../../contract/index.ts';
import type { EscalationSchedule } from '../domain/actions/action.rules.ts';
import type { Registry } from '../domain/registry.ts';
import type { AuditLog } from './audit.port.ts';
import type { Scheduler } from './clock.ts';
import type { OutboxMessage } from './notification.ports.ts';

/** A stored action: what CorrectiveAction shows, less what is derived from the time, plus who fixed it. */
export type ActionRecord = Omit<CorrectiveAction, 'overdue' | 'nextEscalationAt'> & { fixedBy: string | null };

export interface ActionListFilter {
  closed?: boolean;
  /** Waiting for the owner with the due date at or before this time. */
  overdueAt?: number;
  owner?: string;
  siteId?: string;
  zoneId?: string;
  limit: number;
}

/** What the periodic safety report counts over a period [from, to). */
export interface ActionPeriodCounts {
  opened: number;
  /** Verified. */
  closed: number;
  /** Whose due date fell in the period with no fix reported by then. */
  overdue: number;
  /** Escalation steps taken. */
  escalations: number;
}

/** One escalation step, as worked out from the action read at `fromLevel` with that due date. */
export interface EscalationTake {
  fromLevel: number;
  toLevel: number;
  dueAt: number;
  at: number;
}

export interface ActionStore {
  /** Every store call (and audit append) made inside `fn` commits with it, or none does. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  insert(a: Omit<ActionRecord, 'id'>): Promise<number>;
  get(id: number): Promise<ActionRecord | undefined>;
  /** Applies `patch`; with `ifStatus`, only while the action still has that status. True when the row changed. */
  update(id: number, patch: Partial<ActionRecord>, ifStatus?: ActionStatus): Promise<boolean>;
  /**
   * Takes one escalation step if the action is still awaiting its owner at `fromLevel` with that
   * due date, in one statement: false when another run or node took it first, or the action changed.
   */
  takeEscalation(id: number, step: EscalationTake): Promise<boolean>;
  /** Serialises the rest of the current transaction against others holding the same action's lock, on any node. */
  lock(id: number): Promise<void>;
  list(f: ActionListFilter): Promise<ActionRecord[]>;
  /** Open or in progress: the ones that may escalate. */
  awaitingOwner(): Promise<ActionRecord[]>;
  addEvent(actionId: number, e: Omit<ActionEvent, 'seq'>): Promise<ActionEvent>;
  history(actionId: number): Promise<ActionEvent[]>;
  counts(now: number, username: string, siteId?: string): Promise<ActionCounts>;
  addAttachment(actionId: number, a: Omit<StoredAttachment, 'id'>): Promise<number>;
  attachments(actionId: number): Promise<StoredAttachment[]>;
  period(q: { siteId?: string; from: number; to: number }): Promise<ActionPeriodCounts>;
}

/** An attachment's metadata as stored: where its bytes are and their SHA-256. */
export type StoredAttachment = ActionAttachment & { sha256: string; file: string };

/** Where attachment bytes are kept (adapters/attachment.files.ts). */
export interface AttachmentFiles {
  /** Stores the bytes under a new name (with `extension`) and returns the name and the bytes' SHA-256 (hex). */
  save(bytes: Uint8Array, extension: string): { file: string; sha256: string };
  read(file: string): Buffer | undefined;
}

/** The outbox (notification.dispatcher.ts `notify`). */
export interface ActionNotifier {
  notify(message: OutboxMessage): void | Promise<void>;
}

export interface ActionServiceDeps {
  store: ActionStore;
  audit: AuditLog;
  notifier: ActionNotifier;
  registry: Pick<Registry, 'site' | 'sensor'>;
  /** Where an alarm was, or undefined when there is no such alarm. */
  alarmPlace(alarmId: string): Promise<{ siteId: string; zoneId: string; sensorId: string } | undefined>;
  /** An enabled account of that name exists. */
  isUser(username: string): Promise<boolean>;
  files: AttachmentFiles;
  scheduler: Scheduler;
  schedule: EscalationSchedule;
  /** A timer callback failed (the store is gone, say): logged, never thrown into the timers. */
  onError?: (err: unknown, actionId: number) => void;
}
