#!/usr/bin/env node
// Builds the web console (apps/console) into dist/console for the gateway to serve, then checks its budget.
//
// - Cached by content: the inputs (the console's sources, the API client, the lockfile, this script) are hashed and
//   the finished build kept under node_modules/.cache/console-build/<hash>, so `npm run build` (which empties dist/)
//   copies it back in a moment when nothing the console is made of changed, and the backend build stays fast.
// - Precompressed: every asset gets .br and .gz twins, served by @fastify/static to clients that accept them.
// - Budget: the entry chunk and everything it imports statically (what a browser must load before the first
//   render) at most BUDGET_BYTES gzipped; over it the build fails. Lazy routes are not counted.
// CommonJS and plain JavaScript so that it runs before anything is compiled.
'use strict';
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const APP = path.join(ROOT, 'apps/console');
const OUT = path.join(ROOT, 'dist/console');
const CACHE = path.join(ROOT, 'node_modules/.cache/console-build');
const BUDGET_BYTES = 300 * 1000;
const INPUTS = [APP, path.join(ROOT, 'libs/api-client'), path.join(ROOT, 'package-lock.json'), __filename];

function filesUnder(p) {
  if (!fs.existsSync(p)) return [];
  const stat = fs.statSync(p);
  if (stat.isFile()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && e.name !== 'dist')
    .flatMap((e) => filesUnder(path.join(p, e.name)))
    .sort();
}

function inputHash() {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(filesUnder)) h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

function precompress(dir) {
  for (const f of filesUnder(dir)) {
    if (!/\.(js|css|html|svg|json|txt)$/.test(f)) continue;
    const body = fs.readFileSync(f);
    if (body.length < 1024) continue;
    fs.writeFileSync(`${f}.gz`, zlib.gzipSync(body, { level: 9 }));
    fs.writeFileSync(`${f}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

/** The entry's JS and its static imports, transitively (Vite's manifest), with their gzipped sizes. */
function initialJs(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entry) throw new Error('the console build has no entry chunk');
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key].imports ?? []) walk(i);
  };
  walk(entry);
  const files = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
  const sizes = files.map((f) => {
    const body = fs.readFileSync(path.join(dir, f));
    return { file: f, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
  const css = [...seen].flatMap((k) => manifest[k].css ?? []);
  const cssGzip = [...new Set(css)].reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
  return { entry, sizes, total: sizes.reduce((n, s) => n + s.gzip, 0), cssGzip };
}

function build(target) {
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(APP, 'vite.config.mts'), '--outDir', tmp, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  // The manifest is for this script, not for browsers.
  fs.renameSync(path.join(tmp, '.vite/manifest.json'), path.join(tmp, 'manifest.json'));
  fs.rmSync(path.join(tmp, '.vite'), { recursive: true, force: true });
  precompress(tmp);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
}

function main() {
  const hash = inputHash();
  const cached = path.join(CACHE, hash);
  const started = Date.now();
  if (!fs.existsSync(path.join(cached, 'index.html')) || process.argv.includes('--force')) {
    fs.mkdirSync(CACHE, { recursive: true });
    build(cached);
    // Keep the last few builds only.
    const old = fs.readdirSync(CACHE).map((n) => ({ n, t: fs.statSync(path.join(CACHE, n)).mtimeMs })).sort((a, b) => b.t - a.t).slice(4);
    for (const o of old) fs.rmSync(path.join(CACHE, o.n), { recursive: true, force: true });
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.cpSync(cached, OUT, { recursive: true, filter: (src) => path.basename(src) !== 'manifest.json' });
  const report = initialJs(cached);
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  const verdict = report.total <= BUDGET_BYTES ? 'within' : 'OVER';
  console.log(`console: dist/console (${hash}, ${Date.now() - started} ms); initial JS ${kb(report.total)} gzipped (${report.sizes.length} files), ${verdict} the budget of ${kb(BUDGET_BYTES)}; initial CSS ${kb(report.cssGzip)} gzipped`);
  if (process.argv.includes('--report')) for (const s of report.sizes) console.log(`  ${s.file}: ${kb(s.raw)} raw, ${kb(s.gzip)} gzipped`);
  if (report.total > BUDGET_BYTES) {
    for (const s of report.sizes) console.error(`  ${s.file}: ${kb(s.gzip)} gzipped`);
    console.error(`console: the initial JavaScript is over budget: ${kb(report.total)} > ${kb(BUDGET_BYTES)} gzipped. Lazy-load a route or drop a dependency.`);
    process.exit(1);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`console build failed: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { initialJs, BUDGET_BYTES };
