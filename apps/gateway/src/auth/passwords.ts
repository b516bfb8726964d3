import { passwordVerifications } from '@app/observability';
import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (the library's defaults, spelled out). */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** An argon2id PHC string for `password`. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks `password` against `phc`; with no stored hash (unknown user) it still spends one verification on a
 * dummy hash, so that response time does not tell which usernames exist.
 */
export async function verifyPassword(phc: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('dummy password for unknown users');
  const target = phc ?? (await dummy);
  passwordVerifications.inc();
  try {
    const ok = await verify(target, password);
    return ok && phc !== undefined;
  } catch {
    return false;
  }
}
