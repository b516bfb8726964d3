#!/usr/bin/env node
// The CDK app: `npm run cdk:synth` (or `npx aws-cdk synth` in this folder, see cdk.json). docs/deployment.md, "AWS".
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { HubSettingsError } from '../lib/settings';

try {
  const app = new App();
  buildApp(app);
  app.synth();
} catch (e) {
  if (!(e instanceof HubSettingsError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(78);
}
