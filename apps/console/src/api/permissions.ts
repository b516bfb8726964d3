import type { paths } from '@app/api-client';
import minimumRoles from 'virtual:minimum-roles';
import type { Role } from './session';

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type MethodsOf<P extends keyof paths> = { [M in HttpMethod]: [NonNullable<paths[P][M]>] extends [never] ? never : M }[HttpMethod];

/** An operation of the API as `METHOD /path` (from the generated types, so a renamed route fails the type-check). */
export type Operation = { [P in keyof paths]: `${Uppercase<MethodsOf<P>>} ${P & string}` }[keyof paths];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/**
 * Whether `role` may call `operation`, by the `x-minimum-role` the gateway declares for it in its OpenAPI
 * document (read at build time from libs/api-client/openapi.json, the one the client is generated from): the
 * console hides what the API would refuse, from the same source of truth, so the two cannot drift. Public
 * operations have no minimum role; an operation the document does not know is refused.
 */
export function can(role: Role | undefined, operation: Operation): boolean {
  const table = minimumRoles as Record<string, Role | 'public'>;
  const needed = table[operation];
  if (needed === 'public') return true;
  if (!role || !needed) return false;
  return RANK[role] >= RANK[needed];
}
