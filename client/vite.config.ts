import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// The server's HTTP port in development (server/src/config.ts: PORT, default 8080).
const server = process.env.VIGIL_DEV_SERVER ?? 'http://127.0.0.1:8080';

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
      '/api': server,
      '/plans': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
