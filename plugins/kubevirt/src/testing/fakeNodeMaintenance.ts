import { NodeMaintenanceStatus } from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * A node in memory: maintenance on cordons it and starts migrating the one VM
 * on it, which is gone from the node at the next read; off uncordons it.
 */
export function fakeNodeMaintenance(vm: { namespace: string; name: string }) {
  let unschedulable = false;
  let vms = [{ ...vm, migrating: false }];
  const status = (cluster: string, node: string): NodeMaintenanceStatus => ({
    cluster,
    node,
    unschedulable,
    ready: true,
    vmCount: vms.length,
    vms,
    drained: unschedulable && vms.length === 0,
  });
  let migratingReads = 0;
  return {
    getNodeMaintenance: jest.fn(async (cluster: string, node: string) => {
      // one read while migrating, then the VM has left
      if (vms.some(v => v.migrating) && migratingReads++ > 0) vms = [];
      return status(cluster, node);
    }),
    startNodeMaintenance: jest.fn(async (cluster: string, node: string) => {
      unschedulable = true;
      vms = vms.map(v => ({ ...v, migrating: true }));
      return {
        ...status(cluster, node),
        dryRun: false,
        results: [
          {
            namespace: vm.namespace,
            name: vm.name,
            result: 'migrating' as const,
          },
        ],
      };
    }),
    stopNodeMaintenance: jest.fn(async (cluster: string, node: string) => {
      unschedulable = false;
      return { ...status(cluster, node), dryRun: false };
    }),
  };
}
