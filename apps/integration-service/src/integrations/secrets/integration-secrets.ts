import { AppException, FieldError, isAuthSecretField, isConnectionSecretKey, SECRET_MASK } from '@app/contracts';

/** Secret values by dotted path (`auth.password`, `connection.secret`, `connection.sasl.password`). */
export type SecretValues = Record<string, unknown>;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Splits auth and connection into what may be stored and shown in clear and what must be sealed.
 * Secret keys are removed from the public copies.
 */
export function splitSecrets(auth: Json, connection: Json): { auth: Json; connection: Json; secrets: SecretValues } {
  const secrets: SecretValues = {};
  const publicAuth: Json = {};
  for (const [k, v] of Object.entries(auth)) {
    if (v === undefined) continue;
    if (isAuthSecretField(k)) secrets[`auth.${k}`] = v;
    else if (k === 'custom' && isObject(v)) publicAuth[k] = walk(v, 'auth.custom', secrets);
    else publicAuth[k] = v;
  }
  return { auth: publicAuth, connection: walk(connection, 'connection', secrets), secrets };
}

function walk(obj: Json, prefix: string, secrets: SecretValues): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const path = `${prefix}.${k}`;
    if (isConnectionSecretKey(k) && !isObject(v)) secrets[path] = v;
    else out[k] = isObject(v) ? walk(v, path, secrets) : v;
  }
  return out;
}

function setPath(target: Json, path: string[], value: unknown): void {
  let cur = target;
  for (const p of path.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Json;
  }
  cur[path[path.length - 1]] = value;
}

/** Puts secret values back at their paths: `{ auth, connection }` deep copies, for a connector to use. */
export function mergeSecrets(auth: Json, connection: Json, secrets: SecretValues): { auth: Json; connection: Json } {
  const root: Json = { auth: structuredClone(auth), connection: structuredClone(connection) };
  for (const [path, value] of Object.entries(secrets)) setPath(root, path.split('.'), value);
  return { auth: root.auth as Json, connection: root.connection as Json };
}

/** `target` with `value` at `path`, copying only the objects on the path (the rest is shared, never changed). */
function withPath(target: Json, path: string[], value: unknown): Json {
  const [head, ...rest] = path;
  const next = target[head];
  return { ...target, [head]: rest.length ? withPath(isObject(next) ? next : {}, rest, value) : value };
}

/**
 * The mask at every secret path, for a response that is serialized at once: copies only what it changes, so the
 * row's objects are never modified and reading an integration does not deep-copy its whole configuration.
 */
export function maskSecrets(auth: Json, connection: Json, paths: Iterable<string>): { auth: Json; connection: Json } {
  let root: Json = { auth, connection };
  for (const path of paths) root = withPath(root, path.split('.'), SECRET_MASK);
  return { auth: root.auth as Json, connection: root.connection as Json };
}

/**
 * On update, a secret sent back as the mask means "keep the stored value". A mask where nothing is stored is
 * an error rather than a silently stored asterisk string.
 */
export function resolveMaskedSecrets(incoming: SecretValues, stored: SecretValues): SecretValues {
  const out: SecretValues = {};
  const errors: FieldError[] = [];
  for (const [path, value] of Object.entries(incoming)) {
    if (value === SECRET_MASK) {
      if (path in stored) out[path] = stored[path];
      else errors.push({ field: path, message: 'is the mask but no secret is stored here; send the real value' });
    } else out[path] = value;
  }
  if (errors.length) throw new AppException('VALIDATION_FAILED', `Masked secrets without a stored value: ${errors.map((e) => e.field).join(', ')}`, { errors });
  return out;
}
