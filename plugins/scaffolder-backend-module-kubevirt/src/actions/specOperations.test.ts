import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import https from 'node:https';
import {
  actionContext,
  adminGet,
  APP_URL,
  BrokerDeps,
  GUEST,
  startBroker,
  vmPath,
} from '../__testUtils__/harness';
import { createVmResourcesAction } from './hotplugResources';
import { createVmResizeDiskAction } from './resizeDisk';

jest.setTimeout(60_000);

/** A write as the cluster admin, bypassing the broker: fixtures the broker has no route for. */
function adminPost(
  sim: Simulator,
  path: string,
  body: object,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, sim.url),
      {
        method: 'POST',
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.admin}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error('condition not reached in 10 s');
}

const PVCS = '/api/v1/namespaces/payments/persistentvolumeclaims';

describe('kubevirt:vm:resize-disk and kubevirt:vm:resources against the broker and the simulator', () => {
  let east: Simulator;
  let deps: BrokerDeps;
  let stopBackend: () => Promise<void>;
  const ref = (name: string) => ({
    cluster: 'east',
    namespace: 'payments',
    name,
  });
  const d = () => ({ ...deps, appBaseUrl: APP_URL, pollIntervalMs: 50 });
  const client = () =>
    deps.kubevirt.forCredentials(mockCredentials.user(GUEST));

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    const started = await startBroker({ east });
    deps = started.deps;
    stopBackend = () => started.backend.stop();
  });
  afterAll(async () => {
    await stopBackend?.();
    await east?.stop();
  });

  it('resize-disk: a dry run changes nothing, then the claim grows; smaller and unknown disks are refused with the VM named', async () => {
    expect(
      await adminPost(east, '/apis/storage.k8s.io/v1/storageclasses', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'expandable' },
        provisioner: 'csi.example.com',
        allowVolumeExpansion: true,
      }),
    ).toBe(201);
    expect(
      await adminPost(east, PVCS, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'db0-data', namespace: 'payments' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'expandable',
          resources: { requests: { storage: '10Gi' } },
        },
      }),
    ).toBe(201);
    await client().addVolume(ref('payments-db-0'), {
      name: 'data',
      pvc: 'db0-data',
    });
    await eventually(
      () => client().getVm(ref('payments-db-0')),
      vm => vm.volumes.some(v => v.name === 'data'),
    );
    const pvcSize = async () =>
      (await adminGet(east, `${PVCS}/db0-data`)).body.spec.resources.requests
        .storage;

    const dry = actionContext(
      { ...ref('payments-db-0'), volume: 'data', size: '20Gi' },
      { dryRun: true },
    );
    await createVmResizeDiskAction(d()).handler(dry.ctx as any);
    expect(dry.outputs()).toEqual({
      claim: 'db0-data',
      from: '10Gi',
      to: '20Gi',
    });
    expect(await pvcSize()).toBe('10Gi');

    const run = actionContext({
      ...ref('payments-db-0'),
      volume: 'data',
      size: '20Gi',
    });
    await createVmResizeDiskAction(d()).handler(run.ctx as any);
    expect(run.outputs()).toEqual({
      claim: 'db0-data',
      from: '10Gi',
      to: '20Gi',
    });
    expect(run.lines.join('\n')).toContain(
      'claim db0-data of disk data of VM payments/payments-db-0 on cluster east requests 20Gi (was 10Gi)',
    );
    expect(await pvcSize()).toBe('20Gi');

    const smaller = actionContext({
      ...ref('payments-db-0'),
      volume: 'data',
      size: '5Gi',
    });
    await expect(
      createVmResizeDiskAction(d()).handler(smaller.ctx as any),
    ).rejects.toThrow(
      /Could not resize disk data of VM payments\/payments-db-0 on cluster east: rejected as invalid: .*not larger than the 20Gi/,
    );
    const unknown = actionContext({
      ...ref('payments-db-0'),
      volume: 'nope',
      size: '50Gi',
    });
    await expect(
      createVmResizeDiskAction(d()).handler(unknown.ctx as any),
    ).rejects.toThrow(
      /Could not resize disk nope of VM payments\/payments-db-0 on cluster east: not found: .*has no disk named nope/,
    );
    expect(await pvcSize()).toBe('20Gi');
  });

  it('resources: a dry run changes nothing, more on a running VM applies live; an instancetype VM and an empty change are refused', async () => {
    await client().createVm({
      cluster: 'east',
      namespace: 'payments',
      name: 'sized',
      resources: { cpu: 2, memory: '2Gi' },
      image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
      runStrategy: 'Always',
    } as any);
    await eventually(
      () =>
        client()
          .getVm(ref('sized'))
          .catch(() => undefined),
      vm => vm?.summary.status === 'Running',
    );
    const domain = async () =>
      (await adminGet(east, vmPath('payments', 'sized'))).body.spec.template
        .spec.domain;
    const before = await domain();

    const dry = actionContext(
      { ...ref('sized'), sockets: 3, memory: '4Gi' },
      { dryRun: true },
    );
    await createVmResourcesAction(d()).handler(dry.ctx as any);
    expect(dry.outputs()).toEqual({ applied: 'live', liveMigration: true });
    expect(await domain()).toEqual(before);

    const run = actionContext({ ...ref('sized'), sockets: 3, memory: '4Gi' });
    await createVmResourcesAction(d()).handler(run.ctx as any);
    expect(run.outputs()).toEqual({ applied: 'live', liveMigration: true });
    const after = await domain();
    expect([after.cpu.sockets, after.memory.guest]).toEqual([3, '4Gi']);

    const none = actionContext({ ...ref('sized') });
    await expect(
      createVmResourcesAction(d()).handler(none.ctx as any),
    ).rejects.toThrow(
      'Give sockets, memory or both for VM payments/sized on cluster east',
    );
    const sizedByType = actionContext({ ...ref('payments-db-0'), sockets: 2 });
    await expect(
      createVmResourcesAction(d()).handler(sizedByType.ctx as any),
    ).rejects.toThrow(
      /Could not change CPU \/ memory of VM payments\/payments-db-0 on cluster east: conflict: /,
    );
  });
});

describe('spec operations without the rights', () => {
  it('fail with a clear permission error and change nothing', async () => {
    const sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    const { backend, deps } = await startBroker(
      { east: sim },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    try {
      const d = { ...deps, appBaseUrl: APP_URL, pollIntervalMs: 50 };
      const vm = {
        cluster: 'east',
        namespace: 'payments',
        name: 'payments-db-0',
      };
      const before = (await adminGet(sim, vmPath('payments', 'payments-db-0')))
        .body.spec;
      const resize = actionContext({
        ...vm,
        volume: 'rootdisk',
        size: '100Gi',
      });
      await expect(
        createVmResizeDiskAction(d).handler(resize.ctx as any),
      ).rejects.toThrow(
        /VM payments\/payments-db-0 on cluster east: permission denied/,
      );
      const res = actionContext({ ...vm, sockets: 8 });
      await expect(
        createVmResourcesAction(d).handler(res.ctx as any),
      ).rejects.toThrow(
        /VM payments\/payments-db-0 on cluster east: permission denied/,
      );
      expect(
        (await adminGet(sim, vmPath('payments', 'payments-db-0'))).body.spec,
      ).toEqual(before);
    } finally {
      await backend.stop();
      await sim.stop();
    }
  });
});
