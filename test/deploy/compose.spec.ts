/**
 * docker-compose.yml: valid against the Compose Specification JSON schema (the copy shipped by dclint), and shaped
 * the way docs/deployment.md describes (healthy dependencies, one image, gateway on 8000, profile local-aws).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigSchema, loadConfig } from '@app/config';
import {
  APPS,
  composeSchemaErrors,
  composeViolations,
  interpolateCompose,
  knownMcpEnvNames,
  parseComposeYaml,
  REPO_ROOT,
  unknownMcpEnvNames,
} from './deploy-validation';

const text = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('docker-compose.yml', () => {
  const doc = parseComposeYaml(text);

  it('is valid against the Compose Specification schema', () => {
    expect(composeSchemaErrors(doc)).toEqual([]);
  });

  it('has the agreed structure', () => {
    expect(composeViolations(doc)).toEqual([]);
  });

  it('uses only variables that are documented, and never defaults the encryption key', () => {
    const vars = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...vars].sort()).toEqual(['AWS_REGION', 'MCP_AUTH_JWT_SECRET', 'MCP_IMAGE', 'MCP_LOGGING_FORMAT', 'MCP_LOGGING_LEVEL', 'MCP_SECURITY_ENCRYPTION_KEY', 'POSTGRES_PASSWORD']);
    expect(text).not.toMatch(/MCP_SECURITY_ENCRYPTION_KEY:-/);
  });

  it.each(APPS)('gives %s an environment the apps accept (after interpolation, as compose would)', (app) => {
    const shell = { MCP_SECURITY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), MCP_AUTH_JWT_SECRET: 'j'.repeat(48) };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries<unknown>(doc.services[app].environment)) if (v !== null) env[k] = interpolateCompose(String(v), shell);
    expect(unknownMcpEnvNames(Object.keys(env), knownMcpEnvNames(ConfigSchema))).toEqual([]);
    const config = loadConfig({ argv: [], env });
    expect(config.server.port).toBe(8000);
    expect(config.database.url).toMatch(/@postgres:5432\//);
    expect(config.nats.url).toBe('nats://nats:4222');
  });

  it('refuses to start without MCP_SECURITY_ENCRYPTION_KEY, as compose would', () => {
    expect(() => interpolateCompose(String(doc.services.gateway.environment.MCP_SECURITY_ENCRYPTION_KEY), {})).toThrow(/required variable MCP_SECURITY_ENCRYPTION_KEY/);
    expect(interpolateCompose('$${x} ${A:-d} ${B-e} ${C:?m}', { C: 'c', B: '' })).toBe('${x} d  c');
  });

  it('points only fleet-service and integration-service at a local AWS endpoint, and only when asked', () => {
    for (const [name, svc] of Object.entries<{ environment?: Record<string, unknown> }>(doc.services)) {
      const has = 'AWS_ENDPOINT_URL' in (svc.environment ?? {});
      expect([name, has]).toEqual([name, name === 'fleet-service' || name === 'integration-service']);
    }
  });
});

describe('the compose checks reject broken input', () => {
  const doc = parseComposeYaml(text);

  it('an unknown service key fails the schema', () => {
    const broken = clone(doc);
    broken.services.gateway.bogus_key = true;
    expect(composeSchemaErrors(broken)).toEqual(expect.arrayContaining([expect.stringMatching(/\/services\/gateway must NOT have additional properties \(bogus_key\)/)]));
  });

  it('a wrongly typed value fails the schema', () => {
    const broken = clone(doc);
    broken.services.gateway.ports = 8000;
    broken.services.nats.volumes = 'nats-data:/data';
    const errors = composeSchemaErrors(broken);
    expect(errors.some((e) => e.startsWith('/services/gateway/ports'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/services/nats/volumes'))).toBe(true);
  });

  it('an unknown depends_on condition fails the schema', () => {
    const broken = clone(doc);
    broken.services['fleet-service'].depends_on.nats.condition = 'healthy';
    expect(composeSchemaErrors(broken).some((e) => e.includes('/depends_on'))).toBe(true);
  });

  it('a misspelt MCP_ variable is flagged (the apps would silently ignore it)', () => {
    expect(unknownMcpEnvNames(['MCP_LOGGING_LEVEL', 'MCP_LOGING_LEVEL', 'NODE_ENV'], knownMcpEnvNames(ConfigSchema))).toEqual(['MCP_LOGING_LEVEL']);
  });

  it('YAML merge keys are resolved (an unresolved << would be an unknown key)', () => {
    expect(doc.services.gateway['<<']).toBeUndefined();
    expect(doc.services.gateway.image).toBeDefined();
  });

  it('structure: started dependencies, missing profile, unpublished gateway, defaulted key, version key', () => {
    const broken = clone(doc);
    broken.version = '3.8';
    broken.services.gateway.depends_on.postgres.condition = 'service_started';
    delete broken.services.moto.profiles;
    broken.services.gateway.ports = ['8080:8000'];
    broken.services['health-monitor'].environment.MCP_SECURITY_ENCRYPTION_KEY = '${MCP_SECURITY_ENCRYPTION_KEY:-changeme}';
    broken.services['fleet-service'].environment.AWS_ENDPOINT_URL = '${AWS_ENDPOINT_URL:-}';
    broken.services['integration-service'].image = 'something-else';
    expect(composeViolations(broken)).toEqual(
      expect.arrayContaining([
        'top-level `version` is obsolete in the Compose Specification',
        'gateway: depends_on postgres must be condition service_healthy',
        'moto: must be in profile local-aws',
        'gateway: must publish port 8000',
        expect.stringMatching(/^health-monitor: MCP_SECURITY_ENCRYPTION_KEY must be/),
        'fleet-service: AWS_ENDPOINT_URL must be a pass-through (key with no value)',
        expect.stringMatching(/^apps must share one image/),
      ]),
    );
  });
});
