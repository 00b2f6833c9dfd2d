import { Permission } from '@backstage/plugin-permission-common';
import {
  vmClonePermission,
  vmConsolePermission,
  vmCreatePermission,
  vmDeletePermission,
  vmMigratePermission,
  vmPausePermission,
  vmPowerPermission,
  vmReadPermission,
  vmRestorePermission,
  vmSnapshotPermission,
  vmUpdatePermission,
} from './permissions';
import { nodeMaintenancePermission } from './nodePermissions';

/** VM roles, weakest first; each holds the rights of the one before it. */
export const vmRoles = [
  'vm-viewer',
  'vm-user',
  'vm-power-user',
  'vm-admin',
] as const;

export type VmRole = (typeof vmRoles)[number];

const viewer = [vmReadPermission];
const user = [
  ...viewer,
  vmUpdatePermission,
  vmPowerPermission,
  vmPausePermission,
  vmSnapshotPermission,
  vmRestorePermission,
  vmConsolePermission,
];
const powerUser = [...user, vmMigratePermission, vmClonePermission];
const admin = [
  ...powerUser,
  vmCreatePermission,
  vmDeletePermission,
  nodeMaintenancePermission,
];

/** The role table: which permissions each VM role grants. */
export const vmRolePermissions: Record<VmRole, readonly Permission[]> = {
  'vm-viewer': viewer,
  'vm-user': user,
  'vm-power-user': powerUser,
  'vm-admin': admin,
};

export function isVmRole(value: unknown): value is VmRole {
  return vmRoles.includes(value as VmRole);
}

export function roleGrants(role: VmRole, permission: Permission): boolean {
  return vmRolePermissions[role].some(p => p.name === permission.name);
}

/** The weakest role that grants a permission, for "needs vm-power-user" hints. */
export function weakestRoleFor(permission: Permission): VmRole | undefined {
  return vmRoles.find(role => roleGrants(role, permission));
}
