import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The console: a static SPA the gateway serves at `/` (apps/gateway/src/console). No plugin is needed: Vite's own
 * transform handles TSX with React's automatic runtime. `npm run build:console` (scripts/build-console.js) runs
 * this build, precompresses it and checks the initial-JS budget.
 */
const here = dirname(fileURLToPath(import.meta.url));
const OPENAPI = resolve(here, '../../libs/api-client/openapi.json');

/**
 * `virtual:minimum-roles`: `METHOD /path` → the operation's `x-minimum-role` (or 'public'), from the OpenAPI
 * document the API client is generated from. A few hundred bytes in the bundle instead of the whole document.
 */
function minimumRoles(): Plugin {
  const id = 'virtual:minimum-roles';
  return {
    name: 'minimum-roles',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      this.addWatchFile(OPENAPI);
      const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, { 'x-minimum-role'?: string; 'x-public'?: boolean }>> };
      const roles: Record<string, string> = {};
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const role = op['x-public'] ? 'public' : op['x-minimum-role'];
          if (role) roles[`${method.toUpperCase()} ${path}`] = role;
        }
      }
      return `export default ${JSON.stringify(roles)};`;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: resolve(here, 'public'),
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [minimumRoles()],
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
    rollupOptions: {
      // Libraries mark their modules "use client" for React Server Components; a SPA has nothing to keep there.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
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
