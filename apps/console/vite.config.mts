import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The console: a static SPA the gateway serves at `/` (apps/gateway/src/console). No plugin is needed: Vite's own
 * transform handles TSX with React's automatic runtime. `npm run build:console` (scripts/build-console.js) runs
 * this build, precompresses it and checks the initial-JS budget.
 */
const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: resolve(here, 'public'),
  oxc: { jsx: { runtime: 'automatic' } },
  // The one API client, shared with the CLI (libs/api-client), by the same alias as everywhere else.
  resolve: { alias: { '@app/api-client': resolve(here, '../../libs/api-client/src/index.ts') } },
  build: {
    outDir: resolve(here, '../../dist/console'),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    // No inline <script>/<style> and no data: URLs in the page: the gateway's CSP allows neither.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run console:dev`: the UI from Vite, the API from a gateway on :8000.
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: [resolve(here, 'src/test-setup.ts')],
  },
});
