import {
  KubevirtVmPermission,
  vmClonePermission,
  vmConsolePermission,
  vmDeletePermission,
  vmMigratePermission,
  vmPausePermission,
  vmPowerPermission,
  vmReadPermission,
  vmRestorePermission,
  vmSnapshotPermission,
  vmUpdatePermission,
} from './permissions';

/**
 * The operations on an existing VM, each mapped to the one permission that
 * guards it. The broker authorizes through this table and the UI asks for it,
 * so a button and the route behind it can never disagree.
 */
export const vmOperationPermissions = {
  read: vmReadPermission,
  update: vmUpdatePermission,
  addVolume: vmUpdatePermission,
  removeVolume: vmUpdatePermission,
  delete: vmDeletePermission,
  start: vmPowerPermission,
  stop: vmPowerPermission,
  forceStop: vmPowerPermission,
  restart: vmPowerPermission,
  pause: vmPausePermission,
  unpause: vmPausePermission,
  migrate: vmMigratePermission,
  cancelMigration: vmMigratePermission,
  clone: vmClonePermission,
  snapshot: vmSnapshotPermission,
  deleteSnapshot: vmSnapshotPermission,
  restore: vmRestorePermission,
  console: vmConsolePermission,
} as const satisfies Record<string, KubevirtVmPermission>;

export type VmOperation = keyof typeof vmOperationPermissions;

export const vmOperations = Object.keys(vmOperationPermissions) as VmOperation[];
