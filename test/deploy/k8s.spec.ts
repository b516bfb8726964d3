/**
 * deploy/k8s: every overlay renders with `kubectl kustomize`, every object validates against the Kubernetes
 * OpenAPI schema (kubernetes-models), meets our policy, and starts with a configuration the apps accept.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigSchema, loadConfig } from '@app/config';
import { hostAllowed } from '../../apps/gateway/src/mcp/mcp-door';
import {
  APPS,
  APP_PORT,
  effectiveEnv,
  findKubectl,
  K8sObject,
  knownMcpEnvNames,
  kustomize,
  modelFor,
  parseManifestStream,
  policyViolations,
  PolicyOptions,
  REPO_ROOT,
  unknownFieldErrors,
  unknownMcpEnvNames,
  validateK8sObject,
} from './deploy-validation';

const K8S = join(REPO_ROOT, 'deploy', 'k8s');
const kubectl = findKubectl();
// Rendering needs kubectl (present on the project's machines at /usr/bin/kubectl). Only its absence skips the
// render step; a render that fails is a failure.
const withKubectl = kubectl ? describe : describe.skip;
if (!kubectl) console.warn('kubectl not on PATH: the kustomize render checks are skipped');

const OVERLAYS: Record<string, PolicyOptions & { placeholders: Record<string, string> }> = {
  dev: { placeholders: {} },
  prod: {
    externalSecrets: ['mcp-database', 'mcp-encryption-key', 'mcp-jwt-secret'],
    pinnedImages: true,
    placeholders: {
      DATABASE_URL: 'postgres://placeholder:placeholder@db.example.internal:5432/mcp',
      MCP_SECURITY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      MCP_AUTH_JWT_SECRET: 'placeholder-jwt-secret-of-at-least-32-bytes',
    },
  },
};

const render = (dir: string): K8sObject[] => parseManifestStream(kustomize(kubectl!, dir));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

withKubectl.each(Object.keys(OVERLAYS))('overlay %s', (name) => {
  const opts = OVERLAYS[name];
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render(join(K8S, 'overlays', name));
  });

  it('renders a non-empty stream of objects in one namespace', () => {
    expect(objects.length).toBeGreaterThan(10);
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
    expect([...namespaces]).toHaveLength(1);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === [...namespaces][0])).toBe(true);
  });

  it('validates every object against the Kubernetes schema', () => {
    const errors: string[] = [];
    for (const o of objects) {
      try {
        validateK8sObject(o);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    expect(errors).toEqual([]);
  });

  it('has no unknown fields (as strict server-side field validation would reject)', () => {
    expect(unknownFieldErrors(objects)).toEqual([]);
  });

  it('meets the deployment policy', () => {
    expect(policyViolations(objects, opts)).toEqual([]);
  });

  it.each(APPS)('starts %s with a configuration the apps accept', (app) => {
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!;
    const env = effectiveEnv(objects, d, opts.placeholders);
    // loadConfig ignores unknown MCP_* names: a typo would silently do nothing.
    expect(unknownMcpEnvNames(Object.keys(env), knownMcpEnvNames(ConfigSchema))).toEqual([]);
    const config = loadConfig({ argv: [], env });
    expect(config.server.port).toBe(APP_PORT);
    expect(config.database.url).toMatch(/^postgres(ql)?:\/\//);
    expect(config.nats.url).toMatch(/^nats:\/\//);
    expect(Buffer.from(config.security.encryption_key!, 'base64')).toHaveLength(32);
    // Writable paths are the emptyDirs, not the read-only root filesystem.
    expect(config.data.dir).toBe('/data');
    expect(config.integrations.data_dir?.startsWith('/data/')).toBe(true);
    if (app === 'gateway') {
      // MCP clients in the cluster reach the Service by name; in prod, the public name too.
      expect(hostAllowed({ host: 'gateway:8000' }, config)).toBe(true);
      expect(hostAllowed({ host: 'evil.example' }, config)).toBe(false);
      if (name === 'prod') expect(hostAllowed({ host: new URL(config.mcp.public_url!).host }, config)).toBe(true);
    }
  });
});

withKubectl('base', () => {
  it('renders on its own and every object validates (Secrets and NATS come from the overlays)', () => {
    const objects = render(join(K8S, 'base'));
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual([...APPS].sort());
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objects) validateK8sObject(o);
  });
});

withKubectl('overlay specifics', () => {
  it('dev: in-cluster NATS with JetStream and PostgreSQL as StatefulSets, one replica, dev-only secrets', () => {
    const objects = render(join(K8S, 'overlays', 'dev'));
    const sts = (n: string) => objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === n);
    expect(sts('nats')?.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['-js', '-sd', '/data']));
    expect(sts('postgres')?.spec.template.spec.containers[0].image).toMatch(/^postgres:16/);
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect(hpa.spec.minReplicas).toBe(1);
    expect(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'health-monitor')?.spec.replicas).toBe(1);
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    for (const s of objects.filter((o) => o.kind === 'Secret'))
      for (const [key, value] of Object.entries<string>(s.data ?? {})) {
        // The encryption key is itself base64 (of 32 bytes): decode it once more.
        const plain = key === 'encryption-key' ? decode(decode(value)) : decode(value);
        expect(plain).toMatch(/dev-only/);
      }
  });

  it('prod: pinned image, external NATS by URL, no Secret values, more replicas', () => {
    const objects = render(join(K8S, 'overlays', 'prod'));
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    const endpoints = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('mcp-endpoints'));
    expect(endpoints?.data.NATS_URL).toMatch(/^nats:\/\/nats\.nats\.svc/);
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'health-monitor')?.spec.replicas).toBeGreaterThanOrEqual(2);
    // NATS egress narrowed to the NATS release's namespace (the patch addresses the rule by index: keep it honest).
    const egress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'apps-egress')!;
    const natsRule = egress.spec.egress.find((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 4222));
    expect(natsRule.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nats' } } }]);
    for (const d of objects.filter((o) => o.kind === 'Deployment'))
      expect(d.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MCP_DATABASE_SSL', value: 'true' }]));
  });
});

withKubectl('the checks reject broken input', () => {
  let dev: K8sObject[];
  beforeAll(() => {
    dev = render(join(K8S, 'overlays', 'dev'));
  });
  const gateway = () => clone(dev.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!);

  it('a kustomization that does not build fails the render', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-broken-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - does-not-exist.yaml\n');
    expect(() => kustomize(kubectl!, dir)).toThrow(/kubectl kustomize .* failed/);
  });

  it('a Deployment with replicas: "two" fails schema validation', () => {
    const d = gateway();
    d.spec.replicas = 'two';
    expect(() => validateK8sObject(d)).toThrow(/replicas/);
  });

  it('a containerPort that is not a number fails schema validation', () => {
    const d = gateway();
    d.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateK8sObject(d)).toThrow(/containerPort/);
  });

  it('an unknown or misspelt field fails the strict field check, at any depth', () => {
    const typo = gateway();
    typo.spec.template.spec.containers[0].readinessprobe = typo.spec.template.spec.containers[0].readinessProbe;
    const top = gateway();
    top.spec.replicaz = 2;
    const fine = gateway();
    expect(() => validateK8sObject(typo)).not.toThrow(); // what kubernetes-models alone lets through
    const errors = unknownFieldErrors([fine, typo, top]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^Deployment\/gateway: .*'"?readinessprobe"?' does not exist in type 'IContainer'/);
    expect(errors[1]).toMatch(/replicaz/);
  });

  it('an unknown kind fails', () => {
    expect(() => validateK8sObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).toThrow(/unknown kind/);
    expect(() => validateK8sObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toThrow(/unknown kind/);
    expect(() => modelFor('../../etc', 'Passwd')).toThrow(/unknown kind/);
  });

  it('a Secret value that is not base64 fails schema validation', () => {
    const secret = clone(dev.find((o) => o.kind === 'Secret')!);
    secret.data[Object.keys(secret.data)[0]] = 'not base64!';
    expect(() => validateK8sObject(secret)).toThrow(/byte/);
  });

  it('a malformed YAML stream fails to parse', () => {
    expect(() => parseManifestStream('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n')).toThrow();
    expect(() => parseManifestStream('- just\n- a list\n')).toThrow(/not a mapping/);
  });

  it('the policy flags a container without probes, limits or hardening', () => {
    const d = gateway();
    const c = d.spec.template.spec.containers[0];
    delete c.readinessProbe;
    delete c.resources.limits;
    c.securityContext.readOnlyRootFilesystem = false;
    c.securityContext.runAsNonRoot = false;
    c.command = ['node'];
    const objects = dev.map((o) => (o.kind === 'Deployment' && o.metadata.name === 'gateway' ? d : o));
    expect(policyViolations(objects)).toEqual(
      expect.arrayContaining([
        'Deployment/gateway container gateway: no readinessProbe',
        'Deployment/gateway container gateway: no cpu limit',
        'Deployment/gateway container gateway: readOnlyRootFilesystem must be true',
        'Deployment/gateway container gateway: runAsNonRoot must be true',
        expect.stringMatching(/sets command/),
      ]),
    );
  });

  it('the policy flags a Deployment without PDB, a missing HPA, fixed replicas under an HPA and dangling refs', () => {
    const objects = clone(dev)
      .filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'health-monitor'))
      .filter((o) => !(o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'fleet-service'))
      .filter((o) => !(o.kind === 'Secret' && o.metadata.name.startsWith('mcp-encryption-key')));
    objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!.spec.replicas = 3;
    expect(policyViolations(objects)).toEqual(
      expect.arrayContaining([
        'Deployment/health-monitor: no PodDisruptionBudget selects its pods',
        'Deployment/fleet-service: no HorizontalPodAutoscaler',
        'Deployment/gateway: sets replicas although an HPA owns them',
        expect.stringMatching(/^Deployment\/gateway: env MCP_SECURITY_ENCRYPTION_KEY refers to Secret mcp-encryption-key-\w+, which is not rendered$/),
      ]),
    );
  });

  it('the policy flags an unpinned image and a committed production Secret', () => {
    const objects = clone(dev);
    objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!.spec.template.spec.containers[0].image = 'aws-mcp-server:latest';
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('mcp-database'))!;
    secret.metadata.name = 'mcp-database';
    const v = policyViolations(objects, { pinnedImages: true, externalSecrets: ['mcp-database'] });
    expect(v).toEqual(
      expect.arrayContaining(['Deployment/gateway container gateway: image aws-mcp-server:latest is not pinned', 'Secret/mcp-database: must come from outside git, not the overlay']),
    );
  });

  it('the policy flags a namespace without default-deny ingress or restricted Pod Security', () => {
    const objects = clone(dev).filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-ingress'));
    objects.find((o) => o.kind === 'Namespace')!.metadata.labels!['pod-security.kubernetes.io/enforce'] = 'baseline';
    expect(policyViolations(objects)).toEqual(
      expect.arrayContaining(['NetworkPolicy: no default-deny ingress policy', 'Namespace/aws-mcp-dev: must enforce Pod Security "restricted"']),
    );
  });

  it('a config key the apps do not know fails at (simulated) startup', () => {
    const objects = clone(dev);
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('mcp-config'))!;
    expect(cm.data['config.yaml']).toContain('\n  port: 8000\n');
    cm.data['config.yaml'] = cm.data['config.yaml'].replace('\n  port: 8000\n', '\n  prot: 8000\n');
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!;
    expect(() => loadConfig({ argv: [], env: effectiveEnv(objects, d) })).toThrow(/unknown key server\.prot/);
  });
});

/** Every plain manifest in deploy/k8s (not kustomizations, not the app config) is a valid object on its own. */
describe('raw manifests under deploy/k8s', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'config.yaml') files.push(p);
    }
  };
  walk(K8S);

  it('finds the manifests', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => relative(REPO_ROOT, f)))('%s validates', (file) => {
    const objects = parseManifestStream(readFileSync(join(REPO_ROOT, file), 'utf8'));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) validateK8sObject(o);
  });

  it('the base config.yaml is accepted by the apps config loader', () => {
    const env = {
      MCP_CONFIG_PATH: join(K8S, 'base', 'config.yaml'),
      DATABASE_URL: 'postgres://u:p@db:5432/mcp',
      NATS_URL: 'nats://nats:4222',
    };
    expect(() => loadConfig({ argv: [], env })).not.toThrow();
  });
});
