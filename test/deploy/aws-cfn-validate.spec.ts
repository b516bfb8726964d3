/**
 * deploy/aws synthesises offline, the way `cdk synth` runs it (bin/aws-mcp.ts → buildApp), and every template passes
 * aws-cdk-lib's built-in CloudFormation validation (@aws/cloudformation-validate: resource schemas, intrinsic
 * functions, best-practice rules) with no finding at all: errors fail and so do warnings. Validation compiles a
 * WebAssembly engine, so it runs in this one spec; the others synthesise with CDK_VALIDATION=false.
 */
process.env.CDK_VALIDATION = 'true';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { buildApp, STACKS } from '../../deploy/aws/lib/app';

const STRICT = { '@aws-cdk/core:strictCfnValidateErrors': true, '@aws-cdk/core:validateAgainstDefaultRules': true };

/** Synthesises `build` into a fresh cloud assembly; with STRICT, any validation finding throws ValidationFailed. */
function synthesise(build: (app: App) => void) {
  const outdir = mkdtempSync(join(tmpdir(), 'aws-mcp-cdk-'));
  try {
    const app = new App({ outdir, context: STRICT });
    build(app);
    // Read the templates before the folder goes (the artifacts load them lazily).
    return app.synth().stacks.map((st) => ({ name: st.stackName, resources: Object.keys(st.template.Resources ?? {}).length }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('CloudFormation validation', () => {
  it('synthesises the hub, the member roles and the StackSet with no validation finding', () => {
    const stacks = synthesise((app) => buildApp(app));
    expect(stacks.map((st) => st.name).sort()).toEqual(Object.values(STACKS).sort());
    expect(stacks.every((st) => st.resources > 0)).toBe(true);
  });

  it('fails synthesis on a template CloudFormation would reject', () => {
    const broken = (app: App) => new CfnResource(new Stack(app, 'Broken'), 'Logs', { type: 'AWS::Logs::LogGroup', properties: { RetentionInDays: 2 } });
    expect(() => synthesise(broken)).toThrow(/RetentionInDays: 2 is not one of/);
  });
});
