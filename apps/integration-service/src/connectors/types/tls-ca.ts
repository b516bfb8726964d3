import { FieldError } from '@app/contracts';

/** `connection.ca`: PEM certificates of a private CA, trusted instead of the system's for the server's certificate. */
export function checkCaBundle(c: Record<string, unknown>, errors: FieldError[]): void {
  if (c.ca !== undefined && (typeof c.ca !== 'string' || !c.ca.includes('-----BEGIN CERTIFICATE-----'))) errors.push({ field: 'ca', message: 'must be PEM certificates' });
}
