import { AppException, FieldError, hasUrlPassword, isAuthSecretField, isCredentialKey, maskUrlPassword, SECRET_MASK } from '@app/contracts';

/** Secret values by dotted path (`auth.password`, `connection.secret`, `connection.headers.authorization`, `health_check.endpoint`). */
export type SecretValues = Record<string, unknown>;

type Json = Record<string, unknown>;

/** The parts of an integration that can hold credentials. */
export interface SecretBearingParts {
  auth: Json;
  connection: Json;
  health_check: Json;
  /** Free-form, used by no connector: a credential put there by mistake is sealed and masked like the others. */
  metadata?: Json;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a credential is replaced by in a public copy: `undefined` removes it (a secret field, a credential-named key
 * such as a header `authorization` or `apiKey`), a string keeps the value's shape with the credential masked (a
 * URL's password: `https://u:********@host/…`). One rule for splitting on save and masking on read.
 */
type Replace = (path: string, value: unknown) => unknown;

/**
 * A copy-on-write copy of `value` where every credential is replaced: keys by `isCredentialKey` (any depth, inside
 * arrays too), and URL passwords in any string. `authFields` switches the top level of `auth` to its field list.
 */
function visit(value: unknown, path: string, replace: Replace, authFields = false): unknown {
  if (typeof value === 'string') return hasUrlPassword(value) ? replace(path, value) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = visit(v, `${path}.${i}`, replace);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  if (!isObject(value)) return value;
  let out: Json | undefined;
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}.${k}`;
    const secretKey = authFields ? isAuthSecretField(k) : isCredentialKey(k) && !isObject(v);
    const r = v === undefined ? v : secretKey ? replace(p, v) : visit(v, p, replace);
    if (r === v) continue;
    out ??= { ...value };
    if (r === undefined) delete out[k];
    else out[k] = r;
  }
  return out ?? value;
}

const ROOTS = ['auth', 'connection', 'health_check', 'metadata'] as const;

function visitParts(parts: SecretBearingParts, replace: Replace): SecretBearingParts {
  const out = {} as SecretBearingParts;
  for (const root of ROOTS) if (root !== 'metadata' || parts.metadata !== undefined) out[root] = (visit(parts[root] ?? {}, root, replace, root === 'auth') as Json) ?? {};
  return out;
}

/** What a credential looks like in a public copy: a URL keeps its shape, anything else is left out. */
const publicForm = (value: unknown): unknown => (typeof value === 'string' && hasUrlPassword(value) ? maskUrlPassword(value) : undefined);

/**
 * Splits auth, connection and health_check into what may be stored and shown in clear and what must be sealed.
 * Secret keys are removed from the public copies; a URL keeps its place with its password masked.
 */
export function splitSecrets(parts: SecretBearingParts): SecretBearingParts & { secrets: SecretValues } {
  const secrets: SecretValues = {};
  const pub = visitParts(parts, (path, value) => {
    secrets[path] = value;
    return publicForm(value);
  });
  return { ...pub, secrets };
}

const isIndex = (s: string) => /^(0|[1-9][0-9]*)$/.test(s);

function setPath(target: Json, path: string[], value: unknown): void {
  let cur = target as Json | unknown[];
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i];
    const next = (cur as Json)[p];
    if (typeof next !== 'object' || next === null) (cur as Json)[p] = isIndex(path[i + 1]) ? [] : {};
    cur = (cur as Json)[p] as Json | unknown[];
  }
  (cur as Json)[path[path.length - 1]] = value;
}

/** Puts secret values back at their paths: deep copies of the parts, for a connector or a health check to use. */
export function mergeSecrets(parts: SecretBearingParts, secrets: SecretValues): SecretBearingParts {
  const root = structuredClone({ auth: parts.auth ?? {}, connection: parts.connection ?? {}, health_check: parts.health_check ?? {}, ...(parts.metadata !== undefined ? { metadata: parts.metadata } : {}) }) as unknown as Json;
  for (const [path, value] of Object.entries(secrets)) setPath(root, path.split('.'), value);
  return root as unknown as SecretBearingParts;
}

/** `target` with `value` at `path`, copying only the objects and arrays on the path (the rest is shared, never changed). */
function withPath(target: Json | unknown[], path: string[], value: unknown): Json | unknown[] {
  const [head, ...rest] = path;
  const next = (target as Json)[head];
  const inner = rest.length ? withPath(typeof next === 'object' && next !== null ? (next as Json) : isIndex(rest[0]) ? [] : {}, rest, value) : value;
  if (Array.isArray(target)) {
    const copy = target.slice();
    copy[Number(head)] = inner;
    return copy;
  }
  return { ...target, [head]: inner };
}

const getPath = (root: Json, path: string[]): unknown => path.reduce<unknown>((cur, p) => (typeof cur === 'object' && cur !== null ? (cur as Json)[p] : undefined), root);

/**
 * The public view of stored parts, for a response serialized at once: the mask at every stored secret path that the
 * public copy left out, and any credential still in clear (a row saved before the rule knew its shape) masked too.
 * Copies only what it changes, so the row's objects are never modified.
 */
export function maskSecrets(parts: SecretBearingParts, paths: Iterable<string>): SecretBearingParts {
  let root = visitParts(parts, (_path, value) => (typeof value === 'string' && hasUrlPassword(value) ? maskUrlPassword(value) : SECRET_MASK)) as unknown as Json;
  for (const path of paths) {
    const segs = path.split('.');
    if (getPath(root, segs) === undefined) root = withPath(root, segs, SECRET_MASK) as Json;
  }
  return root as unknown as SecretBearingParts;
}

/** The parts as events may carry them: no secret values at all (a credential left in clear by an older row is removed). */
export function publicParts(parts: SecretBearingParts): SecretBearingParts {
  return visitParts(parts, (_path, value) => publicForm(value));
}

/**
 * On update, a secret sent back as the mask means "keep the stored value"; for a URL, the URL as shown (password
 * masked) keeps the stored one, but only unchanged: a masked password never goes with a changed host. A mask where
 * nothing matching is stored is an error rather than a silently stored asterisk string.
 */
export function resolveMaskedSecrets(incoming: SecretValues, stored: SecretValues): SecretValues {
  const out: SecretValues = {};
  const errors: FieldError[] = [];
  for (const [path, value] of Object.entries(incoming)) {
    if (value === SECRET_MASK) {
      if (path in stored) out[path] = stored[path];
      else errors.push({ field: path, message: 'is the mask but no secret is stored here; send the real value' });
    } else if (typeof value === 'string' && hasUrlPassword(value) && maskUrlPassword(value) === value) {
      const kept = stored[path];
      if (typeof kept === 'string' && maskUrlPassword(kept) === value) out[path] = kept;
      else errors.push({ field: path, message: 'has the mask as its password but is not the stored URL; send the password with a changed URL' });
    } else out[path] = value;
  }
  if (errors.length) throw new AppException('VALIDATION_FAILED', `Masked secrets without a stored value: ${errors.map((e) => e.field).join(', ')}`, { errors });
  return out;
}

/**
 * A credential kept by its mask goes only where it went before. When an update makes the integration call a
 * destination it did not call (`after` has one `before` lacks: another host, a downgrade from https to http, another
 * port, a new health endpoint or token URL), every credential
 * sent back as the mask must be given again: otherwise an editor who cannot read it re-points it to a host of their
 * own. `neverSent` names the paths that never leave this service (a webhook's HMAC signing keys): they may stay.
 */
export function assertKeptSecretsStay(incoming: SecretValues, before: Set<string>, after: Set<string>, neverSent: (path: string) => boolean = () => false): void {
  const added = [...after].filter((h) => !before.has(h));
  if (!added.length) return;
  const kept = Object.keys(incoming).filter((path) => incoming[path] === SECRET_MASK && !neverSent(path));
  if (!kept.length) return;
  const where = added.join(', ');
  throw new AppException('VALIDATION_FAILED', `Stored credentials would be sent to a new destination (${where}): send them again with the change: ${kept.join(', ')}`, {
    errors: kept.map((field) => ({ field, message: `is the mask, but the integration would now also call ${where}: send the value again (a stored credential never follows a change of scheme, host or port)` })),
  });
}
