import { Simulator, startSimulator } from '../index';
import { rawRequest } from '../__testUtils__/rawRequest';
import { requestWithHeaders } from '../__testUtils__/requestWithHeaders';

jest.setTimeout(30_000);

const VMI =
  '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-batch';
const VM_SUB =
  '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-batch';

describe('cordoned nodes (spec.unschedulable)', () => {
  let sim: Simulator;
  let call: ReturnType<typeof rawRequest>;
  const cordon = (node: string, unschedulable: boolean | null) =>
    requestWithHeaders(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { unschedulable } }),
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    call = rawRequest(sim);
  });
  afterAll(() => sim.stop());

  it('take no new instance and no migration target; uncordoned they do again', async () => {
    expect((await cordon('node-a', true)).status).toBe(200);
    expect((await cordon('node-b', true)).status).toBe(200);

    expect((await call('PUT', `${VM_SUB}/start`, {})).status).toBe(202);
    await sim.settled();
    const vmi = await call('GET', VMI);
    expect(vmi.body.status.phase).toBe('Running');
    expect(vmi.body.status.nodeName).toBe('node-c');

    // the only other nodes are cordoned: the migration finds no target
    expect((await call('PUT', `${VM_SUB}/migrate`, {})).status).toBe(202);
    await sim.settled();
    const migrations = await call(
      'GET',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstancemigrations',
    );
    const failed = migrations.body.items.find(
      (m: any) => m.spec.vmiName === 'payments-batch',
    );
    expect(failed.status.phase).toBe('Failed');
    expect((await call('GET', VMI)).body.status.nodeName).toBe('node-c');

    expect((await cordon('node-a', null)).status).toBe(200);
    expect((await call('PUT', `${VM_SUB}/migrate`, {})).status).toBe(202);
    await sim.settled();
    expect((await call('GET', VMI)).body.status.nodeName).toBe('node-a');
  });
});
