import { AppException, IntegrationStatus as S } from '@app/contracts';

/**
 * The seed's lifecycle: CONFIGURING → TESTING → ACTIVE; ACTIVE ↔ ERROR (health); any → INACTIVE (disable);
 * → DEPRECATED (kept, read-only, receives nothing). Health results may also move CONFIGURING to ACTIVE/ERROR.
 */
const ALLOWED: Record<S, readonly S[]> = {
  [S.CONFIGURING]: [S.TESTING, S.ACTIVE, S.ERROR, S.INACTIVE, S.DEPRECATED],
  [S.TESTING]: [S.ACTIVE, S.ERROR, S.INACTIVE, S.DEPRECATED],
  [S.ACTIVE]: [S.TESTING, S.ERROR, S.INACTIVE, S.DEPRECATED],
  [S.ERROR]: [S.TESTING, S.ACTIVE, S.INACTIVE, S.DEPRECATED],
  [S.INACTIVE]: [S.CONFIGURING, S.DEPRECATED],
  [S.DEPRECATED]: [],
};

export function canTransition(from: S, to: S): boolean {
  return ALLOWED[from]?.includes(to) ?? false;
}

export function assertTransition(from: S, to: S, name: string): void {
  if (from === S.DEPRECATED) throw new AppException('INTEGRATION_DEPRECATED', `Integration "${name}" is deprecated: it is read-only and receives nothing`);
  if (!canTransition(from, to)) throw new AppException('INTEGRATION_INVALID_TRANSITION', `Integration "${name}" cannot go from ${from} to ${to}`);
}

