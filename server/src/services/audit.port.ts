/**
 * The audit trail: append-only, every entry hash-chained to the previous one, so an incident
 * review can rely on it (`GET /api/audit/verify`). Alarm actions, logins and admin actions all
 * go here.
 */
import type { AuditEntry, AuditVerifyResponse } from '../../../contract/index.ts';

export interface AuditInput {
  actor: string;
  action: string;
  /** What was acted on: `alarm:<id>`, `user:<name>`, `sensor:<id>`, ... */
  target: string;
  detail?: unknown;
  /** Epoch ms; now when absent. */
  at?: number;
}

export interface AuditLog {
  /** Inside the caller's transaction when there is one: the entry commits (or not) with the change it records. */
  append(entry: AuditInput): Promise<void>;
}

/** Which entries to read back; every field given narrows the answer. */
export interface AuditQuery {
  from: number;
  to: number;
  limit: number;
  /** Entries with a smaller id only: the next page after the oldest entry shown. */
  before?: number;
  /** Who acted. */
  actor?: string;
  /** An exact action (`user.create`), or a family ending in `.*` (`user.*`). */
  action?: string;
  target?: string;
}

/** Reading the trail back (`GET /api/audit`, `GET /api/audit/verify`). */
export interface AuditTrail {
  list(query: AuditQuery): Promise<AuditEntry[]>;
  verify(): Promise<AuditVerifyResponse>;
}
