import {
  ClusterCapabilities,
  UnavailableOperations,
  VmOperation,
} from '@kubevirt-backstage/plugin-kubevirt-common';

type Capability = keyof Pick<
  ClusterCapabilities,
  | 'snapshots'
  | 'liveMigration'
  | 'hotplugVolumes'
  | 'expandDisks'
  | 'hotplugNics'
  | 'cpuMemoryHotplug'
>;

interface Requirement {
  capability: Capability;
  operations: VmOperation[];
  reason: (cluster: string, c: ClusterCapabilities) => string;
}

/** A capability that is exactly one feature gate. */
const gated = (
  capability: Capability,
  gate: string,
  operations: VmOperation[],
): Requirement => ({
  capability,
  operations,
  reason: cluster => `cluster ${cluster} has no ${gate} feature gate`,
});

/** Which operations need which capability, and how a missing one is said. */
const requirements: Requirement[] = [
  {
    capability: 'snapshots',
    // KubeVirt's admitters refuse creating snapshots and restores without the gate; deleting one is allowed
    operations: ['snapshot', 'restore'],
    reason: (cluster, c) =>
      c.featureGates && !c.featureGates.includes('Snapshot')
        ? `cluster ${cluster} has no Snapshot feature gate`
        : `cluster ${cluster} does not serve snapshot.kubevirt.io`,
  },
  gated('liveMigration', 'LiveMigration', ['migrate']),
  gated('hotplugVolumes', 'HotplugVolumes', ['addVolume', 'removeVolume']),
  gated('expandDisks', 'ExpandDisks', ['resizeDisk']),
  gated('hotplugNics', 'HotplugNICs', ['addInterface', 'removeInterface']),
  {
    capability: 'cpuMemoryHotplug',
    operations: ['hotplugResources'],
    reason: (cluster, c) =>
      c.vmRolloutStrategy && c.vmRolloutStrategy !== 'LiveUpdate'
        ? `cluster ${cluster} does not roll VM changes out live (vmRolloutStrategy is ${c.vmRolloutStrategy}, not LiveUpdate)`
        : `cluster ${cluster} has no VMLiveUpdateFeatures feature gate`,
  },
];

/** The operations a cluster with these capabilities cannot perform, each with its reason. */
export function unavailableOperations(
  cluster: string,
  capabilities: ClusterCapabilities | undefined,
): UnavailableOperations {
  const result: UnavailableOperations = {};
  // not probed yet: nothing is known missing, so nothing is hidden
  if (!capabilities) return result;
  for (const { capability, operations, reason } of requirements) {
    if (capabilities[capability]) continue;
    for (const op of operations) result[op] = reason(cluster, capabilities);
  }
  return result;
}
