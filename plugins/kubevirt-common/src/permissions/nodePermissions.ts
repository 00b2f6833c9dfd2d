import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Put a node of a cluster into maintenance and take it out: cordon it
 * (spec.unschedulable) and live-migrate the VMs off it, then uncordon it. A
 * basic permission, as a node holds the VMs of every team: the KubeVirt policy
 * grants it only through a binding without a scope, and only vm-admin has it
 * (the reference's power user "cannot manage or administer the Kubernetes
 * cluster").
 */
export const nodeMaintenancePermission = createPermission({
  name: 'kubevirt.node.maintenance',
  attributes: { action: 'update' },
});
