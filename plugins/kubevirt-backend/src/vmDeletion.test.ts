import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  eventually,
  RawPathClient,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const VM = '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines';

/**
 * The broker deletes a VM in the foreground; the cluster keeps it, with a
 * deletionTimestamp, until what holds it is gone (the apiserver's
 * foregroundDeletion, KubeVirt's finalizers, anyone else's). Until then the
 * broker shows it as KubeVirt does, Terminating, in the list and the detail.
 */
describe('a VM the broker deletes', () => {
  let east: Simulator;
  let admin: RawPathClient;
  const { start } = brokerHarness();

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
  });
  afterAll(() => east.stop());

  it('is Terminating in detail and list while held, and goes once released', async () => {
    const { server } = await start({ east });
    const source = (
      await request(server)
        .get('/api/kubevirt/vms/east/payments/payments-db-0')
        .expect(200)
    ).body.vm;
    const manifest = {
      apiVersion: source.apiVersion,
      kind: source.kind,
      metadata: {
        name: 'leaving',
        namespace: 'payments',
        labels: source.metadata.labels,
        // someone else's finalizer: the VM must wait for it
        finalizers: ['example.com/hold'],
      },
      spec: source.spec,
    };
    await request(server)
      .post('/api/kubevirt/vms')
      .send({ cluster: 'east', manifest })
      .expect(201);
    await east.settled();
    await eventually(
      () => request(server).get('/api/kubevirt/vms/east/payments/leaving'),
      r => r.body.summary?.status === 'Running',
    );

    await request(server)
      .delete('/api/kubevirt/vms/east/payments/leaving')
      .expect(202);
    await east.settled();
    const held = await admin.request('GET', `${VM}/leaving`);
    // its instance went first (foreground); the garbage collector's and KubeVirt's finalizers with
    // it; the other one holds the VM
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    await expect(
      admin.request(
        'GET',
        '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/leaving',
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
    const detail = await eventually(
      () => request(server).get('/api/kubevirt/vms/east/payments/leaving'),
      r => r.body.summary?.status === 'Terminating',
    );
    expect(detail.status).toBe(200);
    const list = await eventually(
      () =>
        request(server)
          .get('/api/kubevirt/vms')
          .query({ entity: 'component:default/payments-api' }),
      r =>
        r.body.items?.some(
          (v: any) => v.name === 'leaving' && v.status === 'Terminating',
        ),
    );
    expect(list.status).toBe(200);

    await admin.request(
      'PATCH',
      `${VM}/leaving`,
      [{ op: 'remove', path: '/metadata/finalizers/0' }],
      'application/json-patch+json',
    );
    await eventually(
      () => request(server).get('/api/kubevirt/vms/east/payments/leaving'),
      r => r.status === 404,
    );
  });
});
