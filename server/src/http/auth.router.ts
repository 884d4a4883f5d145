/**
 * Signing in and out: `POST /api/auth/login`, `POST /api/auth/logout`,
 * `GET /api/auth/me`, `POST /api/auth/password`, and `GET /api/auth/config` for the login screen.
 */
import { Router, type Request, type Response } from 'express';
import {
  DEMO_ACCOUNTS,
  SESSION_COOKIE,
  loginBodySchema,
  passwordChangeBodySchema,
  type AuthConfigResponse,
  type SessionInfo,
} from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
import type { AuthService, ClientMeta } from '../services/auth.service.ts';
import { currentSession } from './auth.middleware.ts';
import { jsonBody as parsedJson, parseBody } from './parse.ts';

/** Auth and admin bodies are small; anything bigger is refused before parsing (413). */
export const AUTH_BODY_LIMIT = '16kb';

export const jsonBody = parsedJson(AUTH_BODY_LIMIT);

export function clientMeta(req: Request): ClientMeta {
  return { address: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: String(req.get('user-agent') ?? '') };
}

function cookieOptions(req: Request) {
  // Secure when the request came over TLS (directly, or through a trusted proxy: app 'trust proxy').
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: req.secure };
}

function noStore(res: Response): void {
  res.set('cache-control', 'no-store');
}

export function authRouter(auth: AuthService, options: { demo: boolean }): Router {
  const router = Router();

  router.get('/api/auth/config', (_req, res) => {
    const body: AuthConfigResponse = options.demo
      ? { demo: true, demoAccounts: DEMO_ACCOUNTS.map(({ username, password, role }) => ({ username, password, role })) }
      : { demo: false };
    res.json(body);
  });

  router.post('/api/auth/login', jsonBody, async (req, res) => {
    const body = parseBody(loginBodySchema, req.body);
    const { token, info } = await auth.login(body.username, body.password, clientMeta(req));
    noStore(res);
    res.cookie(SESSION_COOKIE, token, cookieOptions(req));
    const answer: SessionInfo = info;
    res.json(answer);
  });

  router.post('/api/auth/logout', async (req, res) => {
    const session = currentSession(res);
    if (session) await auth.logout(session);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  router.get('/api/auth/me', (_req, res) => {
    const session = currentSession(res);
    if (!session) throw new HttpError('UNAUTHENTICATED', 'no session: sign in');
    noStore(res);
    const answer: SessionInfo = auth.info(session);
    res.json(answer);
  });

  router.post('/api/auth/password', jsonBody, async (req, res) => {
    const session = currentSession(res);
    if (!session) throw new HttpError('UNAUTHENTICATED', 'no session: sign in');
    const body = parseBody(passwordChangeBodySchema, req.body);
    await auth.changePassword(session, body.current, body.next, clientMeta(req));
    res.status(204).end();
  });
  return router;
}
