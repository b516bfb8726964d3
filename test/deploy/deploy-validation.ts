/**
 * Offline validation of the deployment artefacts (Dockerfile, docker-compose.yml, deploy/k8s), shared by the
 * specs in this folder. Every check is a plain function that returns or throws on a bad input, so the specs can
 * feed it both the real files and deliberately broken ones.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
export const APPS = ['gateway', 'fleet-service', 'integration-service', 'health-monitor'] as const;
const HPA_APPS = ['gateway', 'fleet-service', 'integration-service'] as const;
export const APP_PORT = 8000;
export const mainScript = (app: string) => `dist/apps/${app}/src/main.js`;

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes

type Json = any;
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: Json;
}

/** An executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** kubectl on PATH, or undefined. */
export const findKubectl = () => findOnPath('kubectl');

/** `kubectl kustomize DIR`; throws with kustomize's own message when the kustomization is broken. */
export function kustomize(kubectl: string, dir: string): string {
  try {
    return execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** A multi-document YAML stream into objects; YAML errors and documents that are not Kubernetes objects throw. */
export function parseManifestStream(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length) throw new Error(`document ${i}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as unknown;
    if (obj == null) return;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`document ${i}: not a mapping`);
    const o = obj as Partial<K8sObject>;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string')
      throw new Error(`document ${i}: missing apiVersion, kind or metadata.name`);
    out.push(o as K8sObject);
  });
  return out;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
  apiVersion: string;
  kind: string;
}

/** The kubernetes-models class for apiVersion/kind; unknown kinds throw. */
export function modelFor(apiVersion: string, kind: string): ModelClass {
  // kubernetes-models lays classes out as <group>/<version>/<Kind> (core group: v1/<Kind>).
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind))
    throw new Error(`unknown kind ${apiVersion}/${kind}`);
  let mod: Record<string, unknown>;
  try {
    mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
  } catch {
    throw new Error(`unknown kind ${apiVersion}/${kind} (no kubernetes-models class)`);
  }
  const cls = mod[kind] as ModelClass | undefined;
  if (typeof cls !== 'function' || cls.apiVersion !== apiVersion || cls.kind !== kind) throw new Error(`unknown kind ${apiVersion}/${kind}`);
  return cls;
}

/** Schema validation of one object (types, required fields, formats). Throws on any error. */
export function validateK8sObject(obj: K8sObject): void {
  const Model = modelFor(obj.apiVersion, obj.kind);
  try {
    new Model(unwrapBase64(obj)).validate();
  } catch (e) {
    throw new Error(`${obj.kind}/${obj.metadata?.name}: ${(e as Error).message}`);
  }
}

/**
 * kustomize folds long base64 values of Secret.data / ConfigMap.binaryData over several lines; the API server's
 * decoder (Go encoding/base64) skips newlines, kubernetes-models' `byte` format does not. Compare like the server.
 */
function unwrapBase64(obj: K8sObject): K8sObject {
  const field = obj.kind === 'Secret' ? 'data' : obj.kind === 'ConfigMap' ? 'binaryData' : undefined;
  if (!field || !obj[field] || typeof obj[field] !== 'object') return obj;
  const unwrapped = Object.fromEntries(Object.entries<unknown>(obj[field]).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...obj, [field]: unwrapped };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export interface PolicyOptions {
  /** Secrets expected to exist in the cluster already (created outside git); others must be rendered. */
  externalSecrets?: string[];
  /** Every image must carry an explicit tag other than latest, or a digest. */
  pinnedImages?: boolean;
}

/**
 * The rules every rendered overlay must meet. Returns one line per violation (empty = compliant), so a spec can
 * show all of them at once and a broken manifest can be asserted to produce a specific one.
 */
export function policyViolations(objects: K8sObject[], opts: PolicyOptions = {}): string[] {
  const v: string[] = [];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const deployments = byKind('Deployment');
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));

  // The namespace enforces the restricted Pod Security profile (every pod here is built to meet it).
  for (const ns of byKind('Namespace'))
    if (ns.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted') v.push(`Namespace/${ns.metadata.name}: must enforce Pod Security "restricted"`);

  // Common labels on everything we ship.
  for (const o of objects) {
    for (const label of ['app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'])
      if (!o.metadata.labels?.[label]) v.push(`${o.kind}/${o.metadata.name}: missing label ${label}`);
  }

  for (const w of workloads) {
    const id = `${w.kind}/${w.metadata.name}`;
    const pod = w.spec?.template?.spec ?? {};
    const podSc = pod.securityContext ?? {};
    if (!w.metadata.labels?.['app.kubernetes.io/name']) v.push(`${id}: missing label app.kubernetes.io/name`);
    if (!matches(w.spec?.selector?.matchLabels, w.spec?.template?.metadata?.labels)) v.push(`${id}: selector does not match the pod template labels`);
    if (pod.automountServiceAccountToken !== false) v.push(`${id}: automountServiceAccountToken must be false`);
    if (typeof pod.terminationGracePeriodSeconds !== 'number' || pod.terminationGracePeriodSeconds > 60)
      v.push(`${id}: terminationGracePeriodSeconds must be set (<= 60)`);
    const containers: Json[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    if (!containers.length) v.push(`${id}: no containers`);
    for (const c of containers) {
      const cid = `${id} container ${c.name}`;
      const sc = c.securityContext ?? {};
      const isInit = (pod.initContainers ?? []).includes(c);
      if (!isInit) {
        if (!c.livenessProbe) v.push(`${cid}: no livenessProbe`);
        if (!c.readinessProbe) v.push(`${cid}: no readinessProbe`);
      }
      for (const r of ['cpu', 'memory']) {
        if (!c.resources?.requests?.[r]) v.push(`${cid}: no ${r} request`);
        if (!c.resources?.limits?.[r]) v.push(`${cid}: no ${r} limit`);
      }
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) v.push(`${cid}: runAsNonRoot must be true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${cid}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) v.push(`${cid}: readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) v.push(`${cid}: allowPrivilegeEscalation must be false`);
      if (sc.privileged === true) v.push(`${cid}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${cid}: capabilities must drop ALL`);
      if (sc.capabilities?.add?.length) v.push(`${cid}: adds capabilities`);
      if ((sc.seccompProfile?.type ?? podSc.seccompProfile?.type) !== 'RuntimeDefault') v.push(`${cid}: seccompProfile must be RuntimeDefault`);
      if (opts.pinnedImages) {
        const image = String(c.image ?? '');
        const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
        if (!tag || tag === 'latest') v.push(`${cid}: image ${image} is not pinned`);
      }
    }
  }

  // Our four apps: one Deployment each, the image contract, draining, writable dirs, a PDB.
  for (const app of APPS) {
    const d = find('Deployment', app);
    if (!d) {
      v.push(`Deployment/${app}: missing`);
      continue;
    }
    const id = `Deployment/${app}`;
    const pod = d.spec.template.spec;
    const c = (pod.containers ?? []).find((x: Json) => x.name === app);
    if (!c) {
      v.push(`${id}: no container named ${app}`);
      continue;
    }
    if (c.command) v.push(`${id}: sets command (bypasses the image's tini entrypoint); use args`);
    if (JSON.stringify(c.args) !== JSON.stringify([mainScript(app)])) v.push(`${id}: args must be ["${mainScript(app)}"]`);
    if (!(c.ports ?? []).some((p: Json) => p.containerPort === APP_PORT)) v.push(`${id}: no containerPort ${APP_PORT}`);
    if (c.livenessProbe?.httpGet?.path !== '/health/live') v.push(`${id}: livenessProbe must GET /health/live`);
    if (c.readinessProbe?.httpGet?.path !== '/health/ready') v.push(`${id}: readinessProbe must GET /health/ready`);
    if (!c.startupProbe) v.push(`${id}: no startupProbe`);
    if (!c.lifecycle?.preStop) v.push(`${id}: no preStop hook (endpoints must drain before SIGTERM)`);
    if (pod.terminationGracePeriodSeconds !== 30) v.push(`${id}: terminationGracePeriodSeconds must be 30`);
    for (const path of ['/tmp', '/data']) {
      const mount = (c.volumeMounts ?? []).find((m: Json) => m.mountPath === path);
      const vol = mount && (pod.volumes ?? []).find((x: Json) => x.name === mount.name);
      if (!vol?.emptyDir) v.push(`${id}: ${path} must be an emptyDir (read-only root filesystem)`);
    }
    const sa = find('ServiceAccount', pod.serviceAccountName ?? 'default');
    if (!sa) v.push(`${id}: ServiceAccount ${pod.serviceAccountName ?? 'default'} not rendered`);
    else if (sa.automountServiceAccountToken !== false) v.push(`ServiceAccount/${sa.metadata.name}: automountServiceAccountToken must be false`);
  }

  // Every Deployment has a PDB that selects its pods.
  for (const d of deployments) {
    const labels = d.spec?.template?.metadata?.labels;
    if (!byKind('PodDisruptionBudget').some((p) => matches(p.spec?.selector?.matchLabels, labels)))
      v.push(`Deployment/${d.metadata.name}: no PodDisruptionBudget selects its pods`);
  }

  // HPAs (autoscaling/v2) for the horizontally scaled apps, and no fixed replicas fighting them.
  for (const app of HPA_APPS) {
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === app);
    if (!hpa) v.push(`Deployment/${app}: no HorizontalPodAutoscaler`);
    else if (hpa.apiVersion !== 'autoscaling/v2') v.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: must be autoscaling/v2`);
  }
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const target = find(hpa.spec?.scaleTargetRef?.kind, hpa.spec?.scaleTargetRef?.name);
    if (!target) v.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: scale target not rendered`);
    else if (target.spec?.replicas !== undefined) v.push(`${target.kind}/${target.metadata.name}: sets replicas although an HPA owns them`);
    if (!(hpa.spec?.minReplicas <= hpa.spec?.maxReplicas)) v.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: minReplicas > maxReplicas`);
  }

  // Services select something.
  for (const s of byKind('Service')) {
    if (!workloads.some((w) => matches(s.spec?.selector, w.spec?.template?.metadata?.labels)))
      v.push(`Service/${s.metadata.name}: selects no workload`);
  }

  // NetworkPolicies: default deny ingress, gateway open on 8000, apps' egress restricted.
  const policies = byKind('NetworkPolicy');
  if (!policies.some((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && (p.spec?.policyTypes ?? []).includes('Ingress') && !p.spec?.ingress?.length))
    v.push('NetworkPolicy: no default-deny ingress policy');
  if (
    !policies.some(
      (p) =>
        p.spec?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'gateway' &&
        (p.spec?.ingress ?? []).some((r: Json) => (r.ports ?? []).some((port: Json) => port.port === APP_PORT)),
    )
  )
    v.push(`NetworkPolicy: gateway ingress on ${APP_PORT} not allowed`);
  const egress = policies.find((p) => (p.spec?.policyTypes ?? []).includes('Egress'));
  if (!egress) v.push('NetworkPolicy: apps have no egress policy');
  else {
    const ports = new Set((egress.spec.egress ?? []).flatMap((r: Json) => (r.ports ?? []).map((p: Json) => `${p.protocol ?? 'TCP'}/${p.port}`)));
    for (const p of ['UDP/53', 'TCP/4222', 'TCP/5432', 'TCP/443']) if (!ports.has(p)) v.push(`NetworkPolicy/${egress.metadata.name}: egress ${p} missing`);
  }

  // Secret and ConfigMap references resolve (keys included); external Secrets are never rendered.
  const external = new Set(opts.externalSecrets ?? []);
  for (const s of byKind('Secret')) if (external.has(s.metadata.name)) v.push(`Secret/${s.metadata.name}: must come from outside git, not the overlay`);
  for (const w of workloads) {
    for (const c of [...(w.spec.template.spec.initContainers ?? []), ...(w.spec.template.spec.containers ?? [])]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
        if (!ref) continue;
        const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
        if (kind === 'Secret' && external.has(ref.name)) continue;
        const target = find(kind, ref.name);
        const data = { ...(target?.data ?? {}), ...(target?.stringData ?? {}) };
        if (!target) v.push(`${w.kind}/${w.metadata.name}: env ${e.name} refers to ${kind} ${ref.name}, which is not rendered`);
        else if (!(ref.key in data)) v.push(`${w.kind}/${w.metadata.name}: env ${e.name} refers to missing key ${ref.key} of ${kind} ${ref.name}`);
      }
    }
  }
  return v;
}

/**
 * The environment and config file a Deployment's container would start with, fed through the apps' own config
 * loader (libs/config): what a pod would fail on at startup fails here. External Secrets get placeholder values.
 */
export function effectiveEnv(objects: K8sObject[], deployment: K8sObject, externalPlaceholders: Record<string, string> = {}) {
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const pod = deployment.spec.template.spec;
  const c = pod.containers[0];
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name] = 'from-field-ref';
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = find('ConfigMap', e.valueFrom.configMapKeyRef.name)?.data?.[e.valueFrom.configMapKeyRef.key];
    else if (e.valueFrom?.secretKeyRef) {
      const s = find('Secret', e.valueFrom.secretKeyRef.name);
      const raw = s?.data?.[e.valueFrom.secretKeyRef.key];
      env[e.name] = raw !== undefined ? Buffer.from(raw, 'base64').toString('utf8') : (s?.stringData?.[e.valueFrom.secretKeyRef.key] ?? externalPlaceholders[e.name]);
    }
  }
  // Materialise the mounted config file, as the kubelet would.
  const mountedFile = env.MCP_CONFIG_PATH;
  if (mountedFile) {
    const mount = (c.volumeMounts ?? []).find((m: Json) => mountedFile.startsWith(`${m.mountPath}/`));
    const vol = mount && (pod.volumes ?? []).find((x: Json) => x.name === mount.name);
    const cm = vol?.configMap && find('ConfigMap', vol.configMap.name);
    const key = mount && mountedFile.slice(mount.mountPath.length + 1);
    if (!cm || !(key in (cm.data ?? {}))) throw new Error(`Deployment/${deployment.metadata.name}: ${mountedFile} is not provided by a mounted ConfigMap`);
    const dir = mkdtempSync(join(tmpdir(), 'mcp-deploy-'));
    env.MCP_CONFIG_PATH = join(dir, key);
    writeFileSync(env.MCP_CONFIG_PATH, cm.data[key]);
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------
// Compose

/** The Compose Specification JSON schema shipped by the dclint package (draft-07). */
function composeSchemaPath(): string {
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
}

let composeValidator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Compose Specification schema errors of a parsed compose file (empty = valid). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (!composeValidator) {
    const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>;
    // The file declares "https://json-schema.org/draft-07/schema", which is draft-07 but not Ajv's registered
    // meta-schema id (http://...#); Ajv's default class *is* draft-07, so drop the declaration.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    composeValidator = ajv.compile(schema);
  }
  if (composeValidator(doc)) return [];
  return (composeValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** Compose files use YAML merge keys (<<) as docker compose does. */
export function parseComposeYaml(text: string): Json {
  return parseYaml(text, { merge: true });
}

/** The structural rules of our compose file, beyond the schema. */
export function composeViolations(doc: Json): string[] {
  const v: string[] = [];
  const services = doc?.services ?? {};
  if ('version' in (doc ?? {})) v.push('top-level `version` is obsolete in the Compose Specification');
  for (const name of ['nats', 'postgres', ...APPS, 'moto']) if (!services[name]) v.push(`service ${name} missing`);
  const nats = services.nats ?? {};
  const natsCmd = ([] as string[]).concat(nats.command ?? []).join(' ');
  if (!String(nats.image).startsWith('nats:2.10-alpine')) v.push('nats: image must be nats:2.10-alpine');
  if (!/(^| )-js( |$)/.test(natsCmd) || !/-sd \/data/.test(natsCmd) || !/-m 8222/.test(natsCmd)) v.push('nats: command must enable JetStream (-js -sd /data) and monitoring (-m 8222)');
  if (!(nats.volumes ?? []).some((x: Json) => String(typeof x === 'string' ? x : x.target).endsWith(':/data') || x.target === '/data'))
    v.push('nats: /data must be a volume');
  if (!JSON.stringify(nats.healthcheck?.test ?? '').includes('8222/healthz')) v.push('nats: healthcheck must probe :8222/healthz');
  const pg = services.postgres ?? {};
  if (!String(pg.image).startsWith('postgres:16-alpine')) v.push('postgres: image must be postgres:16-alpine');
  if (!(pg.volumes ?? []).length) v.push('postgres: no volume');
  if (!JSON.stringify(pg.healthcheck?.test ?? '').includes('pg_isready')) v.push('postgres: healthcheck must use pg_isready');

  const images = new Set<string>();
  for (const app of APPS) {
    const s = services[app];
    if (!s) continue;
    images.add(String(s.image));
    if (JSON.stringify([].concat(s.command ?? [])) !== JSON.stringify([mainScript(app)])) v.push(`${app}: command must be ["${mainScript(app)}"]`);
    for (const dep of ['postgres', 'nats'])
      if (s.depends_on?.[dep]?.condition !== 'service_healthy') v.push(`${app}: depends_on ${dep} must be condition service_healthy`);
    if (!s.healthcheck?.test) v.push(`${app}: no healthcheck`);
    const env = s.environment ?? {};
    if (Array.isArray(env)) v.push(`${app}: use the mapping form of environment`);
    for (const k of ['DATABASE_URL', 'NATS_URL']) if (!env[k]) v.push(`${app}: ${k} not set`);
    if (!/^\$\{MCP_SECURITY_ENCRYPTION_KEY:\?.+\}$/.test(String(env.MCP_SECURITY_ENCRYPTION_KEY)))
      v.push(`${app}: MCP_SECURITY_ENCRYPTION_KEY must be \${MCP_SECURITY_ENCRYPTION_KEY:?...} (required, never defaulted)`);
  }
  if (images.size !== 1) v.push(`apps must share one image (got ${[...images].join(', ')})`);
  if (!(services.gateway?.ports ?? []).some((p: Json) => /(^|:)8000:8000$/.test(String(p)) || (p.published == 8000 && p.target == 8000)))
    v.push('gateway: must publish port 8000');
  for (const app of ['fleet-service', 'integration-service', 'health-monitor'])
    if (services[app]?.ports?.length) v.push(`${app}: must not publish ports (only the gateway serves the API)`);

  const moto = services.moto ?? {};
  if (!String(moto.image).startsWith('motoserver/moto')) v.push('moto: image must be motoserver/moto');
  if (!(moto.profiles ?? []).includes('local-aws')) v.push('moto: must be in profile local-aws');
  for (const [name, s] of Object.entries<Json>(services)) {
    if (name !== 'moto' && (s.profiles ?? []).length) v.push(`${name}: must run without a profile`);
  }
  // AWS_ENDPOINT_URL reaches the two AWS-facing apps only when the caller sets it (null = pass-through).
  for (const app of ['fleet-service', 'integration-service']) {
    const env = services[app]?.environment ?? {};
    if (!('AWS_ENDPOINT_URL' in env) || env.AWS_ENDPOINT_URL !== null) v.push(`${app}: AWS_ENDPOINT_URL must be a pass-through (key with no value)`);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

export interface DockerInstruction {
  op: string;
  args: string;
  stage: string;
}

/** Instructions with continuation lines joined and comments dropped, each tagged with its stage name. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const out: DockerInstruction[] = [];
  let stage = '';
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1].toUpperCase();
    const args = m[2].trim();
    if (op === 'FROM') stage = (/\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${out.filter((i) => i.op === 'FROM').length}`).toLowerCase();
    out.push({ op, args, stage });
  }
  return out;
}

