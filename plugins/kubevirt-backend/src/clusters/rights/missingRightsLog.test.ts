import { mockServices } from '@backstage/backend-test-utils';
import {
  ClusterCapabilities,
  MissingClusterRight,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCapabilityRegistry } from '../capabilities/ClusterCapabilityRegistry';

const migrate: MissingClusterRight = {
  group: 'subresources.kubevirt.io',
  resource: 'virtualmachines/migrate',
  verb: 'update',
  why: 'live migration, node evacuation',
  operations: ['migrate'],
};

const capabilities = (missingRights?: MissingClusterRight[]) =>
  ({
    cdi: true,
    instancetypes: true,
    snapshots: true,
    liveMigration: true,
    hotplugVolumes: true,
    expandDisks: true,
    hotplugNics: true,
    cpuMemoryHotplug: true,
    metrics: false,
    missingRights,
  } as ClusterCapabilities);

describe('missing rights in the capability registry', () => {
  it('logs each missing right with the cluster, verb and resource once, again only when the set changes', async () => {
    const logger = mockServices.logger.mock();
    const answers = [[migrate], [migrate], [], undefined];
    const probe = jest.fn(async () => capabilities(answers.shift()));
    const registry = new ClusterCapabilityRegistry(
      () => ['lab'],
      () => probe,
      logger,
      { refreshMs: 60_000, retryMs: 20 },
    );
    await registry.refresh('lab');
    expect(logger.warn).toHaveBeenCalledWith(
      'KubeVirt cluster lab: the broker may not update virtualmachines/migrate (subresources.kubevirt.io), needed for live migration, node evacuation; disabled there: migrate',
    );
    expect(registry.unavailable('lab')).toEqual({
      migrate:
        'the broker may not update virtualmachines/migrate (subresources.kubevirt.io) on cluster lab',
    });
    expect(() =>
      registry.assertAvailable('lab', 'migrate', 'virtual machine a/b'),
    ).toThrow(
      'Cannot migrate virtual machine a/b: the broker may not update virtualmachines/migrate',
    );
    await registry.refresh('lab');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await registry.refresh('lab');
    expect(logger.info).toHaveBeenCalledWith(
      'KubeVirt cluster lab: the broker has every right it needs',
    );
    expect(registry.unavailable('lab')).toEqual({});
    // rights not checked this time: nothing said, nothing refused
    await registry.refresh('lab');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(registry.unavailable('lab')).toEqual({});
    registry.stop();
  });
});
