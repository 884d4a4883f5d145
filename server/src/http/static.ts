/**
 * The built dashboard (client/dist), served for a console on a slow site link: the build writes a
 * brotli (`.br`) and a gzip (`.gz`) copy next to each text file (client/vite.config.ts),
 * and a request whose Accept-Encoding allows one gets that copy instead of
 * compressing on every request. Files under assets/ carry a content hash in their name, so a
 * browser may keep them a year without asking again; index.html names the current hashes, so it is
 * revalidated on every load (`no-cache`), which is what lets a new build reach every console.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
/** Unhashed files other than index.html (none today): an hour, as before hashed names existed. */
const SHORT = 'public, max-age=3600';

const VARIANTS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof VARIANTS)[number]['encoding'];

/** Cache-Control for a file, by its path relative to the dist directory (forward slashes). */
export function cacheControlFor(relPath: string): string {
  if (relPath.startsWith('assets/')) return IMMUTABLE;
  if (relPath === 'index.html') return REVALIDATE;
  return SHORT;
}

/**
 * The encodings a request accepts among those we store, best first: brotli before gzip at equal
 * quality (smaller), whatever order the browser lists them in; `;q=0` refuses one; `*` stands for
 * any not named.
 */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  if (!header) return [];
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    let quality = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) quality = Number(m[1]);
    }
    if (Number.isFinite(quality)) q.set(token, quality);
  }
  const qualityOf = (e: Encoding): number => q.get(e) ?? q.get('*') ?? 0;
  return VARIANTS.map((v) => v.encoding)
    .filter((e) => qualityOf(e) > 0)
    .sort((a, b) => qualityOf(b) - qualityOf(a));
}

function isFile(file: string): Promise<boolean> {
  return fs.promises.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Sends `relPath` from `dist`, the precompressed copy when the request accepts one and it exists,
 * else the file itself; calls `next()` when the file does not exist.
 */
async function sendNegotiated(dist: string, relPath: string, req: express.Request, res: express.Response, next: express.NextFunction): Promise<void> {
  const file = path.resolve(dist, relPath);
  // A path that leaves dist (an encoded `..`) is not ours to serve.
  if (!file.startsWith(dist + path.sep) || !(await isFile(file))) return next();
  res.vary('Accept-Encoding');
  for (const encoding of acceptedEncodings(req.get('accept-encoding'))) {
    const variant = VARIANTS.find((v) => v.encoding === encoding)!;
    if (!(await isFile(file + variant.suffix))) continue;
    // The type of the original, not of `.br`; no ranges: a range of a compressed body helps nobody here.
    res.type(path.extname(file));
    res.sendFile(
      file + variant.suffix,
      {
        headers: { 'Content-Encoding': encoding, 'Cache-Control': cacheControlFor(relPath) },
        cacheControl: false,
        acceptRanges: false,
        dotfiles: 'deny',
      },
      (err) => err && next(err),
    );
    return;
  }
  res.sendFile(file, { headers: { 'Cache-Control': cacheControlFor(relPath) }, cacheControl: false, dotfiles: 'deny' }, (err) => err && next(err));
}

/** The dashboard's files, then index.html for every other page path (the client routes it). */
export function clientStatic(dist: string): RequestHandler[] {
  const root = path.resolve(dist);
  const files: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let rel: string;
    try {
      rel = decodeURIComponent(req.path).replace(/^\/+/, '');
    } catch {
      return next();
    }
    if (rel === '' || rel.endsWith('/')) return next();
    sendNegotiated(root, rel, req, res, next).catch(next);
  };
  const page: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // A missing hashed file (an old page asking for a build that is gone) is a 404, not the page.
    if (/^\/(api\/|assets\/|metrics$|socket\.io\/)/.test(req.path)) return next();
    sendNegotiated(root, 'index.html', req, res, next).catch(next);
  };
  return [files, page];
}
