/**
 * Row values in database errors. PostgreSQL puts the values of the failing row into an error's DETAIL ("Failing
 * row contains (…)", "Key (username)=(…) already exists"), sometimes into WHERE (COPY's line) and into the message
 * of input errors (`invalid input syntax for type uuid: "…"`); TypeORM's QueryFailedError adds the statement's
 * `parameters`. Logged errors keep the code, the constraint and the statement, never the values.
 */
export const DB_VALUE = '[VALUE]';

/** Fields of pg's DatabaseError and TypeORM's QueryFailedError that carry values. */
const VALUE_FIELDS = ['parameters', 'detail', 'where'];

/** Messages of PostgreSQL that quote the offending input. */
const VALUE_IN_MESSAGE: Array<[RegExp, string]> = [
  [/((?:invalid input (?:syntax|value)|malformed [\w ]+ literal|invalid [\w ]+ value|date\/time field value out of range|unrecognized [\w ]+)[^:\n]*): (?:"[^\n]*"|[^\s\n][^\n]*)/g, `$1: ${DB_VALUE}`],
  [/(invalid byte sequence for encoding "[^"]+"): [^\n]*/g, `$1: ${DB_VALUE}`],
  [/value "[^\n]*?" is out of range/g, `value ${DB_VALUE} is out of range`],
];

const MAYBE_VALUE = /invalid|out of range|malformed|unrecognized/;

/** `text` with the input values PostgreSQL quoted in its messages replaced. Cheap when there is none. */
export function scrubDatabaseText(text: string): string {
  if (!MAYBE_VALUE.test(text)) return text;
  let out = text;
  for (const [re, replacement] of VALUE_IN_MESSAGE) out = out.replace(re, replacement);
  return out;
}

/** Whether a serialized error is one of PostgreSQL's (pg) or TypeORM's query errors. */
function isDatabaseError(e: Record<string, unknown>): boolean {
  return 'driverError' in e || 'parameters' in e || e.type === 'QueryFailedError' || (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && ('severity' in e || 'routine' in e));
}

/**
 * A serialized error (pino's form) without row values: for database errors the value fields are replaced and the
 * message and stack scrubbed; the driver's error and the cause are treated the same way. Copies only on change.
 */
export function censorDatabaseError(e: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > 4) return e;
  let out: Record<string, unknown> | undefined;
  const set = (k: string, v: unknown) => ((out ??= { ...e })[k] = v);
  if (isDatabaseError(e)) {
    for (const k of VALUE_FIELDS) if (e[k] !== undefined && e[k] !== null) set(k, DB_VALUE);
    for (const k of ['message', 'stack']) if (typeof e[k] === 'string') {
      const scrubbed = scrubDatabaseText(e[k] as string);
      if (scrubbed !== e[k]) set(k, scrubbed);
    }
  }
  for (const k of ['driverError', 'cause']) {
    const inner = e[k];
    // Errors are serialized (and censored) by redactSecrets when it reaches them.
    if (inner && typeof inner === 'object' && !(inner instanceof Error) && !Array.isArray(inner)) {
      const censored = censorDatabaseError(inner as Record<string, unknown>, depth + 1);
      if (censored !== inner) set(k, censored);
    }
  }
  return out ?? e;
}
