import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// The server's HTTP port in development (server/src/config.ts: PORT, default 8080).
const server = process.env.VIGIL_DEV_SERVER ?? 'http://127.0.0.1:8080';

/**
 * Vigil accepts state changes and live connections only from its own origin (cross-site request
 * forgery; server/src/http/security.ts). Pages of this dev server send its origin: a request from
 * one of them is passed on as coming from Vigil's; any other origin is passed on as it is, and refused.
 */
const fromVigilsOrigin: NonNullable<ProxyOptions['configure']> = (proxy) => {
  const vigilOrigin = new URL(server).origin;
  const rewrite = (proxyReq: ClientRequest, req: IncomingMessage): void => {
    if (req.headers.origin !== undefined && req.headers.origin === `http://${req.headers.host}`) proxyReq.setHeader('origin', vigilOrigin);
  };
  proxy.on('proxyReq', rewrite);
  proxy.on('proxyReqWs', rewrite);
};

/*
 * A brotli (`.br`) and a gzip (`.gz`) copy next to each text file of the build, at the highest
 * levels (once per build, not per request); the server sends the copy a browser accepts
 * (server/src/http/static.ts). A copy that would not be smaller is not written, so the server
 * falls back to the file itself.
 */
const TEXT = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
/** Below this a response fits a packet or two anyway; compressing it gains nothing. */
const MIN_BYTES = 1024;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Compresses every text file under `dir`; returns the files a copy was written for. */
export function precompressDir(dir: string): string[] {
  const done: string[] = [];
  for (const file of filesUnder(dir)) {
    if (!TEXT.test(file)) continue;
    const body = fs.readFileSync(file);
    if (body.length < MIN_BYTES) continue;
    const br = zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    const gz = zlib.gzipSync(body, { level: zlib.constants.Z_BEST_COMPRESSION });
    if (br.length < body.length) fs.writeFileSync(`${file}.br`, br);
    if (gz.length < body.length) fs.writeFileSync(`${file}.gz`, gz);
    done.push(file);
  }
  return done;
}

/** Brotli and gzip copies of the built files, sent by the server to browsers that accept them. */
const precompress: Plugin = {
  name: 'vigil-precompress',
  apply: 'build',
  writeBundle(options) {
    if (options.dir) precompressDir(options.dir);
  },
};

export default defineConfig({
  root,
  plugins: [react(), precompress],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A wall display runs a current Chromium/Firefox; no legacy transpilation needed.
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // The client imports ../contract (types, and values from its zod-free modules); allow serving it.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: server, configure: fromVigilsOrigin },
      '/plans': server,
      '/socket.io': { target: server, ws: true, configure: fromVigilsOrigin },
    },
  },
});
