import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(30_000);

async function call(
  sim: Simulator,
  method: string,
  url: string,
  body?: unknown,
  token = sim.tokens.admin,
) {
  return new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${url}`,
      {
        method,
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type':
            method === 'PATCH'
              ? 'application/merge-patch+json'
              : 'application/json',
        },
      },
      res => {
        let text = '';
        res.on('data', d => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            json: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const ns = '/apis/kubevirt.io/v1/namespaces/payments';
const snapshots = '/apis/snapshot.kubevirt.io/v1beta1/namespaces/payments';

describe('simulator operations', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterEach(() => sim.stop());

  it('restores a stopped VM from a snapshot, and refuses while it runs', async () => {
    await call(sim, 'POST', `${snapshots}/virtualmachinesnapshots`, {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineSnapshot',
      metadata: { name: 'before' },
      spec: {
        source: {
          apiGroup: 'kubevirt.io',
          kind: 'VirtualMachine',
          name: 'payments-db-0',
        },
      },
    });
    await sim.settled();
    await call(sim, 'PATCH', `${ns}/virtualmachines/payments-db-0`, {
      metadata: { labels: { changed: 'yes' } },
      spec: { template: { metadata: { labels: { extra: 'x' } } } },
    });
    const restore = {
      apiVersion: 'snapshot.kubevirt.io/v1beta1',
      kind: 'VirtualMachineRestore',
      metadata: { name: 'r1' },
      spec: {
        target: {
          apiGroup: 'kubevirt.io',
          kind: 'VirtualMachine',
          name: 'payments-db-0',
        },
        virtualMachineSnapshotName: 'before',
      },
    };
    await call(sim, 'POST', `${snapshots}/virtualmachinerestores`, restore);
    await sim.settled();
    const blocked = await call(
      sim,
      'GET',
      `${snapshots}/virtualmachinerestores/r1`,
    );
    expect(blocked.json.status.complete).toBe(false);
    expect(blocked.json.status.conditions[0].reason).toBe(
      'RestoreTargetNotReady',
    );

    expect(
      (
        await call(
          sim,
          'PUT',
          '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0/stop',
          {},
        )
      ).status,
    ).toBe(202);
    await sim.settled();
    await call(sim, 'DELETE', `${snapshots}/virtualmachinerestores/r1`);
    await call(sim, 'POST', `${snapshots}/virtualmachinerestores`, {
      ...restore,
      metadata: { name: 'r2' },
    });
    await sim.settled();
    expect(
      (await call(sim, 'GET', `${snapshots}/virtualmachinerestores/r2`)).json
        .status.complete,
    ).toBe(true);
    const vm = (await call(sim, 'GET', `${ns}/virtualmachines/payments-db-0`))
      .json;
    expect(vm.spec.template.metadata.labels.extra).toBeUndefined();
  });

  it('clones a VM into a new stopped VM', async () => {
    await call(
      sim,
      'POST',
      '/apis/clone.kubevirt.io/v1beta1/namespaces/payments/virtualmachineclones',
      {
        apiVersion: 'clone.kubevirt.io/v1beta1',
        kind: 'VirtualMachineClone',
        metadata: { name: 'c1' },
        spec: {
          source: {
            apiGroup: 'kubevirt.io',
            kind: 'VirtualMachine',
            name: 'payments-db-1',
          },
          target: {
            apiGroup: 'kubevirt.io',
            kind: 'VirtualMachine',
            name: 'payments-db-1-copy',
          },
        },
      },
    );
    await sim.settled();
    expect(
      (
        await call(
          sim,
          'GET',
          '/apis/clone.kubevirt.io/v1beta1/namespaces/payments/virtualmachineclones/c1',
        )
      ).json.status.phase,
    ).toBe('Succeeded');
    const copy = (
      await call(sim, 'GET', `${ns}/virtualmachines/payments-db-1-copy`)
    ).json;
    expect(copy.spec.runStrategy).toBe('Halted');
    expect(copy.metadata.labels['backstage.io/kubernetes-id']).toBe(
      'payments-api',
    );
    expect(copy.status.printableStatus).toBe('Stopped');
  });

  it('imports a DataVolume from its template before the VM starts', async () => {
    const dv = (
      await call(
        sim,
        'GET',
        '/apis/cdi.kubevirt.io/v1beta1/namespaces/platform/datavolumes/build-agent-rootdisk',
      )
    ).json;
    expect(dv.metadata.ownerReferences[0]).toMatchObject({
      kind: 'VirtualMachine',
      name: 'build-agent',
    });
    expect(dv.status).toMatchObject({
      phase: 'Succeeded',
      progress: '100.00%',
    });
    const vm = (
      await call(
        sim,
        'GET',
        '/apis/kubevirt.io/v1/namespaces/platform/virtualmachines/build-agent',
      )
    ).json;
    expect(vm.status.printableStatus).toBe('Running');
    const events = (
      await call(
        sim,
        'GET',
        '/api/v1/namespaces/platform/events?fieldSelector=involvedObject.name%3Dbuild-agent',
      )
    ).json.items;
    const reasons = events.map((e: any) => e.reason);
    // the DataVolume was created before the VMI: provisioning came first
    expect(
      reasons.indexOf('SuccessfulDataVolumeCreate'),
    ).toBeGreaterThanOrEqual(0);
    expect(reasons.indexOf('SuccessfulDataVolumeCreate')).toBeLessThan(
      reasons.lastIndexOf('SuccessfulCreate'),
    );
  });

  it('hot-plugs and unplugs a volume with KubeVirt errors for bad requests', async () => {
    const url =
      '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0';
    expect(
      (await call(sim, 'PUT', `${url}/addvolume`, { name: 'data1' })).json
        .message,
    ).toBe('AddVolumeOptions requires disk to not be nil');
    const add = {
      name: 'data1',
      disk: { disk: { bus: 'scsi' } },
      volumeSource: { persistentVolumeClaim: { claimName: 'data1-pvc' } },
    };
    expect((await call(sim, 'PUT', `${url}/addvolume`, add)).status).toBe(202);
    expect(
      (await call(sim, 'PUT', `${url}/addvolume`, add)).json.message,
    ).toContain(
      'Unable to add volume [data1] because volume with that name already exists',
    );
    const vm = (await call(sim, 'GET', `${ns}/virtualmachines/payments-db-0`))
      .json;
    expect(
      vm.spec.template.spec.volumes.find((v: any) => v.name === 'data1')
        .persistentVolumeClaim.hotpluggable,
    ).toBe(true);
    expect(
      (await call(sim, 'PUT', `${url}/removevolume`, { name: 'rootdisk' })).json
        .message,
    ).toContain('because it is not hotpluggable');
    expect(
      (await call(sim, 'PUT', `${url}/removevolume`, { name: 'data1' })).status,
    ).toBe(202);
  });

  it('switches faults at run time through the admin endpoint, for the admin only', async () => {
    expect(
      (
        await call(
          sim,
          'PUT',
          '/simulator/faults',
          { errorRate: { list: 1 } },
          sim.tokens.broker,
        )
      ).status,
    ).toBe(401);
    expect(
      (await call(sim, 'PUT', '/simulator/faults', { errorRate: { list: 1 } }))
        .status,
    ).toBe(200);
    const failing = await call(
      sim,
      'GET',
      `${ns}/virtualmachines`,
      undefined,
      sim.tokens.broker,
    );
    expect(failing.status).toBe(500);
    expect(failing.json).toMatchObject({
      kind: 'Status',
      reason: 'InternalError',
    });
    expect(
      (
        await call(
          sim,
          'GET',
          `${ns}/virtualmachines/payments-db-0`,
          undefined,
          sim.tokens.broker,
        )
      ).status,
    ).toBe(200);
    await call(sim, 'DELETE', '/simulator/faults');
    expect(
      (
        await call(
          sim,
          'GET',
          `${ns}/virtualmachines`,
          undefined,
          sim.tokens.broker,
        )
      ).status,
    ).toBe(200);
  });

  it('honours dryRun=All and generateName, and rejects a second object of the same name', async () => {
    const body = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { generateName: 'gen-' },
      spec: { runStrategy: 'Halted', template: { spec: {} } },
    };
    const dry = await call(
      sim,
      'POST',
      `${ns}/virtualmachines?dryRun=All`,
      body,
    );
    expect(dry.status).toBe(201);
    expect(
      (
        await call(
          sim,
          'GET',
          `${ns}/virtualmachines/${dry.json.metadata.name}`,
        )
      ).status,
    ).toBe(404);
    const made = await call(sim, 'POST', `${ns}/virtualmachines`, body);
    expect(made.json.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    const again = await call(sim, 'POST', `${ns}/virtualmachines`, {
      ...body,
      metadata: { name: made.json.metadata.name },
    });
    expect(again.json).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    const both = await call(sim, 'POST', `${ns}/virtualmachines`, {
      ...body,
      metadata: { name: 'both' },
      spec: { ...body.spec, running: true },
    });
    expect(both.json.message).toContain(
      'Running and RunStrategy are mutually exclusive',
    );
  });
});

describe('simulator persistence', () => {
  it('keeps state in the data directory across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-data-'));
    try {
      const first = await startSimulator({ port: 0, stageDelayMs: 0, dataDir });
      await call(first, 'PATCH', `${ns}/virtualmachines/payments-batch`, {
        metadata: { labels: { kept: 'yes' } },
      });
      await first.stop();
      const second = await startSimulator({
        port: 0,
        stageDelayMs: 0,
        dataDir,
      });
      const vm = await call(
        second,
        'GET',
        `${ns}/virtualmachines/payments-batch`,
      );
      expect(vm.json.metadata.labels.kept).toBe('yes');
      await second.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
