/**
 * Which values of an integration are secrets. They are encrypted at rest, masked in every
 * response and stripped from every event. One rule for the whole code base: change it here.
 */
export const SECRET_MASK = '********';

/** Secret fields of `auth`. */
export const AUTH_SECRET_FIELDS: readonly string[] = [
  'api_key',
  'password',
  'token',
  'client_secret',
  'consumer_secret',
  'token_secret',
  'secret_access_key',
  'session_token',
  'private_key',
  'passphrase',
];

/**
 * Words that make a key a credential, matched in the key with case and separators removed, so `api_key`,
 * `apiKey`, `X-Api-Key` and `API-KEY` are one shape, as are `authorization`, `Proxy-Authorization` and `cookie`.
 */
const CREDENTIAL_WORDS = /secret|password|passwd|passphrase|token|privatekey|credential|creds|apikey|dsn|signingkey|encryptionkey|connectionstring|authorization|cookie|sessionid/;
/** Whole keys that are credentials but too short to look for inside longer ones. */
const CREDENTIAL_KEYS = new Set(['pass', 'pwd', 'jwt']);
const decided = new Map<string, boolean>();

/**
 * Whether a key (of `connection` or `health_check` at any depth, a header name, a log field) names a credential.
 * One rule for stored integrations and log lines. Decisions are cached: the keys seen are a small set.
 */
export function isCredentialKey(key: string): boolean {
  let yes = decided.get(key);
  if (yes === undefined) {
    const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
    yes = CREDENTIAL_WORDS.test(k) || CREDENTIAL_KEYS.has(k);
    if (decided.size < 10_000) decided.set(key, yes);
  }
  return yes;
}

export function isAuthSecretField(key: string): boolean {
  return AUTH_SECRET_FIELDS.includes(key);
}

/** The parts of `scheme://user:password@host…` (WHATWG: the user-info ends at the last `@` before the path). */
function userInfo(value: string): { head: string; user: string; password: string; rest: string } | null {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/\\?#]*)/i.exec(value);
  if (!m) return null;
  const at = m[2].lastIndexOf('@');
  if (at < 0) return null;
  const info = m[2].slice(0, at);
  const colon = info.indexOf(':');
  if (colon < 0) return null;
  return { head: m[1], user: info.slice(0, colon), password: info.slice(colon + 1), rest: value.slice(m[1].length + at) };
}

/** Whether a string is a URL with a password in it (`https://u:PASSWORD@host/…`, `nats://u:p@h`, `postgres://…`). */
export function hasUrlPassword(value: string): boolean {
  const u = value.includes('@') ? userInfo(value) : null;
  return !!u && u.password !== '';
}

/** The URL with its password replaced by `mask`, the rest exactly as given (the form responses show and events carry). */
export function maskUrlPassword(value: string, mask = SECRET_MASK): string {
  const u = userInfo(value);
  return u && u.password !== '' ? `${u.head}${u.user}:${mask}${u.rest}` : value;
}

/** Every URL password in a text censored (log lines, error messages). */
export function redactUrlPasswords(text: string, mask = '[REDACTED]'): string {
  if (!text.includes('://') || !text.includes('@')) return text;
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/\\?#@:]*):[^\s/\\?#]*@/gi, `$1:${mask}@`);
}
