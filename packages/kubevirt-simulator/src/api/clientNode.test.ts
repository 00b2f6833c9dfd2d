import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import https from 'node:https';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(30_000);

const VM = { group: 'kubevirt.io', version: 'v1', plural: 'virtualmachines' };

function vm(name: string, runStrategy = 'Halted') {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name,
      namespace: 'payments',
      labels: { 'backstage.io/kubernetes-id': 'payments-api' },
    },
    spec: {
      runStrategy,
      instancetype: { name: 'u1.small' },
      template: { spec: { domain: { devices: {} } } },
    },
  };
}

/** The simulator through @kubernetes/client-node, as the broker reaches a cluster. */
describe('simulator through @kubernetes/client-node', () => {
  let sim: Simulator;
  let kc: KubeConfig;
  let api: CustomObjectsApi;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig('broker'));
    api = kc.makeApiClient(CustomObjectsApi);
    await sim.settled();
  });
  afterAll(() => sim.stop());
  afterEach(() => sim.faults.clear());

  const get = (name: string) =>
    api.getNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      name,
    }) as Promise<any>;

  it('paginates lists with limit and continue, and filters by label', async () => {
    const first = (await api.listClusterCustomObject({
      ...VM,
      limit: 5,
    })) as any;
    expect(first.items).toHaveLength(5);
    expect(first.metadata.continue).toBeTruthy();
    const rest = (await api.listClusterCustomObject({
      ...VM,
      limit: 100,
      _continue: first.metadata.continue,
    })) as any;
    const names = [...first.items, ...rest.items].map(
      (i: any) => i.metadata.name,
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(11);
    const selected = (await api.listClusterCustomObject({
      ...VM,
      labelSelector: 'backstage.io/kubernetes-id=orders-service',
    })) as any;
    expect(selected.items.map((i: any) => i.metadata.name).sort()).toEqual([
      'orders-legacy',
      'orders-worker-1',
      'orders-worker-2',
    ]);
  });

  it('rejects a stale resourceVersion with 409 Conflict', async () => {
    await api.createNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      body: vm('conflict-vm'),
    });
    const current = await get('conflict-vm');
    await api.replaceNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      name: 'conflict-vm',
      body: {
        ...current,
        metadata: { ...current.metadata, labels: { a: 'b' } },
      },
    });
    await expect(
      api.replaceNamespacedCustomObject({
        ...VM,
        namespace: 'payments',
        name: 'conflict-vm',
        body: {
          ...current,
          metadata: { ...current.metadata, labels: { a: 'c' } },
        },
      }),
    ).rejects.toMatchObject({ code: 409 });
    const again = await get('conflict-vm');
    expect(again.metadata.labels).toEqual({ a: 'b' });
    expect(again.metadata.generation).toBe(1);
  });

  it('resumes a watch from a resourceVersion and answers 410 Expired once history is gone', async () => {
    const list = (await api.listNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
    })) as any;
    const rv = list.metadata.resourceVersion;
    await api.createNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      body: vm('watch-vm'),
    });
    const events: string[] = [];
    const watch = new Watch(kc);
    const done = new Promise<void>(resolve => {
      watch
        .watch(
          '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
          { resourceVersion: rv },
          (type, obj) => {
            events.push(`${type} ${obj.metadata.name}`);
            if (events.includes('ADDED watch-vm')) resolve();
          },
          () => undefined,
        )
        .then(ctrl => done.finally(() => ctrl.abort()));
    });
    await done;
    // only changes after rv are replayed, not the whole list
    expect(events.filter(e => e.startsWith('ADDED'))).toEqual([
      'ADDED watch-vm',
    ]);

    sim.faults.forceExpire();
    const expired = await new Promise<any>(resolve => {
      watch.watch(
        '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
        { resourceVersion: rv },
        () => undefined,
        err => resolve(err),
      );
    });
    expect(String(expired?.message ?? expired)).toMatch(/410|Gone|too old/i);
  });

  it('drives a VM through its lifecycle stages', async () => {
    await api.createNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      body: vm('life-vm', 'Always'),
    });
    await sim.settled();
    const running = await get('life-vm');
    expect(running.status).toMatchObject({
      printableStatus: 'Running',
      ready: true,
      created: true,
    });
    const vmi = (await api.getNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachineinstances',
      namespace: 'payments',
      name: 'life-vm',
    })) as any;
    expect(vmi.status.phase).toBe('Running');
    expect(vmi.status.nodeName).toMatch(/^node-[abc]$/);
    expect(vmi.status.interfaces[0].ipAddress).toMatch(/^10\.244\./);
    expect(vmi.metadata.ownerReferences[0]).toMatchObject({
      kind: 'VirtualMachine',
      name: 'life-vm',
      controller: true,
    });
    expect(
      vmi.status.phaseTransitionTimestamps.map((p: any) => p.phase),
    ).toEqual(['Pending', 'Scheduling', 'Scheduled', 'Running']);

    // live migration moves the VMI to another node
    const sub = (path: string) =>
      fetchSub(
        sim,
        `/apis/subresources.kubevirt.io/v1/namespaces/payments/${path}`,
      );
    expect(await sub('virtualmachines/life-vm/migrate')).toBe(202);
    await sim.settled();
    const migrated = (await api.getNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      plural: 'virtualmachineinstances',
      namespace: 'payments',
      name: 'life-vm',
    })) as any;
    expect(migrated.status.migrationState).toMatchObject({
      completed: true,
      sourceNode: vmi.status.nodeName,
    });
    expect(migrated.status.nodeName).not.toBe(vmi.status.nodeName);

    // pause, unpause, snapshot, stop
    expect(await sub('virtualmachineinstances/life-vm/pause')).toBe(200);
    await sim.settled();
    expect((await get('life-vm')).status.printableStatus).toBe('Paused');
    expect(await sub('virtualmachineinstances/life-vm/pause')).toBe(409);
    expect(await sub('virtualmachineinstances/life-vm/unpause')).toBe(200);
    await api.createNamespacedCustomObject({
      group: 'snapshot.kubevirt.io',
      version: 'v1beta1',
      plural: 'virtualmachinesnapshots',
      namespace: 'payments',
      body: {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshot',
        metadata: { name: 'life-snap' },
        spec: {
          source: {
            apiGroup: 'kubevirt.io',
            kind: 'VirtualMachine',
            name: 'life-vm',
          },
        },
      },
    });
    await sim.settled();
    const snap = (await api.getNamespacedCustomObject({
      group: 'snapshot.kubevirt.io',
      version: 'v1beta1',
      plural: 'virtualmachinesnapshots',
      namespace: 'payments',
      name: 'life-snap',
    })) as any;
    expect(snap.status).toMatchObject({ phase: 'Succeeded', readyToUse: true });
    expect(await sub('virtualmachines/life-vm/stop')).toBe(202);
    await sim.settled();
    expect((await get('life-vm')).status.printableStatus).toBe('Stopped');

    // deleting the VM collects its VMI and launcher pod
    await api.deleteNamespacedCustomObject({
      ...VM,
      namespace: 'payments',
      name: 'life-vm',
    });
    await sim.settled();
    await expect(get('life-vm')).rejects.toMatchObject({ code: 404 });
  });

  it('drops every connection while down, and serves again after', async () => {
    sim.faults.set({ down: true });
    await expect(get('payments-db-0')).rejects.toBeTruthy();
    sim.faults.clear();
    expect((await get('payments-db-0')).metadata.name).toBe('payments-db-0');
  });
});

async function fetchSub(sim: Simulator, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method: 'PUT',
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.broker}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}
