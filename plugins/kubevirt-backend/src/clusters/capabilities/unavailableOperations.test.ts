import {
  ClusterCapabilities,
  VmOperation,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  unavailableOperationError,
  unavailableOperations,
} from './unavailableOperations';

const all: ClusterCapabilities = {
  kubevirtVersion: 'v1.6.0',
  featureGates: ['Snapshot', 'HotplugVolumes', 'ExpandDisks'],
  vmRolloutStrategy: 'LiveUpdate',
  cdi: true,
  instancetypes: true,
  snapshots: true,
  liveMigration: true,
  hotplugVolumes: true,
  expandDisks: true,
  hotplugNics: true,
  cpuMemoryHotplug: true,
  metrics: true,
};

const refusal = (capabilities: ClusterCapabilities, operation: VmOperation) => {
  const reason = unavailableOperations('east', capabilities)[operation];
  expect(reason).toBeDefined();
  return unavailableOperationError(
    operation,
    'virtual machine payments/db-0',
    reason!,
    capabilities,
  );
};

describe('unavailableOperationError', () => {
  it('is a 409 when the cluster is configured not to: a feature gate off', () => {
    const error = refusal({ ...all, hotplugVolumes: false }, 'addVolume');
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'Cannot addVolume virtual machine payments/db-0: cluster east has no HotplugVolumes feature gate',
    );
    const snapshot = refusal(
      { ...all, snapshots: false, featureGates: ['HotplugVolumes'] },
      'snapshot',
    );
    expect(snapshot.name).toBe('ConflictError');
    expect(snapshot.message).toContain('no Snapshot feature gate');
  });

  it('is a 409 for a rollout strategy that is not LiveUpdate', () => {
    const error = refusal(
      { ...all, cpuMemoryHotplug: false, vmRolloutStrategy: 'Stage' },
      'hotplugResources',
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain('vmRolloutStrategy is Stage');
  });

  it('is a 501 when the API the operation needs is not installed', () => {
    const error = refusal({ ...all, snapshots: false }, 'restore');
    expect(error.name).toBe('NotImplementedError');
    expect(error.message).toBe(
      'Cannot restore virtual machine payments/db-0: cluster east does not serve snapshot.kubevirt.io',
    );
  });

  it('is a 409 for a reason the capabilities do not explain (a right the broker lacks there)', () => {
    const error = unavailableOperationError(
      'migrate',
      'virtual machine payments/db-0',
      'the broker may not create virtualmachineinstancemigrations on cluster east',
      all,
    );
    expect(error.name).toBe('ConflictError');
  });
});
