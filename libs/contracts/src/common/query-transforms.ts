/**
 * class-transformer helpers for query strings, where every value arrives as a string and a repeated key
 * (`?tag=a&tag=b`) as an array: one definition for every list endpoint.
 */
export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export const toArray = ({ value }: { value: unknown }): unknown => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
