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

/**
 * Turns untrusted input into a validated instance of a contract class, or throws VALIDATION_FAILED naming
 * every bad field. The same function guards HTTP bodies, NATS payloads and commands built in code.
 */
export function validateInto<T extends object>(cls: ClassConstructor<T>, input: unknown, what = 'payload'): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AppException('VALIDATION_FAILED', `The ${what} must be a JSON object`);
  }
  const instance = plainToInstance(cls, input, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, VALIDATOR_OPTIONS);
  if (errors.length) {
    const fieldErrors = flattenValidationErrors(errors);
    // one field can break several rules: the detail names it once, `errors` keeps every message
    const fields = [...new Set(fieldErrors.map((f) => f.field))];
    throw new AppException(
      'VALIDATION_FAILED',
      `The ${what} has ${fields.length} invalid field${fields.length === 1 ? '' : 's'}: ${fields.join(', ')}`,
      { errors: fieldErrors },
    );
  }
  return instance;
}
