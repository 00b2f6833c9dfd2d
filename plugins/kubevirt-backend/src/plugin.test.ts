import {
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import { kubevirtPlugin } from './plugin';

jest.setTimeout(60_000);

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
    },
    spec: {
      owner: 'group:default/team-payments',
      type: 'service',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-service',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'orders-service' },
    },
    spec: { owner: 'team-orders', type: 'service', lifecycle: 'production' },
  },
];

const clusterConfig = (name: string, sim: Simulator) => ({
  name,
  url: sim.url,
  authProvider: 'serviceAccount',
  serviceAccountToken: sim.tokens.broker,
  caData: Buffer.from(sim.caCert).toString('base64'),
});

async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > until) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('kubevirt broker over HTTP against the simulator', () => {
  let east: Simulator;
  let west: Simulator;
  const published = jest.fn(async () => {});
  const auditEvents: { eventId: string; outcome: string }[] = [];

  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId }: { eventId: string }) => ({
      success: async () => {
        auditEvents.push({ eventId, outcome: 'success' });
      },
      fail: async () => {
        auditEvents.push({ eventId, outcome: 'fail' });
      },
    }),
  } as any);

  const start = (
    permissions: ServiceFactory = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
  ) =>
    startTestBackend({
      features: [
        kubevirtPlugin,
        permissions,
        auditor.factory,
        catalogServiceMock.factory({ entities }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: published }),
        }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    clusterConfig('east', east),
                    clusterConfig('west', west),
                  ],
                },
              ],
            },
          },
        }),
      ],
    });

  const waitSynced = async (server: any) =>
    eventually(
      () => request(server).get('/api/kubevirt/clusters'),
      r => r.body.items?.every((c: any) => c.state === 'synced'),
    );

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    west = await startSimulator({ port: 0, stageDelayMs: 0, seed: 'none' });
    await east.settled();
  });
  afterAll(async () => {
    await east.stop();
    await west.stop();
  });
  afterEach(async () => {
    east.faults.clear();
    west.faults.clear();
  });

  it('lists the VMs of an entity across clusters, with what the caller may do', async () => {
    const { server } = await start();
    await waitSynced(server);
    const res = await request(server)
      .get('/api/kubevirt/vms')
      .query({ entity: 'component:default/payments-api' })
      .expect(200);
    expect(res.body.items.map((v: any) => v.name)).toEqual([
      'payments-batch',
      'payments-db-0',
      'payments-db-1',
    ]);
    const db0 = res.body.items.find((v: any) => v.name === 'payments-db-0');
    expect(db0).toMatchObject({
      cluster: 'east',
      namespace: 'payments',
      status: 'Running',
      ready: true,
      cpu: 2,
      memory: '8Gi',
      kubernetesId: 'payments-api',
    });
    expect(db0.ipAddresses[0]).toMatch(/^10\.244\./);
    expect(db0.allowedOperations).toEqual(
      expect.arrayContaining(['read', 'start', 'migrate', 'delete']),
    );
    expect(res.body.clusters.map((c: any) => [c.name, c.state])).toEqual([
      ['east', 'synced'],
      ['west', 'synced'],
    ]);

    const filtered = await request(server)
      .get('/api/kubevirt/vms')
      .query({ status: 'ErrImagePull,CrashLoopBackOff', sort: 'name' })
      .expect(200);
    expect(filtered.body.items.map((v: any) => v.name)).toEqual([
      'analytics',
      'etl-runner',
    ]);
    const paged = await request(server)
      .get('/api/kubevirt/vms')
      .query({ limit: 4, offset: 4 })
      .expect(200);
    expect(paged.body.items).toHaveLength(4);
    expect(paged.body.totalItems).toBe(11);
    await request(server)
      .get('/api/kubevirt/vms')
      .query({ limit: 'many' })
      .expect(400);
  });

  it('shows a VM with its instance and events, and 404s an unknown one', async () => {
    const { server } = await start();
    await waitSynced(server);
    const res = await request(server)
      .get('/api/kubevirt/vms/east/orders/orders-worker-1')
      .expect(200);
    expect(res.body.summary.status).toBe('Running');
    expect(res.body.vmi.status.phase).toBe('Running');
    expect(res.body.events.map((e: any) => e.reason)).toContain(
      'SuccessfulCreate',
    );
    const missing = await request(server)
      .get('/api/kubevirt/vms/east/orders/nope')
      .expect(404);
    expect(missing.body.error.message).toContain(
      'orders/nope not found on cluster east',
    );
  });

  it('starts and stops a VM, audits it, maps KubeVirt conflicts to 409 and signals the change', async () => {
    const { server } = await start();
    await waitSynced(server);
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/start')
      .send({})
      .expect(202);
    const running = await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/payments/payments-batch'),
      r => r.body.summary?.status === 'Running',
    );
    expect(running.body.summary.status).toBe('Running');
    expect(published).toHaveBeenCalledWith(
      expect.objectContaining({
        channel: 'kubevirt:vm:east/payments/payments-batch',
        message: expect.objectContaining({ status: 'Running' }),
      }),
    );
    expect(published).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'kubevirt:entity:payments-api' }),
    );
    const again = await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/start')
      .send({})
      .expect(409);
    expect(again.body.error.message).toContain(
      'payments/payments-batch on cluster east',
    );
    expect(again.body.error.message).toContain('VM is already running');
    expect(auditEvents).toEqual(
      expect.arrayContaining([
        { eventId: 'vm-start', outcome: 'success' },
        { eventId: 'vm-start', outcome: 'fail' },
      ]),
    );
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/stop')
      .send({ dryRun: true })
      .expect(202);
    expect(
      (
        await request(server).get(
          '/api/kubevirt/vms/east/payments/payments-batch',
        )
      ).body.summary.status,
    ).toBe('Running');
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/stop')
      .send({})
      .expect(202);
    await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/payments/payments-batch'),
      r => r.body.summary?.status === 'Stopped',
    );
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/explode')
      .send({})
      .expect(400);
    await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/stop')
      .send({ force: 'yes' })
      .expect(400);
  });

  it('announces VMs that come and go on the clusters channel, without their names', async () => {
    const { server } = await start();
    await waitSynced(server);
    const detail = await request(server)
      .get('/api/kubevirt/vms/east/payments/payments-batch')
      .expect(200);
    const manifest = {
      ...detail.body.vm,
      metadata: { name: 'announced', namespace: 'payments' },
    };
    delete manifest.status;
    published.mockClear();
    await request(server)
      .post('/api/kubevirt/vms')
      .send({ cluster: 'east', manifest })
      .expect(201);
    await request(server)
      .delete('/api/kubevirt/vms/east/payments/announced')
      .expect(202);
    const onClusters = () =>
      (
        published.mock.calls as unknown as [
          { channel: string; message: object },
        ][]
      )
        .map(c => c[0])
        .filter(c => c.channel === 'kubevirt:clusters');
    await eventually(
      async () => onClusters(),
      calls => calls.length >= 2,
    );
    // every backend this suite started publishes; what they say is the same
    const said = [
      ...new Set(onClusters().map(c => JSON.stringify(c.message))),
    ].map(m => JSON.parse(m));
    expect(said).toEqual([
      { cluster: 'east', type: 'ADDED' },
      { cluster: 'east', type: 'DELETED' },
    ]);
  });

  it('denies before touching the cluster, and hides everything from a caller without read', async () => {
    const { server } = await start(
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    await eventually(
      () => request(server).get('/api/kubevirt/clusters'),
      r => r.body.items?.every((c: any) => c.state === 'synced'),
    );
    auditEvents.length = 0;
    const denied = await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-db-1/stop')
      .set('Authorization', mockCredentials.user.header('user:default/viewer'))
      .send({})
      .expect(403);
    expect(denied.body.error.name).toBe('NotAllowedError');
    await request(server)
      .delete('/api/kubevirt/vms/east/payments/payments-db-1')
      .expect(403);
    const list = await request(server).get('/api/kubevirt/vms').expect(200);
    expect(list.body).toMatchObject({ items: [], totalItems: 0 });
    expect(list.body.clusters.every((c: any) => c.vmCount === undefined)).toBe(
      true,
    );
    // the VM still runs: nothing reached the cluster
    const sim = await request(server).get('/api/kubevirt/clusters');
    expect(sim.status).toBe(200);
    const { server: allowed } = await start();
    await waitSynced(allowed);
    expect(
      (
        await request(allowed).get(
          '/api/kubevirt/vms/east/payments/payments-db-1',
        )
      ).body.summary.status,
    ).toBe('Running');
  });

  it('filters lists with a conditional decision resolved against the cache', async () => {
    const conditional = mockServices.permissions.mock({
      authorizeConditional: async (queries: any[]) =>
        queries.map(() => ({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'kubevirt',
          resourceType: 'kubevirt-vm',
          conditions: {
            rule: 'IS_OWNED_BY',
            resourceType: 'kubevirt-vm',
            params: { owners: ['group:default/team-orders'] },
          },
        })),
    } as any);
    const { server } = await start(conditional.factory);
    await waitSynced(server);
    const res = await request(server).get('/api/kubevirt/vms').expect(200);
    expect(res.body.items.map((v: any) => v.name).sort()).toEqual([
      'orders-legacy',
      'orders-worker-1',
      'orders-worker-2',
    ]);
    expect(res.body.totalItems).toBe(3);
    expect(res.body.clusters.find((c: any) => c.name === 'east').vmCount).toBe(
      3,
    );
  });

  it('keeps answering for one cluster while the other is down, and recovers after a 410', async () => {
    const { server } = await start();
    await waitSynced(server);
    west.faults.set({ down: true });
    const res = await eventually(
      () =>
        request(server)
          .get('/api/kubevirt/vms')
          .query({ entity: 'component:default/orders-service' }),
      r =>
        r.body.clusters?.find((c: any) => c.name === 'west')?.state !==
        'synced',
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.clusters.find((c: any) => c.name === 'west')).toMatchObject(
      { state: 'stale' },
    );
    expect(
      res.body.clusters.find((c: any) => c.name === 'west').staleSince,
    ).toBeTruthy();

    // history compacted: the watch gets 410 and the cache re-lists, then sees new changes
    east.faults.forceExpire();
    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/stop')
      .send({})
      .expect(202);
    const stopped = await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/orders/orders-worker-1'),
      r => r.body.summary?.status === 'Stopped',
    );
    expect(stopped.body.summary.status).toBe('Stopped');
  });
});
