/**
 * The audit trail: append-only, every entry hash-chained to the previous one, so an incident
 * review can rely on it (`GET /api/audit/verify`). Alarm actions, logins and admin actions all
 * go here.
 */
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
  append(entry: AuditInput): void;
}
