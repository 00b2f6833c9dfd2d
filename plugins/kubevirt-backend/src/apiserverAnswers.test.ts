import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import https from 'node:https';
import request from 'supertest';
import { WebSocket } from 'ws';
import {
  adminClient,
  brokerHarness,
  eventually,
  RawPathClient,
} from './__testUtils__/harness';

jest.setTimeout(90_000);

const VMS = '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines';
const SNAPS =
  '/apis/snapshot.kubevirt.io/v1beta1/namespaces/payments/virtualmachinesnapshots';

/**
 * What a real kube-apiserver (1.32, KubeVirt's CRDs) answers where the
 * simulator's happy path does not: virt-api missing or down, a watch cache
 * initializing after a restart, a cluster the broker has lost, a manifest
 * with a typo, a VM already being deleted. The broker must say what is going
 * on, with the right status, and recover as soon as the cluster does.
 */
describe('the broker against what a real apiserver answers', () => {
  let east: Simulator;
  let admin: RawPathClient;
  let server: any;
  const { start } = brokerHarness();

  const stateOf = async () =>
    (await request(server).get('/api/kubevirt/clusters')).body.items?.[0];

  /** A VM created by someone else, copied from a seeded one. */
  const createVm = async (name: string, extra: Record<string, unknown>) => {
    const source = await admin.request('GET', `${VMS}/payments-db-0`);
    await admin.request('POST', VMS, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: {
        name,
        namespace: 'payments',
        labels: source.metadata.labels,
        ...((extra.metadata as object) ?? {}),
      },
      spec: { ...source.spec, ...((extra.spec as object) ?? {}) },
    });
  };

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
    ({ server } = await start({ east }));
  });
  afterEach(() => east.faults.clear());
  afterAll(() => east.stop());

  describe('without KubeVirt’s subresource API', () => {
    it('says the KubeVirt API is unavailable (503), not that the VM is missing, for a plain-text 404', async () => {
      east.faults.set({ subresourcesDown: 'missing' });
      // the apiserver's own answer: plain text, no Status
      const raw = await fetchText(
        east,
        '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-0/stop',
      );
      expect(raw).toEqual({
        status: 404,
        type: 'text/plain; charset=utf-8',
        text: '404 page not found\n',
      });
      const res = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-0/stop')
        .send({})
        .expect(503);
      expect(res.body.error.message).toBe(
        'Virtual machine payments/payments-db-0: the KubeVirt API of cluster east is unavailable: the cluster does not serve subresources.kubevirt.io/v1 (virt-api: start, stop, console, hot-plug...)',
      );
      expect(res.body.error.message).not.toMatch(/not found/i);
    });

    it('says so for a 503 of an aggregated API that is down', async () => {
      east.faults.set({ subresourcesDown: 'unavailable' });
      const res = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-0/start')
        .send({})
        .expect(503);
      expect(res.body.error.message).toBe(
        'Virtual machine payments/payments-db-0: the KubeVirt API of cluster east is unavailable: subresources.kubevirt.io/v1 (virt-api: start, stop, console, hot-plug...) answered 503 service unavailable',
      );
    });

    it('closes a console with 4503 saying so', async () => {
      east.faults.set({ subresourcesDown: 'missing' });
      const { port } = server.address();
      const token = Buffer.from(
        mockCredentials.user.token('user:default/jane'),
        'utf8',
      ).toString('base64url');
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}/api/kubevirt/vms/east/payments/payments-db-0/console`,
        [VM_CONSOLE_PROTOCOL, `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${token}`],
      );
      const closed = await new Promise<{ code: number; reason: string }>(
        resolve =>
          ws.on('close', (code, reason) =>
            resolve({ code, reason: reason.toString() }),
          ),
      );
      // a close reason holds 123 bytes: the proxy cuts the rest
      expect(closed.code).toBe(4503);
      expect(closed.reason).toMatch(
        /^Serial console of virtual machine payments\/payments-db-0: the KubeVirt API of cluster east is unavailable/,
      );
    });

    it('still answers 404 for a VM that does not exist (virt-api’s JSON Status)', async () => {
      const res = await request(server)
        .post('/api/kubevirt/vms/east/payments/no-such-vm/start')
        .send({})
        .expect(404);
      expect(res.body.error.message).toContain('not found');
    });
  });

  it('honours Retry-After of a 429 "storage is (re)initializing" and is synced soon after the apiserver is ready', async () => {
    expect((await stateOf()).state).toBe('synced');
    const windowMs = 6000;
    const vmRequests: number[] = [];
    east.clearReceived();
    let seen = 0;
    const started = Date.now();
    east.faults.set({ storageInitializingMs: windowMs });
    const readyAt = started + windowMs;
    // timestamps of the broker's VM lists and watches, as the simulator receives them
    const sampler = setInterval(() => {
      const received = east.received();
      for (; seen < received.length; seen++) {
        const { method, url } = received[seen];
        if (
          method === 'GET' &&
          /^\/apis\/kubevirt\.io\/v1\/virtualmachines(\?|$)/.test(url)
        )
          vmRequests.push(Date.now());
      }
    }, 10);
    try {
      await eventually(stateOf, s => s.state === 'stale', 5000);
      const synced = await eventually(
        stateOf,
        s => Date.now() > readyAt && s.state === 'synced',
        20_000,
      );
      const syncedAfterMs = Date.now() - readyAt;
      expect(synced.state).toBe('synced');
      // a figure, not an assertion: the goal is within 2 s of the apiserver being ready
      // eslint-disable-next-line no-console
      console.log(
        `synced ${syncedAfterMs} ms after the apiserver's watch cache was ready (429 window ${windowMs} ms, Retry-After: 1)`,
      );
    } finally {
      clearInterval(sampler);
    }
    const inWindow = vmRequests.filter(t => t <= readyAt);
    const gaps = inWindow.slice(1).map((t, i) => t - inWindow[i]);
    // retried every second as asked: neither hammering, nor backing off further each time
    // (a growing backoff, 1, 2, 4 s..., makes three or four tries of a six-second window)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    expect(inWindow.length).toBeGreaterThanOrEqual(windowMs / 1000 - 1);
  });

  it('allows restoring a stopped VM whose runStrategy is not Halted: only an instance stands in the way', async () => {
    await createVm('manual-stopped', { spec: { runStrategy: 'Manual' } });
    await east.settled();
    await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/payments/manual-stopped'),
      r => r.status === 200,
    );
    await request(server)
      .post('/api/kubevirt/vms/east/payments/manual-stopped/snapshots')
      .send({ name: 'manual-snap' })
      .expect(201);
    await east.settled();
    await eventually(
      () => admin.request('GET', `${SNAPS}/manual-snap`),
      s => s.status?.readyToUse === true,
    );
    await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/payments/manual-stopped'),
      r => r.body.snapshots?.[0]?.readyToUse === true,
    );
    const res = await request(server)
      .post('/api/kubevirt/vms/east/payments/manual-stopped/restores')
      .send({ snapshot: 'manual-snap' })
      .expect(201);
    expect(res.body.restore.name).toMatch(/^manual-snap-restore-/);
  });

  it('answers 503 with the cluster’s state, not 404, for a VM its lost cache cannot know', async () => {
    east.faults.set({ errorRate: { list: 1, watch: 1 }, dropWatches: true });
    await eventually(stateOf, s => s.state === 'stale');
    await createVm('made-while-lost', {});
    const read = await request(server)
      .get('/api/kubevirt/vms/east/payments/made-while-lost')
      .expect(503);
    expect(read.body.error.message).toMatch(
      /^Cannot look up virtual machine payments\/made-while-lost: cluster east is stale since \S+ \(/,
    );
    const write = await request(server)
      .post('/api/kubevirt/vms/east/payments/made-while-lost/snapshots')
      .send({})
      .expect(503);
    expect(write.body.error.message).toContain('cluster east is stale since');
    east.faults.clear();
    await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/payments/made-while-lost'),
      r => r.status === 200,
    );
  });

  it('names the cluster once when a read fails', async () => {
    east.faults.set({ errorRate: { list: 1 } });
    const res = await request(server)
      .get('/api/kubevirt/clusters/east/namespaces')
      .expect(503);
    expect(res.body.error.message).toBe(
      'Listing namespaces on cluster east: Internal error occurred: injected fault for list',
    );
  });

  it('refuses a manifest with an unknown field (400 naming it) instead of dropping the field', async () => {
    const current = (
      await request(server)
        .get('/api/kubevirt/vms/east/payments/payments-db-0')
        .expect(200)
    ).body.vm;
    const typo = {
      ...current,
      spec: { ...current.spec, runStrategyy: 'Halted' },
    };
    const update = await request(server)
      .put('/api/kubevirt/vms/east/payments/payments-db-0')
      .send({ manifest: typo })
      .expect(400);
    expect(update.body.error.message).toBe(
      'Virtual machine payments/payments-db-0 on cluster east: VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: unknown field "spec.runStrategyy"',
    );
    const create = await request(server)
      .post('/api/kubevirt/vms')
      .send({
        cluster: 'east',
        manifest: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          metadata: { name: 'typo', namespace: 'payments' },
          spec: { ...current.spec, runStrategyy: 'Halted' },
        },
      })
      .expect(400);
    expect(create.body.error.message).toContain(
      'unknown field "spec.runStrategyy"',
    );
    await expect(admin.request('GET', `${VMS}/typo`)).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('refuses a second delete of a VM that is being deleted (409)', async () => {
    await createVm('held', {
      metadata: { finalizers: ['example.com/hold'] },
    });
    await eventually(
      () => request(server).get('/api/kubevirt/vms/east/payments/held'),
      r => r.status === 200,
    );
    await request(server)
      .delete('/api/kubevirt/vms/east/payments/held')
      .expect(202);
    await east.settled();
    const again = await request(server)
      .delete('/api/kubevirt/vms/east/payments/held')
      .expect(409);
    expect(again.body.error.message).toMatch(
      /^Virtual machine payments\/held on cluster east is already being deleted \(since \S+; waiting for example\.com\/hold\)$/,
    );
    await admin.request(
      'PATCH',
      `${VMS}/held`,
      [{ op: 'remove', path: '/metadata/finalizers' }],
      'application/json-patch+json',
    );
  });
});

