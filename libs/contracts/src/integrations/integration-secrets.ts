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

/** Keys of `connection` (at any depth) whose values are secrets, e.g. a webhook signing secret or a DSN. */
export const CONNECTION_SECRET_KEY = /(secret|password|passwd|token|private_key|credentials|creds|api_key|dsn|signing_key|connection_string)/i;

export function isAuthSecretField(key: string): boolean {
  return AUTH_SECRET_FIELDS.includes(key);
}

export function isConnectionSecretKey(key: string): boolean {
  return CONNECTION_SECRET_KEY.test(key);
}
