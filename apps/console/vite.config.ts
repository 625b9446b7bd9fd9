import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TOLLGATE_API ?? 'http://localhost:3000';

/** Paths the API owns; in dev they are forwarded so the console stays same-origin, as in production. */
const apiPaths = ['/oauth', '/admin', '/.well-known', '/healthz', '/metrics'];

export default defineConfig({
  // Pinned so the config works from the repository root too (vitest projects, --config).
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The API serves the built console at /console/, falling back to index.html for client routes.
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist' },
  server: {
    port: 5173,
    proxy: Object.fromEntries(apiPaths.map((path) => [path, api])),
  },
});
