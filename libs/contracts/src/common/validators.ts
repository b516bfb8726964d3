import { Type } from 'class-transformer';
// eslint-disable-next-line no-restricted-imports -- the one place IsOptional is wrapped (OptionalOrNull)
import { IsObject, IsOptional, registerDecorator, ValidateIf, ValidateNested, ValidationArguments, ValidationOptions } from 'class-validator';

/** A flat map of string keys to string values, bounded in size (tags, headers). */
export function IsStringRecord(
  opts: { maxEntries?: number; maxKeyLength?: number; maxValueLength?: number; forbidInKey?: string } = {},
  validationOptions?: ValidationOptions,
) {
  const { maxEntries = 50, maxKeyLength = 128, maxValueLength = 256, forbidInKey } = opts;
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isStringRecord',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          if (entries.length > maxEntries) return false;
          return entries.every(
            ([k, v]) =>
              k.length > 0 &&
              k.length <= maxKeyLength &&
              (!forbidInKey || !k.includes(forbidInKey)) &&
              typeof v === 'string' &&
              v.length <= maxValueLength,
          );
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be an object of at most ${maxEntries} string values (keys 1-${maxKeyLength} chars${
            forbidInKey ? ` without '${forbidInKey}'` : ''
          }, values up to ${maxValueLength} chars)`;
        },
      },
    });
  };
}

/** A JSON object (not an array, not null) whose serialised size stays under a bound. */
export function IsBoundedObject(maxBytes = 64 * 1024, validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isBoundedObject',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          try {
            return Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
          } catch {
            return false;
          }
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be a JSON object of at most ${maxBytes} bytes`;
        },
      },
    });
  };
}

/**
 * The field may be left out; `null` is a value like any other and must pass the field's rules. class-validator's
 * `@IsOptional()` skips the rules for null too, which sent `{"disabled": null}` on to a NOT NULL column (a 500).
 * Where null means something (it clears the field) and the type says `| null`, use OptionalOrNull().
 */
export function Optional(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, validationOptions);
}

/** The field may be left out or be null (which clears it); any other value must pass the field's rules. */
export function OptionalOrNull(validationOptions?: ValidationOptions): PropertyDecorator {
  return IsOptional(validationOptions);
}

/**
 * A nested contract object. `@ValidateNested()` alone accepts an array (it validates each element, of which an
 * empty one has none), so `"targets": []` reached code that reads `targets.account_ids` (a 500).
 */
export function Nested(type: () => new () => object, validationOptions?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) => {
    IsObject({ message: `${String(propertyName)} must be an object`, ...validationOptions })(object, propertyName);
    ValidateNested(validationOptions)(object, propertyName);
    Type(type)(object, propertyName);
  };
}
