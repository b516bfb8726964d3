import { SetMetadata } from '@nestjs/common';

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
  SystemRead: Role.Viewer,
  InventoryRead: Role.Viewer,
  InventorySync: Role.Operator,
  CommandsRun: Role.Operator,
  AccountsWrite: Role.Admin,
  UsersManage: Role.Admin,
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

/** Declares the permission an endpoint needs (every gateway endpoint carries one). */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_METADATA, permission);
