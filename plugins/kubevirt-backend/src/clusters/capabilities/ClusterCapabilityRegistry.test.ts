import { mockServices } from '@backstage/backend-test-utils';
import { ClusterCapabilities } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCapabilityRegistry } from './ClusterCapabilityRegistry';
import { gateEnabled } from './featureGates';

const capabilities = (over: Partial<ClusterCapabilities> = {}) =>
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
    ...over,
  } as ClusterCapabilities);

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++)
    await new Promise(r => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('gateEnabled (kubevirt pkg/virt-config/featuregate/inactive.go)', () => {
  it.each([
    ['ExpandDisks', 'v1.6.0', [], false],
    ['ExpandDisks', 'v1.6.0', ['ExpandDisks'], true],
    // GA: v1.8.0
    ['ExpandDisks', 'v1.8.0', [], true],
    ['HotplugNICs', 'v1.3.2', [], false],
    ['HotplugNICs', 'v1.4.0', [], true],
    ['VMLiveUpdateFeatures', 'v1.5.1', [], true],
    ['LiveMigration', 'v1.6.0', [], true],
    ['Snapshot', 'v1.6.0', [], false],
    ['Snapshot', 'v2.0.0', [], false],
    ['HotplugNICs', undefined, [], false],
  ])('%s on %s with %j listed: %s', (gate, version, listed, on) => {
    expect(gateEnabled(gate, version, listed)).toBe(on);
  });
});

describe('ClusterCapabilityRegistry', () => {
  const registry = (
    probe: jest.Mock<Promise<ClusterCapabilities>, []>,
    options = { refreshMs: 60_000, retryMs: 20 },
  ) =>
    new ClusterCapabilityRegistry(
      () => ['east'],
      cluster => (cluster === 'east' ? probe : undefined),
      mockServices.logger.mock(),
      options,
    );

  it('refuses nothing before a first probe, then what the probe says is missing', async () => {
    const probe = jest.fn(async () => capabilities({ hotplugVolumes: false }));
    const r = registry(probe);
    expect(r.unavailable('east')).toEqual({});
    expect(() => r.assertAvailable('east', 'addVolume', 'vm x')).not.toThrow();
    r.start();
    await waitFor(() => !!r.get('east'));
    expect(() => r.assertAvailable('east', 'addVolume', 'vm x')).toThrow(
      'Cannot addVolume vm x: cluster east has no HotplugVolumes feature gate',
    );
    expect(() => r.assertAvailable('east', 'migrate', 'vm x')).not.toThrow();
    r.stop();
  });

  it('probes again after retryMs when a probe failed', async () => {
    const probe = jest
      .fn<Promise<ClusterCapabilities>, []>()
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'))
      .mockResolvedValue(capabilities({ snapshots: false }));
    const r = registry(probe);
    r.start();
    await waitFor(() => !!r.get('east'));
    expect(probe).toHaveBeenCalledTimes(2);
    expect(r.unavailable('east').snapshot).toBeDefined();
    r.stop();
  });

  it('probes again soon after a cluster refused for a feature gate, not for other refusals', async () => {
    const probe = jest
      .fn<Promise<ClusterCapabilities>, []>()
      .mockResolvedValueOnce(capabilities())
      .mockResolvedValue(capabilities({ hotplugVolumes: false }));
    const r = registry(probe);
    r.start();
    await waitFor(() => !!r.get('east'));
    r.noteRefusal('east', new Error('VM is not running'));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(probe).toHaveBeenCalledTimes(1);
    r.noteRefusal(
      'east',
      new Error(
        'Unable to Add Volume because HotplugVolumes feature gate is not enabled.',
      ),
    );
    await waitFor(() => !!r.unavailable('east').addVolume);
    expect(probe).toHaveBeenCalledTimes(2);
    r.stop();
  });

  it('probes a cluster a locator added later when first asked about it', async () => {
    const probe = jest.fn(async () => capabilities({ expandDisks: false }));
    const r = new ClusterCapabilityRegistry(
      () => [],
      () => probe,
      mockServices.logger.mock(),
      { refreshMs: 60_000, retryMs: 20 },
    );
    r.start();
    expect(r.get('late')).toBeUndefined();
    await waitFor(() => !!r.get('late'));
    expect(r.unavailable('late').resizeDisk).toBe(
      'cluster late has no ExpandDisks feature gate',
    );
    r.stop();
  });
});
