/** Rejected input: counted by reason, the most recent kept in a bounded ring for `GET /api/ingest/rejections`. */
import type { Rejection, RejectionReason } from '../../../contract/index.ts';

/**
 * Origins and details name topics, and an MQTT topic may be 65,535 bytes: what each kept entry
 * (and every log line and answer made from it) carries is bounded too.
 */
export const MAX_REJECTION_TEXT = 512;

/** A flat copy of the start: a slice would keep the whole string alive. */
const cut = (s: string): string => (s.length <= MAX_REJECTION_TEXT ? s : `${Buffer.from(s.slice(0, MAX_REJECTION_TEXT)).toString()}…`);

export class RejectionLog {
  private readonly ring: (Rejection | undefined)[];
  private next = 0;
  private readonly totals = new Map<RejectionReason, number>();

  constructor(
    private readonly capacity: number,
    private readonly onReject?: (r: Rejection) => void,
  ) {
    this.ring = new Array<Rejection | undefined>(capacity);
  }

  add(rejection: Rejection): void {
    const r =
      rejection.origin.length > MAX_REJECTION_TEXT || rejection.detail.length > MAX_REJECTION_TEXT
        ? { ...rejection, origin: cut(rejection.origin), detail: cut(rejection.detail) }
        : rejection;
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
    this.totals.set(r.reason, (this.totals.get(r.reason) ?? 0) + 1);
    this.onReject?.(r);
  }

  /** Newest first. */
  recent(limit = this.capacity): Rejection[] {
    const out: Rejection[] = [];
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const r = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (!r) break;
      out.push(r);
    }
    return out;
  }

  total(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
