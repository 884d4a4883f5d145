/**
 * InfluxDB through its v1 HTTP API (`/write` line protocol, `/query` InfluxQL): InfluxDB 1.x
 * natively, 2.x/3.x through their v1 compatibility endpoints. Raw HTTP on purpose: Debian's
 * 1.6.7 has no /api/v2, and building line protocol ourselves (influx.line-protocol.ts) was
 * measured about twice as fast as node-influx.
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

/**
 * A failed write; `retryable` is false when InfluxDB refused the data itself (4xx). A refused write
 * may still have stored part of the body: InfluxDB 1.x writes every line it can and answers 400
 * "partial write: ..." naming the first reason, with `dropped=N` counting the points it refused at
 * storage (field type conflicts, beyond retention; lines it could not parse are named, not
 * counted). `refused` is that N when it is known.
 */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly refused?: number,
  ) {
    super(message);
  }
}

/** Long enough for a parse error, which quotes the line (an event's detail alone may be 512 characters). */
const MAX_REASON_CHARS = 2000;

/** InfluxDB's own words: the `error` of its JSON answer, else the body as it came. */
function reasonOf(text: string): string {
  let reason = text.trim();
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string') reason = error;
  } catch {
    // not JSON (a proxy's page): keep the text
  }
  return reason;
}

export class InfluxClient {
  private readonly base: string;
  /**
   * Credentials go in a header, not in the query string (`u`, `p`), where every proxy and access
   * log on the way would record the password.
   */
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(readonly options: InfluxOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.headers = options.username
      ? { authorization: `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}` }
      : {};
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private url(path: string, params: Record<string, string>): string {
    return `${this.base}${path}?${new URLSearchParams(params).toString()}`;
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
      res = await fetch(this.url('/write', params), { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new InfluxWriteError(`InfluxDB unreachable: ${(err as Error).message}`, true);
    }
    if (res.status === 204 || res.status === 200) return;
    const reason = reasonOf(await res.text().catch(() => ''));
    // The schema not there yet is recoverable (the setup at start creates it): 1.6.7 answers 404
    // "database not found", and 500 "retention policy not found" for a named policy. So are refused
    // credentials (401, 403: fixed by configuration, the data is fine); other 4xx reject the data itself.
    const retryable = res.status >= 500 || res.status === 404 || res.status === 429 || res.status === 401 || res.status === 403;
    const dropped = /^partial write:[\s\S]* dropped=(\d+)$/.exec(reason)?.[1];
    const shown = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
    throw new InfluxWriteError(`InfluxDB write failed (${res.status}): ${shown}`, retryable, res.status, dropped === undefined ? undefined : Number(dropped));
  }

  /**
   * Runs InfluxQL; times come back as epoch milliseconds, or with `exactTimes` as InfluxDB's
   * RFC 3339 strings with every nanosecond (epoch nanoseconds exceed what a JSON number keeps
   * exactly). Throws on any statement error.
   */
  async query(q: string, options: { exactTimes?: boolean } = {}): Promise<InfluxSeries[][]> {
    const params: Record<string, string> = options.exactTimes ? { db: this.options.db } : { db: this.options.db, epoch: 'ms' };
    const res = await fetch(this.url('/query', params), {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
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
