import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(60_000);

/**
 * KubeVirt 1.6's kinds as its virt-operator declares them
 * (pkg/virt-operator/resource/generate/components/crds.go), their printer
 * columns, the VMI without a status subresource, and the virt-launcher
 * pods' logs, driven with the real kubectl.
 */
describe('KubeVirt kinds, printer columns and pod logs', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  // crds.go NewPresetCrd, NewReplicaSetCrd, NewVirtualMachinePoolCrd, NewVirtualMachineExportCrd, NewMigrationPolicyCrd
  it('lists the other KubeVirt kinds with their groups, versions, scopes and short names', async () => {
    const all = await kubectl('api-resources');
    expect(all.code).toBe(0);
    for (const row of [
      /^virtualmachineinstancepresets\s+vmipreset,vmipresets\s+kubevirt\.io\/v1\s+true\s+VirtualMachineInstancePreset$/m,
      /^virtualmachineinstancereplicasets\s+vmirs,vmirss\s+kubevirt\.io\/v1\s+true\s+VirtualMachineInstanceReplicaSet$/m,
      /^virtualmachinepools\s+vmpool,vmpools\s+pool\.kubevirt\.io\/v1alpha1\s+true\s+VirtualMachinePool$/m,
      /^virtualmachineexports\s+vmexport,vmexports\s+export\.kubevirt\.io\/v1beta1\s+true\s+VirtualMachineExport$/m,
      /^migrationpolicies\s+migrations\.kubevirt\.io\/v1alpha1\s+false\s+MigrationPolicy$/m,
    ])
      expect(all.stdout).toMatch(row);
    // the categories: 'all' for the namespaced kinds, none for migration policies
    const wide = await kubectl('api-resources', '-o', 'wide');
    expect(wide.stdout).toMatch(/^virtualmachinepools\s.*\sall$/m);
    expect(wide.stdout).toMatch(
      /^migrationpolicies\s.*MigrationPolicy\s+create,delete,deletecollection,get,list,patch,update,watch\s*$/m,
    );
  });

  it('stores them, with their printer columns, and a cluster-scoped migration policy', async () => {
    const applied = await k.apply(
      'kinds.yaml',
      `apiVersion: pool.kubevirt.io/v1alpha1
kind: VirtualMachinePool
metadata: {name: workers, namespace: payments}
spec:
  replicas: 3
  selector: {matchLabels: {pool: workers}}
  virtualMachineTemplate:
    metadata: {labels: {pool: workers}}
    spec: {runStrategy: Halted, template: {spec: {domain: {devices: {}}}}}
---
apiVersion: export.kubevirt.io/v1beta1
kind: VirtualMachineExport
metadata: {name: db-export, namespace: payments}
spec:
  source: {apiGroup: kubevirt.io, kind: VirtualMachine, name: payments-db-0}
---
apiVersion: migrations.kubevirt.io/v1alpha1
kind: MigrationPolicy
metadata: {name: fast-lane}
spec:
  allowAutoConverge: true
  selectors:
    namespaceSelector: {tier: gold}
`,
    );
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(
      'virtualmachinepool.pool.kubevirt.io/workers created',
    );
    expect(applied.stdout).toContain(
      'migrationpolicy.migrations.kubevirt.io/fast-lane created',
    );
    const pools = await kubectl('get', 'vmpool', '-n', 'payments');
    expect(pools.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m);
    // .status.replicas is not there: a null cell, printed empty
    expect(pools.stdout).toMatch(/^workers\s+3\s+\S+s$/m);
    const exports = await kubectl('get', 'vmexport', '-n', 'payments');
    expect(exports.stdout).toMatch(/^NAME\s+SOURCEKIND\s+SOURCENAME\s+PHASE$/m);
    expect(exports.stdout).toMatch(
      /^db-export\s+VirtualMachine\s+payments-db-0\s*$/m,
    );
    const policies = await kubectl('get', 'migrationpolicies');
    expect(policies.stdout).toMatch(/^NAME\s+AGE\nfast-lane\s+\d+s$/m);
    // cluster-scoped: a namespaced URL for it is no resource at all
    const namespaced = await kubectl(
      'get',
      '--raw',
      '/apis/migrations.kubevirt.io/v1alpha1/namespaces/payments/migrationpolicies',
    );
    expect(namespaced.stderr).toContain('NotFound');
  });

  it('warns on the deprecated kubevirt.io/v1 VirtualMachineInstancePreset, as the CRD version says', async () => {
    const presets = await kubectl('get', 'vmipresets', '-A');
    expect(presets.code).toBe(0);
    expect(presets.stderr).toContain(
      'Warning: kubevirt.io/v1 VirtualMachineInstancePresets is now deprecated and will be removed in v2.',
    );
  });

  // crds.go NewVirtualMachineInstanceCrd: additionalPrinterColumns with Priority 1 for Live-Migratable and Paused
  it('prints the VMI priority-1 columns with -o wide only', async () => {
    const plain = await kubectl('get', 'vmi', '-n', 'orders');
    expect(plain.stdout).toMatch(
      /^NAME\s+AGE\s+PHASE\s+IP\s+NODENAME\s+READY$/m,
    );
    const wide = await kubectl('get', 'vmi', '-n', 'orders', '-o', 'wide');
    expect(wide.stdout).toMatch(
      /^NAME\s+AGE\s+PHASE\s+IP\s+NODENAME\s+READY\s+LIVE-MIGRATABLE\s+PAUSED$/m,
    );
    // orders-worker-2 is paused in the demo seed: the Paused condition is there
    expect(wide.stdout).toMatch(
      /^orders-worker-2\s+\S+\s+Running\s+\S+\s+\S+\s+False\s+True\s+True$/m,
    );
    expect(wide.stdout).toMatch(
      /^orders-worker-1\s+\S+\s+Running\s+\S+\s+\S+\s+True\s+True\s*$/m,
    );
  });

  // crds.go: the VMI CRD declares no Subresources.Status, so the status is written with the VMI
  it('has no VMI status subresource: /status is 404 and a patch of the VMI writes its status', async () => {
    const patch = JSON.stringify({
      status: {
        conditions: [
          { type: 'LiveMigratable', status: 'False', reason: 'Test' },
        ],
      },
    });
    const viaStatus = await kubectl(
      'patch',
      'vmi',
      'payments-db-1',
      '-n',
      'payments',
      '--subresource=status',
      '--type=merge',
      '-p',
      patch,
    );
    expect(viaStatus.code).toBe(1);
    expect(viaStatus.stderr).toContain(
      'Error from server (NotFound): virtualmachineinstances.kubevirt.io "payments-db-1" not found',
    );
    const generation = async () =>
      Number(
        (
          await kubectl(
            'get',
            'vmi',
            'payments-db-1',
            '-n',
            'payments',
            '-o',
            'jsonpath={.metadata.generation}',
          )
        ).stdout,
      );
    const before = await generation();
    const direct = await kubectl(
      'patch',
      'vmi',
      'payments-db-1',
      '-n',
      'payments',
      '--type=merge',
      '-p',
      patch,
    );
    expect(direct.code).toBe(0);
    // apiextensions' customResourceStrategy.PrepareForUpdate: without a status subresource a status change is a
    // change of the object, and bumps its generation
    expect(await generation()).toBe(before + 1);
    const conditions = await kubectl(
      'get',
      'vmi',
      'payments-db-1',
      '-n',
      'payments',
      '-o',
      "jsonpath={.status.conditions[?(@.type=='LiveMigratable')].status}",
    );
    expect(conditions.stdout).toBe('False');
    // the VM keeps its status subresource
    const vm = await kubectl(
      'get',
      'vm',
      'payments-db-1',
      '-n',
      'payments',
      '--subresource=status',
      '-o',
      'name',
    );
    expect(vm.stdout.trim()).toBe('virtualmachine.kubevirt.io/payments-db-1');
  });

  // pkg/registry/core/pod/rest/log.go and the kubelet's container log checks
  it('serves the virt-launcher pod’s log for kubectl logs', async () => {
    const pods = await kubectl(
      'get',
      'pods',
      '-n',
      'payments',
      '-l',
      'vm.kubevirt.io/name=payments-db-0',
      '-o',
      'name',
    );
    const pod = pods.stdout.trim();
    expect(pod).toMatch(/^pod\/virt-launcher-payments-db-0-/);
    const logs = await kubectl('logs', '-n', 'payments', pod);
    expect(logs.code).toBe(0);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines.map(l => l.msg)).toEqual(
      expect.arrayContaining(['Domain started.', 'Synced vmi']),
    );
    expect(lines.find(l => l.msg === 'Domain started.')).toMatchObject({
      component: 'virt-launcher',
      name: 'payments-db-0',
      namespace: 'payments',
    });
    const tail = await kubectl(
      'logs',
      '-n',
      'payments',
      pod,
      '-c',
      'compute',
      '--tail=2',
      '--timestamps',
    );
    const tailLines = tail.stdout.trim().split('\n');
    expect(tailLines).toHaveLength(2);
    expect(tailLines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \{"component":"virt-launcher"/,
    );
    const wrong = await kubectl('logs', '-n', 'payments', pod, '-c', 'nope');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `container nope is not valid for pod ${pod.replace('pod/', '')}`,
    );
    // a viewer has pods/log through cluster-reader ('' resources '*'); anonymous does not
    const viewer = await kubectl(
      '--kubeconfig',
      `${k.dir}/viewer`,
      'logs',
      '-n',
      'payments',
      pod,
      '--tail=1',
    );
    expect(viewer.code).toBe(0);
  });
});
