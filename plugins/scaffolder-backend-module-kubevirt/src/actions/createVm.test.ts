import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import {
  actionContext,
  adminGet,
  APP_URL,
  secretPath,
  SSH_KEY,
  startBroker,
  vmPath,
} from '../__testUtils__/harness';
import { createVmCreateAction } from './createVm';

jest.setTimeout(60_000);

describe('kubevirt:vm:create against the broker and the simulator', () => {
  let east: Simulator;
  let slow: Simulator;
  let action: ReturnType<typeof createVmCreateAction>;
  let stopBackend: () => Promise<void>;

  const input = (name: string, extra: Record<string, unknown> = {}) => ({
    cluster: 'east',
    namespace: 'payments',
    name,
    instancetype: 'u1.small',
    preference: 'fedora',
    image: 'kubevirt-os-images/fedora',
    diskSize: '40Gi',
    sshPublicKey: SSH_KEY,
    cloudInitUserData: '#cloud-config\npassword: hunter2-not-for-logs\n',
    owner: 'group:default/team-payments',
    service: 'component:default/payments-api',
    timeoutSeconds: 20,
    ...extra,
  });
  const nothingCreated = async (sim: Simulator, name: string) => {
    expect((await adminGet(sim, vmPath('payments', name))).status).toBe(404);
    expect(
      (await adminGet(sim, secretPath('payments', `${name}-ssh-key`))).status,
    ).toBe(404);
  };

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    // a cluster whose VMs take minutes to start: for the timeout
    slow = await startSimulator({ port: 0, stageDelayMs: 120_000 });
    await east.settled();
    const { backend, deps } = await startBroker({ east, slow });
    stopBackend = () => backend.stop();
    action = createVmCreateAction({
      ...deps,
      appBaseUrl: APP_URL,
      pollIntervalMs: 50,
    });
  });
  afterAll(async () => {
    await stopBackend?.();
    await east?.stop();
    await slow?.stop();
  });

  it('creates a VM as the user, waits until it runs, and outputs its address, page and entity', async () => {
    const { ctx, outputs, lines } = actionContext(input('vm-created'));
    await action.handler(ctx as any);
    expect(outputs()).toMatchObject({
      name: 'vm-created',
      namespace: 'payments',
      cluster: 'east',
      status: 'Running',
      vmUrl: `${APP_URL}/virtual-machines/east/payments/vm-created`,
      entityRef: 'resource:default/vm-created.payments.east',
      dryRun: false,
    });
    expect(outputs().uid).toMatch(/[0-9a-f-]{36}/);
    expect(outputs().ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const vm = (await adminGet(east, vmPath('payments', 'vm-created'))).body;
    expect(vm.metadata.uid).toBe(outputs().uid);
    expect(vm.metadata.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'payments-api',
      'kubevirt.backstage.io/owner': 'team-payments',
    });
    expect(vm.spec.instancetype.name).toBe('u1.small');
    expect(
      vm.spec.dataVolumeTemplates[0].spec.storage.resources.requests.storage,
    ).toBe('40Gi');
    const secret = (
      await adminGet(east, secretPath('payments', 'vm-created-ssh-key'))
    ).body;
    expect(Buffer.from(secret.data.key, 'base64').toString()).toBe(SSH_KEY);
    // the key and the user data never reach the task log
    expect(lines.join('\n')).toContain(
      'Created VM payments/vm-created on cluster east',
    );
    expect(lines.join('\n')).not.toMatch(/AAAAC3Nza|hunter2/);
  });

  it('dry run: the cluster validates, nothing is created', async () => {
    const { ctx, outputs, lines } = actionContext(input('vm-dry'), {
      dryRun: true,
    });
    await action.handler(ctx as any);
    expect(outputs()).toMatchObject({
      name: 'vm-dry',
      dryRun: true,
      status: 'DryRun',
      entityRef: 'resource:default/vm-dry.payments.east',
    });
    expect(lines.join('\n')).toContain('Dry run');
    await nothingCreated(east, 'vm-dry');
  });

  it('dry run still fails on what the real run would fail on', async () => {
    const { ctx } = actionContext(
      input('vm-dry-bad', { instancetype: 'u9.huge' }),
      { dryRun: true },
    );
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /no instancetype named u9.huge/,
    );
  });

  it('re-run: an existing VM that matches is success with the same uid; one that differs is a clear error', async () => {
    const first = actionContext(input('vm-rerun'));
    await action.handler(first.ctx as any);
    const again = actionContext(input('vm-rerun'));
    await action.handler(again.ctx as any);
    expect(again.outputs().uid).toBe(first.outputs().uid);
    expect(again.outputs().status).toBe('Running');
    expect(again.lines.join('\n')).toContain('already exists and matches');

    const differs = actionContext(
      input('vm-rerun', { instancetype: 'u1.large', diskSize: '50Gi' }),
    );
    await expect(action.handler(differs.ctx as any)).rejects.toThrow(
      'VM payments/vm-rerun on cluster east already exists and differs from this request: instancetype: asked for u1.large, the VM has u1.small; diskSize: asked for 50Gi, the VM has 40Gi',
    );
    // still the first VM
    expect(
      (await adminGet(east, vmPath('payments', 'vm-rerun'))).body.metadata.uid,
    ).toBe(first.outputs().uid);
  });

  it.each([
    [
      'an invalid name',
      { name: 'Bad_Name' },
      /virtual machine name "Bad_Name" is not valid/,
    ],
    [
      'an unknown instancetype',
      { instancetype: 'u9.huge' },
      /rejected as invalid: .*no instancetype named u9.huge on cluster east/,
    ],
    [
      'an unknown golden image',
      { image: 'kubevirt-os-images/windows-95' },
      /no golden image \(DataSource\) kubevirt-os-images\/windows-95 on cluster east/,
    ],
    [
      'an unknown golden image, no preference',
      { image: 'kubevirt-os-images/windows-95', preference: undefined },
      /no such golden image on cluster east \(known: .*kubevirt-os-images\/fedora/,
    ],
    [
      'a too large disk',
      { diskSize: '100Ti' },
      /diskSize: must be between 1Gi and 4Ti/,
    ],
    [
      'an invalid SSH key',
      { sshPublicKey: 'not a key' },
      /sshPublicKey: must be one OpenSSH public key/,
    ],
    [
      'both instancetype and cpu',
      { cpu: 2, memory: '4Gi' },
      /either instancetype or cpu and memory/,
    ],
    [
      'an owner a label cannot hold',
      { owner: 'user:development/guest' },
      /can only name a group of namespace default/,
    ],
    [
      'a service without kubernetes-id',
      { service: 'component:default/no-k8s-id' },
      /has no backstage.io\/kubernetes-id annotation/,
    ],
  ])(
    'bad input (%s): clear error, nothing half-created',
    async (_what, extra, message) => {
      const name = `vm-bad-${Object.keys(extra).join('-').toLowerCase()}`;
      const { ctx } = actionContext(input(name, extra));
      await expect(action.handler(ctx as any)).rejects.toThrow(message);
      await nothingCreated(east, (extra as { name?: string }).name ?? name);
    },
  );

  it('waitForReady: times out with the status the VM is stuck in, and names the VM', async () => {
    const { ctx } = actionContext(
      input('vm-slow', { cluster: 'slow', timeoutSeconds: 1 }),
    );
    const started = Date.now();
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /Timed out after 1s waiting for VM payments\/vm-slow on cluster slow to be status Running and ready; it is (not found|status \w+)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    // created, not rolled back: a re-run finds it and waits again
    expect((await adminGet(slow, vmPath('payments', 'vm-slow'))).status).toBe(
      200,
    );
  });

  it('stops waiting when the task is cancelled', async () => {
    const abort = new AbortController();
    const { ctx } = actionContext(
      input('vm-cancelled', { cluster: 'slow', timeoutSeconds: 600 }),
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 300);
    await expect(action.handler(ctx as any)).rejects.toThrow(/Cancelled/);
  });

  it('waitForReady false with runStrategy Halted: returns at once with the VM as it is', async () => {
    const { ctx, outputs } = actionContext(
      input('vm-halted', {
        runStrategy: 'Halted',
        waitForReady: false,
        service: undefined,
        kubernetesId: 'payments-api',
        image: 'kubevirt-os-images/ubuntu',
        preference: undefined,
      }),
    );
    await action.handler(ctx as any);
    expect(outputs()).toMatchObject({ name: 'vm-halted', dryRun: false });
    const vm = (await adminGet(east, vmPath('payments', 'vm-halted'))).body;
    expect(vm.spec.runStrategy).toBe('Halted');
    // no preference given: the golden image's default one
    const source = (
      await adminGet(
        east,
        '/apis/cdi.kubevirt.io/v1beta1/namespaces/kubevirt-os-images/datasources/ubuntu',
      )
    ).body;
    expect(vm.spec.preference.name).toBe(
      source.metadata.labels['instancetype.kubevirt.io/default-preference'],
    );
  });
});

describe('kubevirt:vm:create without the right to create', () => {
  it('fails with a clear permission error and creates nothing', async () => {
    const sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    const { backend, deps } = await startBroker(
      { east: sim },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    try {
      const action = createVmCreateAction({
        ...deps,
        appBaseUrl: APP_URL,
        pollIntervalMs: 50,
      });
      const { ctx } = actionContext({
        cluster: 'east',
        namespace: 'payments',
        name: 'vm-denied',
        instancetype: 'u1.small',
        image: 'kubevirt-os-images/fedora',
        sshPublicKey: SSH_KEY,
      });
      await expect(action.handler(ctx as any)).rejects.toThrow(
        /Could not create VM payments\/vm-denied on cluster east: permission denied/,
      );
      expect(
        (await adminGet(sim, vmPath('payments', 'vm-denied'))).status,
      ).toBe(404);
      expect(
        (await adminGet(sim, secretPath('payments', 'vm-denied-ssh-key')))
          .status,
      ).toBe(404);
    } finally {
      await backend.stop();
      await sim.stop();
    }
  });
});
