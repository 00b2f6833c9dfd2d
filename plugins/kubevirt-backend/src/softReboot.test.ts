import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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

const VMI =
  '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0';
const VM = '/api/kubevirt/vms/east/payments/payments-db-0';

// KubeVirt's softreboot is a VMI subresource (virt-api SoftRebootVMIRequestHandler): the guest reboots, the instance stays
describe('POST /vms/:cluster/:namespace/:name/softReboot against the simulator', () => {
  let east: Simulator;
  let admin: RawPathClient;
  const { start, auditEvents } = brokerHarness();
  const vmi = () =>
    admin.request<{ metadata: { uid: string }; status: { phase: string } }>(
      'GET',
      VMI,
    );

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
  });
  afterAll(async () => {
    await east.stop();
  });

  it('reboots the guest in the same instance, audited; 409 naming the VM when it is stopped or paused', async () => {
    const { server } = await start({ east });
    const before = await vmi();
    auditEvents.length = 0;

    await request(server)
      .post(`${VM}/softReboot`)
      .send({})
      .expect(202, { accepted: true, action: 'softReboot', dryRun: false });
    const after = await vmi();
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.status.phase).toBe('Running');
    expect(auditEvents).toEqual([
      expect.objectContaining({ eventId: 'vm-softReboot', outcome: 'success' }),
    ]);
    await request(server)
      .post(`${VM}/softReboot`)
      .send({ dryRun: true })
      .expect(202, { accepted: true, action: 'softReboot', dryRun: true });

    // a stopped VM has no instance: refused by the broker before any cluster call
    const stopped = await request(server)
      .post('/api/kubevirt/vms/east/payments/payments-batch/softReboot')
      .send({})
      .expect(409);
    expect(stopped.body.error.message).toBe(
      'Virtual machine payments/payments-batch on cluster east is not running (Stopped); only a running VM can be soft-rebooted',
    );

    await request(server).post(`${VM}/pause`).send({}).expect(202);
    await eventually(
      () => request(server).get(VM),
      r => r.body.summary?.status === 'Paused',
    );
    const paused = await request(server)
      .post(`${VM}/softReboot`)
      .send({})
      .expect(409);
    expect(paused.body.error.message).toContain(
      'payments/payments-db-0 on cluster east',
    );
    expect(paused.body.error.message).toContain('VMI is paused');
    await request(server).post(`${VM}/unpause`).send({}).expect(202);
  });

  it('is refused (403, audited) to a caller without kubevirt.vm.power, before the body is read', async () => {
    const { server } = await start(
      { east },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    auditEvents.length = 0;
    const res = await request(server)
      .post(`${VM}/softReboot`)
      .send({ dryRun: 'not a boolean' })
      .expect(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(auditEvents).toEqual([
      expect.objectContaining({ eventId: 'vm-softReboot', outcome: 'fail' }),
    ]);
  });
});
