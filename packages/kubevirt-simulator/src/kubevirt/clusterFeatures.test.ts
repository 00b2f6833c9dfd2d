import { simulatorWithKubectl } from '../__testUtils__/kubectl';

jest.setTimeout(90_000);

const snapshotYaml = `apiVersion: snapshot.kubevirt.io/v1beta1
kind: VirtualMachineSnapshot
metadata: {name: gated-snap, namespace: payments}
spec:
  source: {apiGroup: kubevirt.io, kind: VirtualMachine, name: payments-db-0}
`;
const migrationYaml = `apiVersion: kubevirt.io/v1
kind: VirtualMachineInstanceMigration
metadata: {name: gated-migration, namespace: payments}
spec: {vmiName: payments-db-0}
`;
const addVolume = JSON.stringify({
  name: 'data1',
  disk: { disk: { bus: 'scsi' } },
  volumeSource: { persistentVolumeClaim: { claimName: 'data1-pvc' } },
});
const addVolumePath =
  '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0/addvolume';

const sizedVmYaml = `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: sized, namespace: payments}
spec:
  runStrategy: Always
  template:
    spec:
      domain:
        cpu: {sockets: 1}
        memory: {guest: 1Gi}
        devices: {}
`;

/** Runs a VM with its own CPU and memory, then gives it a second socket; answers its conditions. */
async function addSocketToRunningVm(
  cluster: ReturnType<typeof simulatorWithKubectl>,
) {
  const { k, sim } = cluster;
  expect((await k.apply('sized.yaml', sizedVmYaml)).code).toBe(0);
  await sim.settled();
  const patch = await k.kubectl(
    'patch',
    'vm',
    'sized',
    '-n',
    'payments',
    '--type=merge',
    '-p',
    '{"spec":{"template":{"spec":{"domain":{"cpu":{"sockets":2}}}}}}',
  );
  expect(patch.code).toBe(0);
  await sim.settled();
  const vm = JSON.parse(
    (await k.kubectl('get', 'vm', 'sized', '-n', 'payments', '-o', 'json'))
      .stdout,
  );
  expect(vm.status.printableStatus).toBe('Running');
  return vm.status.conditions as { type: string; message?: string }[];
}

/**
 * The KubeVirt CR and what its gates and the installed parts change, driven
 * by the real kubectl. The CR follows kubevirt's crds.go (NewKubeVirtCrd:
 * namespaced, short names kv/kvs) and api/core/v1 KubeVirt types.
 */
describe('KubeVirt CR, feature gates and optional parts', () => {
  describe('a cluster with every gate and part (the default)', () => {
    const cluster = simulatorWithKubectl();

    it('lists kubevirts with short names kv,kvs in discovery', async () => {
      const { code, stdout } = await cluster.k.kubectl(
        'api-resources',
        '--api-group=kubevirt.io',
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /kubevirts\s+kv,kvs\s+kubevirt\.io\/v1\s+true\s+KubeVirt/,
      );
    });

    it('serves the deployed CR with its gates, rollout strategy and versions', async () => {
      const { code, stdout } = await cluster.k.kubectl(
        'get',
        'kv',
        'kubevirt',
        '-n',
        'kubevirt',
        '-o',
        'json',
      );
      expect(code).toBe(0);
      const kv = JSON.parse(stdout);
      expect(kv.status).toMatchObject({
        phase: 'Deployed',
        observedKubeVirtVersion: 'v1.6.0',
        targetKubeVirtVersion: 'v1.6.0',
      });
      expect(kv.spec.configuration.vmRolloutStrategy).toBe('LiveUpdate');
      expect(kv.spec.configuration.developerConfiguration.featureGates).toEqual(
        expect.arrayContaining(['Snapshot', 'HotplugVolumes', 'ExpandDisks']),
      );
    });

    it('accepts a snapshot and serves CDI and instancetypes', async () => {
      expect((await cluster.k.apply('snap.yaml', snapshotYaml)).code).toBe(0);
      const { stdout } = await cluster.k.kubectl('api-resources', '-o', 'name');
      expect(stdout).toContain('datavolumes.cdi.kubevirt.io');
      expect(stdout).toContain(
        'virtualmachineclusterinstancetypes.instancetype.kubevirt.io',
      );
    });
    it('rolls a CPU change of a running VM out live with LiveUpdate: no RestartRequired', async () => {
      const conditions = await addSocketToRunningVm(cluster);
      expect(conditions.map(c => c.type)).not.toContain('RestartRequired');
    });
  });

  describe('a cluster without optional gates, CDI or instancetypes', () => {
    const cluster = simulatorWithKubectl({
      features: {
        featureGates: [],
        vmRolloutStrategy: 'Stage',
        cdi: false,
        instancetypes: false,
      },
    });

    it('leaves the CDI and instancetype groups out of discovery', async () => {
      const { code, stdout } = await cluster.k.kubectl(
        'api-resources',
        '-o',
        'name',
      );
      expect(code).toBe(0);
      expect(stdout).toContain('virtualmachines.kubevirt.io');
      expect(stdout).not.toContain('cdi.kubevirt.io');
      expect(stdout).not.toContain('instancetype.kubevirt.io');
      const dv = await cluster.k.kubectl('get', 'dv', '-A');
      expect(dv.code).not.toBe(0);
      expect(dv.stderr).toContain(
        'the server doesn\'t have a resource type "dv"',
      );
    });

    it('refuses a snapshot as the vmsnapshot admitter does without the Snapshot gate', async () => {
      // vmsnapshot-admitter.go Admit: Create && !SnapshotEnabled()
      const { code, stderr } = await cluster.k.apply('snap.yaml', snapshotYaml);
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        'admission webhook "virtualmachinesnapshot-validator.snapshot.kubevirt.io" denied the request: snapshot feature gate not enabled',
      );
    });

    it('refuses a volume hot-plug as virt-api does without HotplugVolumes', async () => {
      // pkg/virt-api/rest/subresource.go addVolumeRequestHandler
      const { code, stderr } = await cluster.k.kubectl(
        'replace',
        '--raw',
        addVolumePath,
        '-f',
        cluster.k.file('add.json', addVolume),
      );
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        'Unable to Add Volume because HotplugVolumes feature gate is not enabled.',
      );
    });

    it('still live-migrates: LiveMigration is GA in 1.6 (featuregate/inactive.go)', async () => {
      const { code, stderr } = await cluster.k.apply(
        'vmim.yaml',
        migrationYaml,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });

    it('marks a running VM RestartRequired for a CPU change with the Stage rollout (vm.go)', async () => {
      const conditions = await addSocketToRunningVm(cluster);
      expect(conditions).toContainEqual(
        expect.objectContaining({
          type: 'RestartRequired',
          status: 'True',
          message:
            'a non-live-updatable field was changed in the template spec',
        }),
      );
    });

    it('follows a gate turned on in the CR at once, as virt-api watching the CR does', async () => {
      const patch = await cluster.k.kubectl(
        'patch',
        'kv',
        'kubevirt',
        '-n',
        'kubevirt',
        '--type=merge',
        '-p',
        JSON.stringify({
          spec: {
            configuration: {
              developerConfiguration: {
                featureGates: ['Snapshot', 'HotplugVolumes'],
              },
            },
          },
        }),
      );
      expect(patch.code).toBe(0);
      expect((await cluster.k.apply('snap.yaml', snapshotYaml)).code).toBe(0);
      const add = await cluster.k.kubectl(
        'replace',
        '--raw',
        addVolumePath,
        '-f',
        cluster.k.file('add.json', addVolume),
      );
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
    });
  });
});
