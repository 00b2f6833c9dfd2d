import { ConflictError, NotImplementedError } from '@backstage/errors';
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
  /** Whether what is missing is an API the cluster does not serve (501), not one configured off (409). */
  notInstalled?: (c: ClusterCapabilities) => boolean;
}

const snapshotGateOff = (c: ClusterCapabilities) =>
  !!c.featureGates && !c.featureGates.includes('Snapshot');

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
      snapshotGateOff(c)
        ? `cluster ${cluster} has no Snapshot feature gate`
        : `cluster ${cluster} does not serve snapshot.kubevirt.io`,
    notInstalled: c => !snapshotGateOff(c),
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

/**
 * The refusal of an operation the cluster cannot perform, before anything
 * reaches it: 501 when the API it needs is not installed there, 409 when the
 * cluster could but is configured not to (a feature gate off, the rollout
 * strategy, a right the broker lacks there), with the reason.
 */
export function unavailableOperationError(
  operation: VmOperation,
  target: string,
  reason: string,
  capabilities: ClusterCapabilities | undefined,
): Error {
  const unmet =
    capabilities &&
    requirements.find(
      r => r.operations.includes(operation) && !capabilities[r.capability],
    );
  const message = `Cannot ${operation} ${target}: ${reason}`;
  return unmet && unmet.notInstalled?.(capabilities)
    ? new NotImplementedError(message)
    : new ConflictError(message);
}
