import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Resource type of a virtual machine. Its resource ref is `<cluster>/<namespace>/<name>`. */
export const KUBEVIRT_VM_RESOURCE_TYPE = 'kubevirt-vm';

/**
 * Resource type of a place where VMs can be created. Creating has no VM yet, so
 * the create permission is checked against `<cluster>/<namespace>`.
 */
export const KUBEVIRT_NAMESPACE_RESOURCE_TYPE = 'kubevirt-namespace';

export type KubevirtVmPermission = ResourcePermission<
  typeof KUBEVIRT_VM_RESOURCE_TYPE
>;
export type KubevirtNamespacePermission = ResourcePermission<
  typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE
>;

const vmPermission = (
  name: string,
  action: 'read' | 'update' | 'delete' | 'create',
): KubevirtVmPermission =>
  createPermission({
    name: `kubevirt.vm.${name}`,
    attributes: { action },
    resourceType: KUBEVIRT_VM_RESOURCE_TYPE,
  });

/** See a VM, its instance, events, snapshots and YAML. */
export const vmReadPermission = vmPermission('read', 'read');
/** Edit a VM (spec, labels) and hot-plug or unplug its volumes. */
export const vmUpdatePermission = vmPermission('update', 'update');
/** Delete a VM. */
export const vmDeletePermission = vmPermission('delete', 'delete');
/** Start, stop (graceful and forced) and restart a VM. */
export const vmPowerPermission = vmPermission('power', 'update');
/** Pause and unpause a running VM. */
export const vmPausePermission = vmPermission('pause', 'update');
/** Live-migrate a VM and cancel a migration. */
export const vmMigratePermission = vmPermission('migrate', 'update');
/** Clone a VM into a new one. */
export const vmClonePermission = vmPermission('clone', 'create');
/** Take and delete snapshots of a VM. */
export const vmSnapshotPermission = vmPermission('snapshot', 'update');
/** Restore a VM from one of its snapshots. */
export const vmRestorePermission = vmPermission('restore', 'update');
/** Open the serial or VNC console of a VM. */
export const vmConsolePermission = vmPermission('console', 'update');

/** Create a VM in a cluster and namespace (resource ref `<cluster>/<namespace>`). */
export const vmCreatePermission: KubevirtNamespacePermission = createPermission(
  {
    name: 'kubevirt.vm.create',
    attributes: { action: 'create' },
    resourceType: KUBEVIRT_NAMESPACE_RESOURCE_TYPE,
  },
);

/** Every permission on existing VMs, in the order the UI lists them. */
export const kubevirtVmPermissions: KubevirtVmPermission[] = [
  vmReadPermission,
  vmUpdatePermission,
  vmPowerPermission,
  vmPausePermission,
  vmSnapshotPermission,
  vmRestorePermission,
  vmConsolePermission,
  vmMigratePermission,
  vmClonePermission,
  vmDeletePermission,
];

/** Every permission this plugin defines. */
export const kubevirtPermissions = [
  ...kubevirtVmPermissions,
  vmCreatePermission,
];