const jsonArgs = (args: string): string[] | undefined => {
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) ? v.map(String) : undefined;
  } catch {
    return undefined;
  }
};

export function dockerfileViolations(text: string): string[] {
  const v: string[] = [];
  const ins = parseDockerfile(text);
  const froms = ins.filter((i) => i.op === 'FROM');
  const argDefaults = Object.fromEntries(
    ins.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => [i.args.split('=')[0], i.args.split('=').slice(1).join('=')]),
  );
  const base = (from: string) => from.split(/\s+/)[0].replace(/^\$\{?(\w+)\}?$/, (_, n: string) => argDefaults[n] ?? n);
  if (froms.length < 3) v.push('must be multi-stage (deps -> build -> runtime)');
  const runtime = froms[froms.length - 1]?.stage;
  if (runtime !== 'runtime') v.push('the last stage must be named runtime');
  const runtimeBase = froms.length ? base(froms[froms.length - 1].args) : '';
  if (!/^node:20-bookworm-slim|^gcr\.io\/distroless\/nodejs20/.test(runtimeBase)) v.push(`runtime base must be node:20-bookworm-slim or distroless (got ${runtimeBase})`);
  const inRuntime = ins.filter((i) => i.stage === runtime);
  const runs = inRuntime.filter((i) => i.op === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /npm ci\b.*--omit=dev/.test(r))) v.push('runtime stage must install with npm ci --omit=dev');
  if (!runs.some((r) => /\bawscli\b/.test(r))) v.push('runtime stage must install the AWS CLI (awscli)');
  if (!runs.some((r) => /\btini\b/.test(r)) && !inRuntime.some((i) => i.op === 'COPY' && /tini/.test(i.args))) v.push('runtime stage must provide tini');
  const users = inRuntime.filter((i) => i.op === 'USER');
  if (users.length === 0 || !/^10001(:10001)?$/.test(users[users.length - 1].args)) v.push('runtime must end as USER 10001 (numeric, non-root)');
  if (!inRuntime.some((i) => i.op === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))) v.push('runtime must set NODE_ENV=production');
  if (!inRuntime.some((i) => i.op === 'COPY' && /--from=build\b.*\bdist\b/.test(i.args))) v.push('runtime must copy dist/ from the build stage');
  const hc = inRuntime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
  if (!/fetch\(.*\/health\/live/.test(hc)) v.push('HEALTHCHECK must fetch /health/live with node');
  const entrypoint = jsonArgs(inRuntime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '');
  if (!entrypoint || entrypoint[entrypoint.length - 1] !== 'node' || !entrypoint.some((a) => /tini$/.test(a)))
    v.push('ENTRYPOINT must be exec-form tini ... node');
  const cmd = jsonArgs(inRuntime.find((i) => i.op === 'CMD')?.args ?? '');
  if (JSON.stringify(cmd) !== JSON.stringify([mainScript('standalone')])) v.push(`CMD must be ["${mainScript('standalone')}"]`);
  if (!inRuntime.some((i) => i.op === 'EXPOSE' && /\b8000\b/.test(i.args))) v.push('runtime must EXPOSE 8000');
  return v;
}

