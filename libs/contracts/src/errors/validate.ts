import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppException, FieldError } from './app.exception';

/** Flattens class-validator's tree into `field: message` pairs with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) {
      out.push({ field: path, message: msg.replace(/^property (\S+) should not exist$/, 'unknown field') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

export const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** NUL, which PostgreSQL cannot store in text or jsonb, and a lone surrogate, which is not Unicode (jsonb refuses it too). */
const UNSTORABLE_TEXT = /[\u0000\p{Cs}]/u;
const UNSTORABLE_MESSAGE = 'must not contain NUL (\\u0000) or unpaired surrogate characters';

/**
 * Every string (and object key) in untrusted input that no database column could hold, by dotted path. Walked
 * with an explicit stack: the input's depth is the sender's choice.
 */
export function unstorableText(input: unknown, root = ''): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<[unknown, string]> = [[input, root]];
  while (stack.length) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) out.push({ field: path || 'value', message: `${path || 'value'} ${UNSTORABLE_MESSAGE}` });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], path ? `${path}.${i}` : String(i)]);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>).reverse()) {
        const child = path ? `${path}.${k}` : k;
        if (UNSTORABLE_TEXT.test(k)) out.push({ field: child.replace(/[\u0000\p{Cs}]/gu, '?'), message: `a key ${UNSTORABLE_MESSAGE}` });
        else stack.push([v, child]);
      }
    }
  }
  return out;
}

/** Throws VALIDATION_FAILED naming each field whose text no database column could hold (see unstorableText). */
export function assertStorableText(input: unknown, what = 'payload', root = ''): void {
  const bad = unstorableText(input, root);
  if (!bad.length) return;
  throw invalidFields(what, bad);
}

/** VALIDATION_FAILED for `what` (a body, a payload, a tool's arguments): the detail names each bad field once, `errors` keeps every message. */
export function invalidFields(what: string, errors: FieldError[]): AppException {
  const fields = [...new Set(errors.map((f) => f.field))];
  return new AppException('VALIDATION_FAILED', `The ${what} has ${fields.length} invalid field${fields.length === 1 ? '' : 's'}: ${fields.join(', ')}`, { errors });
}

/**
 * Turns untrusted input into a validated instance of a contract class, or throws VALIDATION_FAILED naming
 * every bad field. The same function guards HTTP bodies, NATS payloads and commands built in code.
 */
export function validateInto<T extends object>(cls: ClassConstructor<T>, input: unknown, what = 'payload'): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AppException('VALIDATION_FAILED', `The ${what} must be a JSON object`);
  }
  // Before the rules: a NUL passes @IsString and would reach PostgreSQL, which refuses it (a 500).
  assertStorableText(input, what);
  const instance = plainToInstance(cls, input, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, VALIDATOR_OPTIONS);
  if (errors.length) throw invalidFields(what, flattenValidationErrors(errors));
  return instance;
}
