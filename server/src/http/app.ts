/** The Express application: API routers (floor plans too: facility.router.ts), metrics, the built dashboard, one error handler. */
import fs from 'node:fs';
import path from 'node:path';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Registry as PromRegistry } from 'prom-client';
import type { ApiError } from '../../../contract/index.ts';
import { HttpError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface AppParts {
  /** Run first on every request: security headers, the session (issue 4). */
  middleware?: RequestHandler[];
  routers: Router[];
  metrics: PromRegistry;
  clientDist: string;
  logger: Logger;
}

export function createApp(p: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const m of p.middleware ?? []) app.use(m);

  app.get('/metrics', async (_req, res) => {
    res.set('content-type', p.metrics.contentType).send(await p.metrics.metrics());
  });
  for (const r of p.routers) app.use(r);
  app.use('/api', (req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.originalUrl}`)));

  if (fs.existsSync(path.join(p.clientDist, 'index.html'))) {
    app.use(express.static(p.clientDist, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|metrics$|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(p.clientDist, 'index.html')));
  } else {
    app.get('/', (_req, res) => res.type('text').send('Vigil is running. The dashboard is not built: run `npm run build`.'));
  }

  const handleError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    let status = 500;
    let code = 'INTERNAL';
    let message = 'internal error';
    let details: unknown;
    if (err instanceof HttpError) {
      ({ status, code, message, details } = err);
    } else if (e.type === 'entity.too.large') {
      status = 413;
      code = 'PAYLOAD_TOO_LARGE';
      message = `body larger than the limit: ${e.message ?? ''}`;
    } else if (e.type === 'entity.parse.failed') {
      status = 400;
      code = 'BAD_JSON';
      message = `body is not valid JSON: ${e.message ?? ''}`;
    } else if (typeof (e.status ?? e.statusCode) === 'number' && (e.status ?? e.statusCode)! < 500) {
      status = (e.status ?? e.statusCode)!;
      code = 'BAD_REQUEST';
      message = e.message ?? 'bad request';
    } else {
      p.logger.error({ err, url: req.originalUrl }, 'request failed');
    }
    const body: ApiError = { error: details === undefined ? { code, message } : { code, message, details } };
    res.status(status).json(body);
  };
  app.use(handleError);
  return app;
}
