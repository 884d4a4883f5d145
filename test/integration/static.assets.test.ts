// The dashboard's files through the real server, as a console on a slow site link fetches them:
// compressed (brotli when accepted, else gzip, else as they are), hashed files under assets/
// cached for a year without revalidation, index.html revalidated on every load so that a new
// build reaches every console. The dist directory is built here the way the Vite build writes it
// (precompressDir is the build's own plugin, client/vite.config.ts), so this does not depend on a client build.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../client/vite.config.ts';
import { startInflux, stopAllServices } from '../support/services.ts';
import { startVigil, type VigilHandle } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');
const ASSET = 'assets/index-B4dC0ffe.js';
// Text that compresses the way a real bundle does (repeated identifiers), well above the 1 KB floor.
const SCRIPT = Array.from({ length: 400 }, (_, i) => `export const sensor${i} = { id: "S-${i}", kind: "gas", zone: "Z-${i % 7}" };\n`).join('');
const INDEX = `<!doctype html><html><head><script type="module" src="/${ASSET}"></script></head><body><div id="root"></div>${'<!-- pad -->'.repeat(120)}</body></html>`;

let vigil: VigilHandle;
let dist = '';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The bytes on the wire: node's fetch would ask for and undo the compression by itself. */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(`${vigil.url}${pathname}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-static-dist-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dist, ASSET), SCRIPT);
  expect(
    precompressDir(dist)
      .map((f) => path.relative(dist, f))
      .sort(),
  ).toEqual([ASSET, 'index.html']);
  const influx = await startInflux();
  vigil = await startVigil({ influxUrl: influx.url, influxDb: 'vigil_static_assets_test', env: { FACILITY_FILE: FACILITY, CLIENT_DIST: dist } });
});

afterAll(async () => {
  await vigil?.stop();
  await stopAllServices();
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
});

describe('compressed by what the browser accepts', () => {
  it('sends brotli to a browser that lists it (Chromium lists gzip first: brotli still wins at equal quality)', async () => {
    const res = await get(`/${ASSET}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
  });

  it('sends gzip when brotli is refused or not listed', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip']) {
      const res = await get(`/${ASSET}`, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.body.length).toBeLessThan(SCRIPT.length / 4);
      expect(zlib.gunzipSync(res.body).toString()).toBe(SCRIPT);
    }
  });

  it('sends the file as it is to a client that accepts no compression', async () => {
    const res = await get(`/${ASSET}`);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(SCRIPT);
  });

  it('compresses the page itself, at / and at a client route', async () => {
    for (const pathname of ['/', '/log']) {
      const res = await get(pathname, { 'accept-encoding': 'br' });
      expect(res.status, pathname).toBe(200);
      expect(res.headers['content-type'], pathname).toMatch(/^text\/html/);
      expect(res.headers['content-encoding'], pathname).toBe('br');
      expect(zlib.brotliDecompressSync(res.body).toString()).toBe(INDEX);
    }
  });
});

describe('cache lifetimes', () => {
  it('lets a browser keep a hashed file a year without asking again', async () => {
    for (const accept of ['br', '']) {
      const res = await get(`/${ASSET}`, accept ? { 'accept-encoding': accept } : {});
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('has the page revalidated on every load, so a new build (new hashes) reaches every console', async () => {
    for (const pathname of ['/', '/index.html', '/log']) {
      const res = await get(pathname, { 'accept-encoding': 'gzip' });
      expect(res.headers['cache-control'], pathname).toBe('no-cache');
      expect(res.headers.etag, pathname).toBeTruthy();
    }
  });

  it('answers a missing hashed file with 404, not with the page cached for a year', async () => {
    const res = await get('/assets/index-Gone1234.js', { 'accept-encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers['cache-control'] ?? '').not.toContain('immutable');
  });

  it('serves nothing outside the dist directory', async () => {
    const res = await get('/assets/..%2f..%2fpackage.json');
    expect(res.body.toString()).not.toContain('"name": "vigil"');
  });
});
