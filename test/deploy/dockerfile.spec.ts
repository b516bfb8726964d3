/**
 * Dockerfile and .dockerignore, checked statically (no Docker engine here): the runtime contract of the image,
 * and that compose and Kubernetes start the same entry points the build verifies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigSchema } from '@app/config';
import { APPS, dockerfileViolations, dockerignoreViolations, knownMcpEnvNames, mainScript, parseDockerfile, REPO_ROOT, unknownMcpEnvNames } from './deploy-validation';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');

describe('Dockerfile', () => {
  it('meets the image contract', () => {
    expect(dockerfileViolations(dockerfile)).toEqual([]);
  });

  it('installs what fleet-service runs: the AWS CLI, and col for its plain-text help (MANPAGER=col -b)', () => {
    const apt = parseDockerfile(dockerfile)
      .filter((i) => i.stage === 'runtime' && i.op === 'RUN' && i.args.includes('apt-get install'))
      .map((i) => i.args)
      .join(' ');
    for (const pkg of ['awscli', 'bsdextrautils', 'tini', 'ca-certificates']) expect(apt).toMatch(new RegExp(`\\b${pkg}\\b`));
    expect(apt).toContain('--no-install-recommends');
    expect(apt).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('has deps -> build -> runtime stages on node:20-bookworm-slim', () => {
    const stages = parseDockerfile(dockerfile)
      .filter((i) => i.op === 'FROM')
      .map((i) => i.stage);
    expect(stages).toEqual(['deps', 'build', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  it('the build stage checks that every entry point the deployments start exists', () => {
    const build = parseDockerfile(dockerfile)
      .filter((i) => i.stage === 'build' && i.op === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(build).toContain('npm run build');
    for (const app of [...APPS, 'standalone']) expect(build).toContain(app);
    expect(build).toContain('dist/apps/$app/src/main.js');
    expect(mainScript('gateway')).toBe('dist/apps/gateway/src/main.js');
  });

  it('sets no MCP_* defaults (the environment would override a mounted config file) and maps ./data to /data', () => {
    const ins = parseDockerfile(dockerfile);
    const names = ins.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]));
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'HOME']));
    expect(names.filter((n) => n.startsWith('MCP_'))).toEqual([]);
    // The default data.dir (./data under WORKDIR /app) lands on the writable /data.
    expect(ConfigSchema.parse({}).data.dir).toBe('./data');
    expect(ins.some((i) => i.stage === 'runtime' && i.op === 'WORKDIR' && i.args === '/app')).toBe(true);
    expect(ins.some((i) => i.stage === 'runtime' && i.op === 'RUN' && /ln -s \/data \/app\/data/.test(i.args))).toBe(true);
    expect(unknownMcpEnvNames(names, knownMcpEnvNames(ConfigSchema))).toEqual([]);
  });

  it('rejects a Dockerfile that runs as root, skips --omit=dev or has no healthcheck', () => {
    const broken = dockerfile
      .replace(/^USER 10001:10001$/m, 'USER root')
      .replace(/npm ci --omit=dev/, 'npm ci')
      .replace(/^HEALTHCHECK[\s\S]*?\n\n/m, '\n')
      .replace(/^CMD .*$/m, 'CMD ["dist/main.js"]');
    expect(broken).not.toEqual(dockerfile);
    expect(dockerfileViolations(broken)).toEqual(
      expect.arrayContaining([
        'runtime must end as USER 10001 (numeric, non-root)',
        'runtime stage must install with npm ci --omit=dev',
        'HEALTHCHECK must fetch /health/live with node',
        `CMD must be ["${mainScript('standalone')}"]`,
      ]),
    );
  });

  it('rejects a single-stage image on another base', () => {
    expect(dockerfileViolations('FROM node:22\nCOPY . .\nCMD ["node", "main.js"]\n')).toEqual(
      expect.arrayContaining(['must be multi-stage (deps -> build -> runtime)', expect.stringMatching(/^runtime base must be/)]),
    );
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local data, tests and secrets out of the context', () => {
    expect(dockerignoreViolations(dockerignore)).toEqual([]);
  });

  it('rejects one that lets secrets in', () => {
    const broken = dockerignore
      .split('\n')
      .filter((l) => !/\.env|\.key/.test(l))
      .join('\n');
    expect(dockerignoreViolations(broken)).toEqual(['.dockerignore must exclude *.key', '.dockerignore must exclude .env']);
  });

  it('does not exclude what the build needs', () => {
    const entries = dockerignore.split('\n').map((l) => l.trim());
    for (const needed of ['apps', 'libs', 'package.json', 'package-lock.json', 'tsconfig.json', 'nest-cli.json', '**/data', '**/secrets'])
      expect(entries).not.toContain(needed);
  });
});
