import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** Roles in increasing power: each includes what the ones before it may do. */
export enum Role {
  Viewer = 'viewer',
  Operator = 'operator',
  Admin = 'admin',
}

const RANK: Record<Role, number> = { [Role.Viewer]: 1, [Role.Operator]: 2, [Role.Admin]: 3 };

/** What an endpoint needs, named once here; the gateway's guard enforces it (issue: gateway security). */
export const Permission = {
  IntegrationsRead: Role.Viewer,
  IntegrationsWrite: Role.Operator,
  /** A webhook's signing secret in clear, and its rotation: whoever holds it can forge or verify its messages. */
  IntegrationSecretsManage: Role.Admin,
  SystemRead: Role.Viewer,
  InventoryRead: Role.Viewer,
  InventorySync: Role.Operator,
  CommandsRun: Role.Operator,
  AccountsWrite: Role.Admin,
  UsersManage: Role.Admin,
  ApiKeysManage: Role.Admin,
  AuditRead: Role.Admin,
  /** The live event stream (SSE). */
  EventsRead: Role.Viewer,
} as const;
export type Permission = keyof typeof Permission;

export function isRole(value: unknown): value is Role {
  return (Object.values(Role) as unknown[]).includes(value);
}

/** Whether a caller with `role` holds `permission`. Unknown roles hold nothing. */
export function allows(role: unknown, permission: Permission): boolean {
  return isRole(role) && RANK[role] >= RANK[Permission[permission]];
}

export const PERMISSION_METADATA = 'mcp:permission';

export const PUBLIC_METADATA = 'mcp:public';

/** The least role that holds `permission`. */
export function minimumRole(permission: Permission): Role {
  return Permission[permission];
}

/**
 * Declares the permission an endpoint needs (every gateway endpoint carries one, or @Public()). The gateway's
 * guard refuses endpoints that declare neither. The OpenAPI operation gets `x-permission` and `x-minimum-role`.
 */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(SetMetadata(PERMISSION_METADATA, permission), ApiExtension('x-permission', permission), ApiExtension('x-minimum-role', Permission[permission]));

/** Marks an endpoint as reachable without credentials (login, refresh, health, metrics). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_METADATA, true), ApiExtension('x-public', true));
