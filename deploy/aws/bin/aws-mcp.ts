#!/usr/bin/env node
// The CDK app. `npx aws-cdk@2 synth|deploy` in this folder runs it through cdk.json; `npm run cdk:synth -- -c key=value`
// runs it without the CLI (same context file, same cdk.out). See docs/deployment.md, "AWS".
import { existsSync, readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { HubSettingsError } from '../lib/settings';

/** `-c key=value` / `--context key=value` pairs, as the CDK CLI takes them. */
function contextArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '-c' && argv[i] !== '--context') continue;
    const [key, ...rest] = (argv[++i] ?? '').split('=');
    if (!key || rest.length === 0) throw new HubSettingsError(`Invalid context: ${argv[i] ?? '(missing)'}: expected key=value`);
    out[key] = rest.join('=');
  }
  return out;
}

try {
  // Under the CLI, the context (cdk.json's included) arrives in CDK_CONTEXT_JSON and the output folder in CDK_OUTDIR.
  const fromFile = !process.env.CDK_CONTEXT_JSON && existsSync('cdk.json') ? ((JSON.parse(readFileSync('cdk.json', 'utf8')) as { context?: Record<string, unknown> }).context ?? {}) : {};
  const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out', context: { ...fromFile, ...contextArgs(process.argv.slice(2)) } });
  buildApp(app);
  app.synth();
} catch (e) {
  if (!(e instanceof HubSettingsError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(78);
}
