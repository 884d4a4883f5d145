/**
 * Security headers for every answer: helmet, with a Content-Security-Policy that lets the
 * dashboard load only from its own origin. Recharts sets inline `style` attributes, hence
 * `style-src 'unsafe-inline'` (styles only: scripts stay `'self'`). Socket.IO needs `ws:`/`wss:`
 * in connect-src (a bare `'self'` does not cover WebSocket URLs everywhere).
 *
 * Below, the cross-site request checks: which origins may change state (requestGuard) or open a
 * live connection (handshakeOriginCheck), and which body types a JSON route refuses.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors.ts';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Not `upgrade-insecure-requests`: a plain-HTTP control-room LAN deployment would break.
      },
    },
    // Served on plain HTTP inside a facility as often as behind TLS: HSTS only via a TLS proxy.
    strictTransportSecurity: false,
  });
}

/**
 * Which browser origins may change state or open a live connection: the session cookie is
 * SameSite=Strict, but "same site" still includes every other port of this host and every sibling
 * subdomain, so a page there could act as the signed-in officer. The allowed origins are
 * PUBLIC_URL's, or (unset) the addresses the server listens on.
 */
export interface OriginPolicy {
  allows(origin: string): boolean;
  /** The allowed origins, for the start banner and error messages. */
  origins(): string[];
}

/** `configured` (PUBLIC_URL's origins) when given, else http://<address>:<port> for `listening()`'s addresses. */
export function originPolicy(configured: readonly string[], listening: () => { hosts: string[]; port: number } | null): OriginPolicy {
  const fixed = configured.length > 0 ? new Set(configured) : null;
  let cached: { key: string; set: Set<string> } | null = null;
  const current = (): Set<string> => {
    if (fixed) return fixed;
    const l = listening();
    if (!l) return new Set();
    const key = `${l.port}|${l.hosts.join(',')}`;
    if (cached?.key !== key) cached = { key, set: new Set(l.hosts.map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${l.port}`)) };
    return cached.set;
  };
  return { allows: (origin) => current().has(origin), origins: () => [...current()] };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The body types a cross-origin form (or a no-preflight fetch) can send; no JSON route reads them. */
const FORM_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/** The origin a request names: `Origin`, else the origin of `Referer`; undefined when neither (or `Referer` is not a URL). */
export function requestOrigin(headers: { origin?: string | undefined; referer?: string | undefined }): string | undefined {
  if (headers.origin !== undefined) return headers.origin;
  if (headers.referer === undefined) return undefined;
  try {
    return new URL(headers.referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery: a state-changing request (POST/PUT/PATCH/DELETE) that names a
 * foreign origin (`Origin`, else `Referer`) is refused (403 FORBIDDEN), and so is one that carries
 * the session cookie and names no origin at all: every current browser sends `Origin` on such
 * requests, so only a non-browser client omits it, and it can send the header too. Requests
 * without the cookie and without either header (bearer-key ingest, a device, `curl` signing in)
 * pass. On /api, a form-style body (text/plain, urlencoded, multipart) is refused with 415: every
 * route reads JSON, and those are the types a foreign page can post without a preflight.
 */
export function requestGuard(policy: OriginPolicy, sessionCookie: string): RequestHandler {
  return (req, _res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const origin = requestOrigin(req.headers);
    if (origin !== undefined) {
      if (!policy.allows(origin)) return next(new HttpError('FORBIDDEN', `cross-origin request refused: ${origin} is not an allowed origin (PUBLIC_URL)`));
    } else if (hasCookie(req.headers.cookie, sessionCookie)) {
      return next(new HttpError('FORBIDDEN', 'a signed-in request must name its origin (Origin or Referer header)'));
    }
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== undefined && FORM_TYPES.has(type) && req.path.startsWith('/api/'))
      return next(new HttpError('UNSUPPORTED_MEDIA_TYPE', `content-type ${type} is not accepted: send application/json`));
    next();
  };
}

const hasCookie = (header: string | undefined, name: string): boolean =>
  header !== undefined && header.split(';').some((part) => part.trim().startsWith(`${name}=`));

/**
 * Socket.IO's `allowRequest`: a handshake that names a foreign `Origin` is refused. Browsers always
 * send `Origin` on a cross-origin WebSocket or XHR; a handshake without one is a non-browser client
 * (which still needs a session: auth.middleware.ts `socketAuth`).
 */
export function handshakeOriginCheck(
  policy: OriginPolicy,
): (req: { headers: { origin?: string | undefined } }, callback: (err: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !policy.allows(origin)) return callback(`origin ${origin} is not allowed`, false);
    callback(null, true);
  };
}
