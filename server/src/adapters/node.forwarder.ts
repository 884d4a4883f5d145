/**
 * Cluster mode: sends an action, or HTTP-ingest observations, to the node holding a site
 * (docs/architecture.md "Several nodes"). The holder is looked up in the lease table (the valid
 * lease's holder and the NODE_URL its heartbeat recorded) at every request, never cached: leases
 * move. The request is signed with NODE_SECRET (services/node-signature.ts) and answered by the
 * holder's http/internal.router.ts, which applies it as its own public route would; the holder's
 * answer, or its refusal as the same error, is what the caller gets.
 *
 * A holder that answers NOT_HELD gave the site up between the lookup and the request: the holder
 * is looked up again and the request sent once more. A site with no holder, or whose holder cannot
 * be reached (it died and its lease has not run out yet), is refused with NO_HOLDER (503: try again
 * in a few seconds, once a node has taken the site).
 */
import { ALARM_ERROR_CODES, type AlarmErrorCode, type IngestResult } from '../../../contract/index.ts';
import { AlarmActionError } from '../domain/alarm/index.ts';
import { HTTP_ERROR_CODES, HttpError, type HttpErrorCode } from '../errors.ts';
import type { Actor } from '../services/alarm.operations.ts';
import type { Scheduler } from '../services/clock.ts';
import type { IngestForwarder } from '../services/cluster-ingest.ts';
import { signRequest } from '../services/node-signature.ts';
import { retry } from '../services/retry.ts';
import { SiteUnavailableError, type HolderAnswer, type HolderForwarder, type HolderRequest } from '../services/site-alarms.ports.ts';

/** Where a site's holder is: PostgresLeaseStore.holderOf. */
export interface HolderDirectory {
  holderOf(site: string): Promise<{ node: string; url: string | null } | undefined>;
}

export interface NodeForwarderOptions {
  /** This node's id (NODE_ID), named in the signature. */
  node: string;
  /** NODE_SECRET. */
  secret: string;
  directory: HolderDirectory;
  scheduler: Scheduler;
  /** How long to wait for a holder's answer (default 10 s); then the holder counts as unreachable. */
  timeoutMs?: number;
  /** Before the second attempt after NOT_HELD (default 250 ms): time for the lease table to show the new holder. */
  relookMs?: number;
  /** A holder that could not be reached or answered what it should not: for the log. */
  onError?: (err: unknown, site: string, holder: string) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RELOOK_MS = 250;

interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

export class NodeForwarder implements HolderForwarder, IngestForwarder {
  constructor(private readonly options: NodeForwarderOptions) {}

  async forward<R extends HolderRequest>(site: string, request: R, actor: Actor): Promise<HolderAnswer<R>> {
    // Only what the engine and the audit trail take from an actor: a signed-in request's actor is
    // the whole session user (display name, flags), which the holder's schema refuses.
    const body = await this.send<{ result: HolderAnswer<R> }>(site, 'act', { request, actor: { username: actor.username, role: actor.role } });
    return body.result;
  }

  forwardIngest(site: string, items: unknown[], keyId: string | undefined): Promise<IngestResult> {
    return this.send<IngestResult>(site, 'ingest', keyId === undefined ? { items } : { items, keyId });
  }

  private async send<T>(site: string, what: 'act' | 'ingest', payload: unknown): Promise<T> {
    const path = `/api/internal/sites/${encodeURIComponent(site)}/${what}`;
    const body = JSON.stringify(payload);
    const relook = this.options.relookMs ?? DEFAULT_RELOOK_MS;
    try {
      return await retry(() => this.attempt<T>(site, path, body), {
        timers: this.options.scheduler,
        backoff: { initialMs: relook, maxMs: relook },
        maxAttempts: 2,
        shouldRetry: (err) => err instanceof SiteUnavailableError && err.code === 'NOT_HELD',
      });
    } catch (err) {
      // Still not where the table said, twice: the site is changing hands; the person tries again.
      if (err instanceof SiteUnavailableError && err.code === 'NOT_HELD') throw new SiteUnavailableError('NO_HOLDER', site);
      throw err;
    }
  }

  private async attempt<T>(site: string, path: string, body: string): Promise<T> {
    const holder = await this.options.directory.holderOf(site);
    if (holder === undefined) throw new SiteUnavailableError('NO_HOLDER', site);
    if (holder.url === null) {
      this.options.onError?.(new Error(`node ${holder.node} holds site ${site} but recorded no NODE_URL`), site, holder.node);
      throw new SiteUnavailableError('NO_HOLDER', site);
    }
    const url = new URL(path, holder.url);
    const headers = signRequest(this.options.secret, this.options.node, this.options.scheduler, { method: 'POST', path: url.pathname, body });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      // Down, or too slow: to the person as to a device, "no node runs this site right now".
      this.options.onError?.(err, site, holder.node);
      throw new SiteUnavailableError('NO_HOLDER', site);
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    throw this.refusal(site, holder.node, res.status, text);
  }

  /** The holder's error answer as the error the caller would have had on the holder itself. */
  private refusal(site: string, holder: string, status: number, text: string): Error {
    let error: ApiErrorBody['error'];
    try {
      error = (JSON.parse(text) as ApiErrorBody).error;
    } catch {
      error = undefined;
    }
    const code = typeof error?.code === 'string' ? error.code : '';
    const message = typeof error?.message === 'string' ? error.message : `node ${holder} answered ${status}`;
    if (code === 'NOT_HELD' || code === 'NO_HOLDER') return new SiteUnavailableError(code, site);
    if ((ALARM_ERROR_CODES as readonly string[]).includes(code)) return new AlarmActionError(code as AlarmErrorCode, message);
    // The holder's own refusals of the request (a bad body): the caller's, unless the nodes
    // disagree on each other's credentials, which is this cluster's fault and answered 500.
    if ((HTTP_ERROR_CODES as readonly string[]).includes(code) && code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN')
      return new HttpError(code as HttpErrorCode, message, error?.details);
    const err = new Error(`node ${holder} (holder of site ${site}) answered ${status} ${code}: ${message}`);
    this.options.onError?.(err, site, holder);
    return err;
  }
}
