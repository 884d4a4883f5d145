import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { defineConfig, type ProxyOptions } from 'vite';

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

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A wall display runs a current Chromium/Firefox; no legacy transpilation needed.
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // The client imports ../contract (types only at runtime); allow serving it.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: server, configure: fromVigilsOrigin },
      '/plans': server,
      '/socket.io': { target: server, ws: true, configure: fromVigilsOrigin },
    },
  },
});
