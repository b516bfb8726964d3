import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

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
