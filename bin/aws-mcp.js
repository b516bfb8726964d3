#!/usr/bin/env node
// The `aws-mcp` command of this package (`npx aws-mcp …` in a clone). It runs the built CLI from dist/ and
// builds it first when it is missing or older than its sources, so that a fresh clone after `npm install`, or one
// after `git pull`, just works. The build is the CLI and the API client only (swc, under a second); the rest of
// dist/ is left alone.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/cli/src/main.js');
const sources = ['apps/cli/src', 'libs/api-client/src'].map((d) => join(root, d));

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(entry)) return true;
  if (!sources.every(existsSync)) return false; // an installed copy without sources: dist is all there is
  const built = statSync(entry).mtimeMs;
  return sources.some((d) => newestSource(d) > built);
}

if (stale()) {
  const swc = join(root, 'node_modules/.bin/swc');
  if (!existsSync(swc)) {
    process.stderr.write('aws-mcp: the CLI is not built and the build tools are missing: run `npm install` (or `npm run build`) in ' + root + '\n');
    process.exit(1);
  }
  process.stderr.write('aws-mcp: building the CLI…\n');
  const r = spawnSync(swc, ['apps/cli/src', 'libs/api-client/src', '-d', 'dist', '--config-file', '.swcrc', '-q'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(1);
}
require(entry).main(process.argv.slice(2));