describe('a cluster the broker may not list', () => {
  let locked: Simulator;
  const { start } = brokerHarness();
  beforeAll(async () => {
    locked = await startSimulator({ port: 0, stageDelayMs: 0 });
    await locked.settled();
  });
  afterAll(() => locked.stop());

  it('answers 503 with the cluster’s state for a VM that exists, not 404', async () => {
    // the broker's rights taken away before it starts: it never lists the VMs
    await adminClient(locked).request(
      'DELETE',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/backstage-broker',
    );
    const { server } = await start({ locked });
    const res = await request(server)
      .get('/api/kubevirt/vms/locked/payments/payments-db-0')
      .expect(503);
    expect(res.body.error.message).toMatch(
      /^Cannot look up virtual machine payments\/payments-db-0: cluster locked is not synced \(the broker lacks the right on cluster locked: .*cannot list resource "virtualmachines"/,
    );
  });
});

/** A raw subresource PUT as the admin, keeping the body as text and its content type. */
function fetchText(sim: Simulator, path: string) {
  return new Promise<{ status: number; type: string; text: string }>(
    (resolve, reject) => {
      const req = https.request(
        new URL(path, sim.url),
        {
          method: 'PUT',
          ca: sim.caCert,
          headers: {
            Authorization: `Bearer ${sim.tokens.admin}`,
            'Content-Type': 'application/json',
          },
        },
        res => {
          let text = '';
          res.on('data', c => {
            text += c;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type']),
              text,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end('{}');
    },
  );
}
