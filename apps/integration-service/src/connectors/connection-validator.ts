import { Direction, FieldError } from '@app/contracts';
import { invalidPlaceholders } from './http/template';

/** Headers the client owns (framing, connection management): setting them would break or smuggle requests. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-connection']);

/** Whether a connection in `direction` sends events out; without a direction (a type-only check) it is taken as outbound. */
export const sendsOut = (direction?: Direction): boolean => direction !== Direction.INBOUND;
/** Whether a connection in `direction` receives (inbound or bidirectional). */
export const receivesIn = (direction?: Direction): boolean => direction === Direction.INBOUND || direction === Direction.BIDIRECTIONAL;

/**
 * The one way a connector validates its `connection` object (their shape differs per type, so no DTO class):
 * collect every problem as a FieldError, then return `errors`. Typed checks for the common fields, `check` for a
 * type's own rule.
 */
export class ConnectionFields {
  readonly errors: FieldError[] = [];
  /** Whether the connection sends events out (its outbound fields are required); true without a direction. */
  readonly sendsOut: boolean;
  /** Whether the connection receives (its inbound fields are required). */
  readonly receivesIn: boolean;

  constructor(
    private readonly c: Record<string, unknown>,
    direction?: Direction,
  ) {
    this.sendsOut = sendsOut(direction);
    this.receivesIn = receivesIn(direction);
  }

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  /** A key that is set (`undefined` means absent) must pass `valid`, else `message`; absent fails only with `required` (its message). */
  check(key: string, valid: (v: unknown) => boolean, message: string, required?: string): void {
    const v = this.c[key];
    if (v === undefined) {
      if (required !== undefined) this.fail(key, required);
      return;
    }
    if (!valid(v)) this.fail(key, message);
  }

  /** A number in [min, max] when set; whole with `integer` (and then the message says so by default). */
  range(key: string, min: number, max: number, opts: { integer?: boolean; message?: string } = {}): void {
    const message = opts.message ?? (opts.integer ? `must be an integer between ${min} and ${max}` : `must be between ${min} and ${max}`);
    this.check(key, (v) => typeof v === 'number' && (!opts.integer || Number.isInteger(v)) && v >= min && v <= max, message);
  }

  boolean(key: string): void {
    this.check(key, (v) => typeof v === 'boolean', 'must be a boolean');
  }

  has(key: string): boolean {
    return this.c[key] !== undefined && this.c[key] !== null;
  }

  /** An absolute http(s) URL; with `template`, `{{...}}` placeholders are allowed (and checked). */
  url(key: string, required: boolean, template = false): void {
    const v = this.c[key];
    if (v === undefined || v === null || v === '') {
      if (required) this.fail(key, `${key} is required`);
      return;
    }
    if (typeof v !== 'string' || v.length > 2048) return this.fail(key, `${key} must be a URL of at most 2048 characters`);
    if (template) this.placeholders(key, v);
    const probe = template ? v.replace(/\{\{[^{}]*\}\}/g, 'x') : v;
    let url: URL;
    try {
      url = new URL(probe);
    } catch {
      return this.fail(key, `${key} must be an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') this.fail(key, `${key} must use http or https`);
    // A placeholder in the authority would let an event choose the host.
    if (template && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\{\{/i.test(v)) {
      this.fail(key, `${key} may use placeholders in its path and query only`);
    }
  }

  string(key: string, opts: { required?: boolean; max?: number; oneOf?: readonly string[] } = {}): void {
    const v = this.c[key];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(key, `${key} is required`);
      return;
    }
    if (typeof v !== 'string' || (opts.required && v.trim() === '')) return this.fail(key, `${key} must be a non-empty string`);
    if (opts.max && v.length > opts.max) this.fail(key, `${key} must be at most ${opts.max} characters`);
    if (opts.oneOf && !opts.oneOf.includes(v)) this.fail(key, `${key} must be one of ${opts.oneOf.join(', ')}`);
  }

  int(key: string, min: number, max: number): void {
    const v = this.c[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `${key} must be an integer between ${min} and ${max}`);
    }
  }

  /** Header-like map of strings; names must be HTTP tokens. */
  headers(key: string): void {
    const v = this.c[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(key, `${key} must be an object of strings`);
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > 50) this.fail(key, `${key} may have at most 50 entries`);
    for (const [name, value] of entries) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name)) this.fail(`${key}.${name}`, 'not a valid header name');
      else if (RESERVED_HEADERS.has(name.toLowerCase())) this.fail(`${key}.${name}`, 'is set by the HTTP client and cannot be configured');
      else if (typeof value !== 'string' || value.length > 8192) this.fail(`${key}.${name}`, 'must be a string of at most 8192 characters');
      else this.placeholders(`${key}.${name}`, value);
    }
  }

  /** A JSON template: an object/array, or a string holding JSON. Returns the parsed template. */
  jsonTemplate(key: string): unknown {
    const v = this.c[key];
    if (v === undefined || v === null) return undefined;
    let parsed: unknown = v;
    if (typeof v === 'string') {
      try {
        parsed = JSON.parse(v);
      } catch {
        this.fail(key, `${key} must be JSON`);
        return undefined;
      }
    }
    if (typeof parsed !== 'object' || parsed === null) {
      this.fail(key, `${key} must be a JSON object or array`);
      return undefined;
    }
    this.placeholders(key, parsed);
    return parsed;
  }

  private placeholders(key: string, template: unknown): void {
    const bad = invalidPlaceholders(template);
    if (bad.length) this.fail(key, `${key} has placeholders that cannot resolve: ${bad.join(', ')} (use event.* or delivery.*)`);
  }
}

/** A JSON template from `connection` (object or JSON string), already validated. */
export function parseJsonTemplate(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
}