export function dockerignoreViolations(text: string): string[] {
  const entries = new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  const required: [string, string[]][] = [
    ['node_modules', ['node_modules']],
    ['dist', ['dist']],
    ['data', ['data']],
    ['.git', ['.git']],
    ['test', ['test']],
    ['bench results', ['bench/results']],
    ['*.key', ['*.key', '**/*.key']],
    ['.env', ['.env', '**/.env']],
  ];
  return required.filter(([, any]) => !any.some((p) => entries.has(p))).map(([what]) => `.dockerignore must exclude ${what}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Environment variable names against the config schema

/**
 * The MCP_<SECTION>_<KEY> names the apps read, from the config schema itself. loadConfig ignores any other MCP_*
 * variable, so a misspelt one in a manifest would silently do nothing: the specs check every name against this.
 */
export function knownMcpEnvNames(schema: { shape: Record<string, unknown> }): Set<string> {
  const names = new Set<string>(['MCP_CONFIG_PATH']);
  for (const [section, sectionSchema] of Object.entries(schema.shape)) {
    let inner = sectionSchema as { shape?: Record<string, unknown>; unwrap?: () => unknown };
    while (inner && !inner.shape && typeof inner.unwrap === 'function') inner = inner.unwrap() as typeof inner;
    for (const key of Object.keys(inner?.shape ?? {})) names.add(`MCP_${section.toUpperCase()}_${key.toUpperCase()}`);
  }
  return names;
}

export function unknownMcpEnvNames(names: Iterable<string>, known: Set<string>): string[] {
  return [...names].filter((n) => n.startsWith('MCP_') && !known.has(n));
}

/**
 * Compose's variable interpolation, enough for our file: $$, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?message}, ${VAR?message}. Throws like `docker compose` does when a required variable is missing.
 */
export function interpolateCompose(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (m === '$$') return '$';
    if (bare) return vars[bare] ?? '';
    const v = vars[name!];
    const missing = colon ? !v : v === undefined;
    if (op === '-') return missing ? interpolateCompose(arg ?? '', vars) : v!;
    if (op === '?') {
      if (missing) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return v!;
    }
    return v ?? '';
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Unknown fields

/**
 * kubernetes-models' validate() does not reject unknown fields (a misspelt `readinessprobe` passes), while the API
 * server's strict field validation does. Its TypeScript interfaces do know every field, so each object is
 * type-checked as an object literal of its interface (`const o: IDeployment = {...}`): excess-property checks
 * reject unknown fields at any depth, and types are checked again. Returns one line per object with an error.
 */
export function unknownFieldErrors(objects: K8sObject[]): string[] {
  const ts = require('typescript') as typeof import('typescript');
  const types = new Map<string, string>();
  const lines = objects.map((o, i) => {
    modelFor(o.apiVersion, o.kind);
    const key = `${o.apiVersion}/${o.kind}`;
    if (!types.has(key)) types.set(key, `T${types.size}`);
    return `const o${i}: ${types.get(key)} = ${JSON.stringify(o)};`;
  });
  const imports = [...types].map(([key, alias]) => `import type { I${key.split('/').pop()} as ${alias} } from 'kubernetes-models/${key}';`);
  const source = [...imports, ...lines, 'export {};'].join('\n');
  const file = join(REPO_ROOT, '__deploy_manifest_check__.ts');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest));
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  const program = ts.createProgram([file], options, host);
  const errors = new Map<number, string>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line - imports.length : -1;
    const o = objects[line];
    if (!o) {
      errors.set(-1 - errors.size, `type check: ${message}`);
      continue;
    }
    if (!errors.has(line)) errors.set(line, `${o.kind}/${o.metadata.name}: ${message}`);
  }
  return [...errors.values()];
}
