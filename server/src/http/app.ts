/** The Express application: API routers (floor plans too: facility.router.ts), metrics, the built dashboard, one error middleware (errors.middleware.ts). */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import type { Registry as PromRegistry } from 'prom-client';
import { HttpError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { errorMiddleware } from './errors.middleware.ts';
import { clientStatic } from './static.ts';

export interface AppParts {
  /** Run first on every request: security headers, the session. */
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
  app.use('/api', (req, _res, next) => next(new HttpError('NOT_FOUND', `no route ${req.method} ${req.originalUrl}`)));

  if (fs.existsSync(path.join(p.clientDist, 'index.html'))) {
    // Precompressed copies, hashed assets cached for a year, index.html revalidated: static.ts.
    app.use(...clientStatic(p.clientDist));
  } else {
    app.get('/', (_req, res) => res.type('text').send('Vigil is running. The dashboard is not built: run `npm run build`.'));
  }

  app.use(errorMiddleware(p.logger));
  return app;
}
