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
  // what the guest agent reports (OS, users, file systems): KubeVirt's view role reads it (get on guestosinfo)
  diagnostics: vmReadPermission,
  update: vmUpdatePermission,
  // labels and annotations from the overview; the ownership keys also need delete (MetadataOperations)
  editMetadata: vmUpdatePermission,
  addVolume: vmUpdatePermission,
  removeVolume: vmUpdatePermission,
  delete: vmDeletePermission,
  start: vmPowerPermission,
  stop: vmPowerPermission,
  forceStop: vmPowerPermission,
  restart: vmPowerPermission,
  // the guest reboots inside the same instance: the same right as restarting the VM
  softReboot: vmPowerPermission,
  pause: vmPausePermission,
  unpause: vmPausePermission,
  migrate: vmMigratePermission,
  cancelMigration: vmMigratePermission,
  clone: vmClonePermission,
  snapshot: vmSnapshotPermission,
  deleteSnapshot: vmSnapshotPermission,
  restore: vmRestorePermission,
  console: vmConsolePermission,
  // changes of the VM's spec, live where KubeVirt can (hot-plug), else at the next restart
  resizeDisk: vmUpdatePermission,
  addInterface: vmUpdatePermission,
  removeInterface: vmUpdatePermission,
  hotplugResources: vmUpdatePermission,
  // a reusable copy of the VM's definition: the same right as cloning it (a create-type action on the source)
  saveAsSavedVmTemplate: vmClonePermission,
} as const satisfies Record<string, KubevirtVmPermission>;

export type VmOperation = keyof typeof vmOperationPermissions;

export const vmOperations = Object.keys(
  vmOperationPermissions,
) as VmOperation[];
