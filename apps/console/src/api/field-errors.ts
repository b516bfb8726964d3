import { ApiError } from '@app/api-client';

/**
 * The API's field messages for one form: each message next to the form's field it names (`connection.url`), or,
 * for a message about a whole object (`auth`), next to the first field under it; the ones no field of the form
 * shows are listed above the form.
 */
export function fieldErrorsFor(error: unknown, fields: readonly string[]): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { byField, other };
  for (const { field, message } of error.fieldErrors) {
    const target = fields.includes(field) ? field : fields.find((f) => f.startsWith(`${field}.`) || f.startsWith(`${field}[`));
    if (target) byField[target] = byField[target] ? `${byField[target]}; ${message}` : message;
    else other.push(`${field}: ${message}`);
  }
  return { byField, other };
}
