/**
 * The one place a failure becomes an HTTP answer `{ error: { code, message, details? } }`
 * (contract/api.ts `ApiError`). Routers only throw: Express 5 hands a synchronous throw, and the
 * rejection of a promise an async handler returns, to this middleware, so no router catches,
 * wraps or translates errors itself.
 *
 * A refusal (domain, service or the HTTP layer's own) carries a stable `code`; STATUS_OF maps each
 * code to its status, and the type system makes it list every code there is. Anything else is a
 * bug or a dependency down: 500 with a generic body (the message may name files, hosts or SQL),
 * and the error goes to the log instead.
 */
import type { ErrorRequestHandler } from 'express';
import type { ApiError } from '../../../contract/index.ts';
import { AlarmActionError } from '../domain/alarm/index.ts';
import { HandoverError } from '../domain/handover/index.ts';
import { HttpError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { AuthError } from '../services/auth.errors.ts';
import { DrillError } from '../services/drill.service.ts';
import { ActionError } from '../services/action.service.ts';
import { SiteUnavailableError } from '../services/site-alarms.ports.ts';
import { StoreUnavailableError } from '../services/store.errors.ts';

/** Every error class whose `code` the client may act on. A new one goes here, and its codes into STATUS_OF. */
const REFUSALS = [HttpError, AlarmActionError, AuthError, DrillError, HandoverError, ActionError, SiteUnavailableError, StoreUnavailableError] as const;
type Refusal = InstanceType<(typeof REFUSALS)[number]>;

/** The codes of the refusals above. */
export type DomainErrorCode = Refusal['code'];
/** The body parser's refusals, and the catch-all for everything unknown. */
type TransportErrorCode = 'PAYLOAD_TOO_LARGE' | 'BAD_JSON' | 'INTERNAL';
export type ErrorCode = DomainErrorCode | TransportErrorCode;

/**
 * A code means the same thing whichever layer raises it (NOT_FOUND from the alarm engine, the
 * drill service or an unknown route), so it has one status; a refusal that needs another status
 * needs another code. Statuses as documented in contract/alarm-actions.ts, contract/auth.ts and
 * docs/contracts.md.
 */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // The alarm engine: not allowed in the alarm's state (409), or a bad request (400).
  INVALID_TRANSITION: 409,
  CONDITION_ACTIVE: 409,
  SHELVE_TOO_LONG: 400,
  REASON_REQUIRED: 400,
  // Signing in, accounts, device credentials.
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  WRONG_PASSWORD: 403,
  USER_EXISTS: 409,
  LAST_ADMIN: 409,
  ALREADY_EXISTS: 409,
  ACCOUNT_LOCKED: 423,
  // Drills.
  UNKNOWN_SCENARIO: 400,
  SPEED_NOT_ALLOWED: 400,
  SCENARIO_UNFIT: 422,
  CONFLICT: 409,
  // Shift handover: a shelved alarm without a decision; the officer who handed over accepting.
  SHELVED_UNDECIDED: 409,
  SAME_OFFICER: 403,
  // Several nodes: no node runs the site right now (try again once one takes it, within seconds);
  // a node asked to act for a site it no longer runs (the sender looks for the holder again).
  NO_HOLDER: 503,
  NOT_HELD: 409,
  // The database did not answer in time or cannot be reached (try again once it does).
  STORE_UNAVAILABLE: 503,
  PAYLOAD_TOO_LARGE: 413,
  BAD_JSON: 400,
  INTERNAL: 500,
};

interface Answer {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** Seconds, for a Retry-After header. */
  retryAfterS?: number;
}

const INTERNAL: Answer = { status: STATUS_OF.INTERNAL, code: 'INTERNAL', message: 'internal error' };

const isRefusal = (err: unknown): err is Refusal => REFUSALS.some((K) => err instanceof K);

/** What of a refusal the client gets besides code and message. */
function extras(err: Refusal): Pick<Answer, 'details' | 'retryAfterS'> {
  if (err instanceof HttpError || err instanceof HandoverError) return err.details === undefined ? {} : { details: err.details };
  if (err instanceof AuthError) {
    const d = err.details;
    return {
      ...(d?.lockedUntil !== undefined && { details: { lockedUntil: d.lockedUntil } }),
      ...(d?.retryAfterS !== undefined && { retryAfterS: d.retryAfterS }),
    };
  }
  // The health poll notices the store answering again within seconds.
  if (err instanceof StoreUnavailableError) return { retryAfterS: 5 };
  return {};
}

/** The answer to `err`, or undefined when it is none of ours (answered 500 and logged). */
export function answerOf(err: unknown): Answer | undefined {
  if (isRefusal(err)) {
    // A code outside the table can only come from a cast; it is a bug, not a refusal.
    if (!Object.hasOwn(STATUS_OF, err.code)) return undefined;
    return { status: STATUS_OF[err.code], code: err.code, message: err.message, ...extras(err) };
  }
  // The body parser (express.json) marks its errors with a `type` and an http-errors status.
  const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.type === 'entity.too.large')
    return { status: STATUS_OF.PAYLOAD_TOO_LARGE, code: 'PAYLOAD_TOO_LARGE', message: `body larger than the limit: ${message}` };
  if (e.type === 'entity.parse.failed') return { status: STATUS_OF.BAD_JSON, code: 'BAD_JSON', message: `body is not valid JSON: ${message}` };
  if (e.type === 'entity.too.deep') return { status: STATUS_OF.BAD_JSON, code: 'BAD_JSON', message: `body refused: ${message}` };
  // Other client errors from Express or the body parser (415 charset, 400 aborted, …) keep their status.
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: message || 'bad request' };
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const known = answerOf(err);
    if (!known) logger.error({ err, url: req.originalUrl }, 'request failed');
    // Part of the answer is out: only Express's own handler can end it (it closes the connection).
    if (res.headersSent) return next(err);
    const a = known ?? INTERNAL;
    if (a.retryAfterS !== undefined) res.set('retry-after', String(Math.max(1, Math.ceil(a.retryAfterS))));
    const body: ApiError = { error: a.details === undefined ? { code: a.code, message: a.message } : { code: a.code, message: a.message, details: a.details } };
    res.status(a.status).json(body);
  };
}
