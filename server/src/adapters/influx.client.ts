/**
 * InfluxDB through its v1 HTTP API (`/write` line protocol, `/query` InfluxQL): InfluxDB 1.x
 * natively, 2.x/3.x through their v1 compatibility endpoints. Raw HTTP on purpose: Debian's
 * 1.6.7 has no /api/v2, and building line protocol ourselves is ~2x faster than node-influx
 * (shared/reference/README.md).
 */
export interface InfluxOptions {
  url: string;
  db: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** A failed write; `retryable` is false when InfluxDB refused the data itself (4xx). */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class InfluxClient {
  private readonly base: string;
  private readonly auth: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(readonly options: InfluxOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.auth = options.username ? { u: options.username, p: options.password ?? '' } : {};
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private url(path: string, params: Record<string, string>): string {
    return `${this.base}${path}?${new URLSearchParams({ ...params, ...this.auth }).toString()}`;
  }

  async ping(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/ping`, { signal: AbortSignal.timeout(2000) });
      return res.status === 204 || res.ok;
    } catch {
      return false;
    }
  }

  /** Writes line protocol (nanosecond timestamps) into the default or the named retention policy. */
  async write(body: string, retentionPolicy?: string): Promise<void> {
    const params: Record<string, string> = { db: this.options.db, precision: 'ns' };
    if (retentionPolicy) params.rp = retentionPolicy;
    let res: Response;
    try {
      res = await fetch(this.url('/write', params), { method: 'POST', body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new InfluxWriteError(`InfluxDB unreachable: ${(err as Error).message}`, true);
    }
    if (res.status === 204 || res.status === 200) return;
    const text = await res.text().catch(() => '');
    // 404 "database not found" is recoverable (setup recreates it); other 4xx reject the data.
    const retryable = res.status >= 500 || res.status === 404 || res.status === 429;
    throw new InfluxWriteError(`InfluxDB write failed (${res.status}): ${text.slice(0, 300)}`, retryable, res.status);
  }

  /** Runs InfluxQL; times come back as epoch milliseconds. Throws on any statement error. */
  async query(q: string): Promise<InfluxSeries[][]> {
    const res = await fetch(this.url('/query', { db: this.options.db, epoch: 'ms' }), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { results?: { series?: InfluxSeries[]; error?: string }[]; error?: string };
    if (!res.ok || json.error) throw new Error(`InfluxDB query failed (${res.status}): ${json.error ?? 'no answer'}`);
    return (json.results ?? []).map((r) => {
      if (r.error) throw new Error(`InfluxDB query failed: ${r.error}`);
      return r.series ?? [];
    });
  }
}
