/** Rejected input: counted by reason, the most recent kept in a bounded ring for `GET /api/ingest/rejections`. */
import type { Rejection, RejectionReason } from '../../../contract/index.ts';

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

  add(r: Rejection): void {
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
