import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import { vmRoles } from '@kubevirt-backstage/plugin-kubevirt-common';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  eventually,
} from '../../__testUtils__/harness';
import { asRole, rolePermissions } from '../../__testUtils__/rolePermissions';

jest.setTimeout(60_000);

const VMS = '/api/kubevirt/vms/east/payments';

describe('GET /vms/:cluster/:namespace/:name/diagnostics against the simulator', () => {
  let east: Simulator;
  const { start, auditEvents } = brokerHarness();

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
  });
  afterAll(async () => {
    await east.stop();
  });

  it("reports the guest agent's hostname, OS, kernel, timezone, users and file systems, audited", async () => {
    const { server } = await start({ east });
    auditEvents.length = 0;
    const { body } = await request(server)
      .get(`${VMS}/payments-db-0/diagnostics`)
      .expect(200);
    expect(body).toMatchObject({
      agent: 'connected',
      hostname: 'payments-db-0',
      os: {
        id: 'fedora',
        prettyName: expect.stringContaining('Fedora'),
        kernelRelease: expect.any(String),
      },
      timezone: 'UTC, 0',
      users: [{ userName: 'fedora', loginTime: expect.any(String) }],
    });
    expect(new Date(body.users[0].loginTime).getTime()).toBeGreaterThan(0);
    expect(body.filesystems.map((f: any) => f.mountPoint)).toEqual([
      '/',
      '/boot',
    ]);
    for (const f of body.filesystems)
      expect(f.usedBytes).toBeLessThanOrEqual(f.totalBytes);
    expect(auditEvents).toEqual([
      expect.objectContaining({
        eventId: 'vm-diagnostics',
        outcome: 'success',
        meta: expect.objectContaining({ name: 'payments-db-0' }),
      }),
    ]);
  });

  it('says in words why there is nothing: a stopped VM, a guest without an agent', async () => {
    const { server } = await start({ east });
    const stopped = await request(server)
      .get(`${VMS}/payments-batch/diagnostics`)
      .expect(200);
    expect(stopped.body).toEqual({
      agent: 'not-running',
      reason:
        'The VM is not running (Stopped): only a running guest can report.',
      users: [],
      filesystems: [],
    });

    // an image without qemu-guest-agent: it runs, but KubeVirt has no AgentConnected condition
    const admin = adminClient(east);
    const path =
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1';
    const vm = await admin.request<any>('GET', path);
    vm.metadata.annotations = {
      ...vm.metadata.annotations,
      'simulator.kubevirt.io/guest-agent': 'absent',
    };
    await admin.request('PUT', path, vm);
    await admin.request(
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1/restart',
      {},
    );
    const res = await eventually(
      () => request(server).get(`${VMS}/payments-db-1/diagnostics`),
      r => r.body.agent === 'not-connected',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      agent: 'not-connected',
      reason: expect.stringContaining('guest agent'),
      clusterMessage:
        'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "payments-db-1": VMI does not have guest agent connected',
      users: [],
      filesystems: [],
    });
  });

  it.each(vmRoles.map(r => [r]))(
    'is allowed to %s (kubevirt.vm.read)',
    async role => {
      const { server } = await start({ east }, rolePermissions().factory);
      const res = await request(server)
        .get(`${VMS}/payments-db-0/diagnostics`)
        .set('Authorization', asRole(role));
      expect(res.status).toBe(200);
      expect(res.body.agent).toBe('connected');
    },
  );

  it('is refused (403, audited) without a VM role, and never asks the guest', async () => {
    const { server } = await start({ east }, rolePermissions().factory);
    auditEvents.length = 0;
    east.clearReceived();
    const res = await request(server)
      .get(`${VMS}/payments-db-0/diagnostics`)
      .set('Authorization', asRole('nobody'))
      .expect(403);
    expect(
      east.received().filter(r => r.url.includes('subresources.kubevirt.io')),
    ).toEqual([]);
    expect(res.body.error.message).toBe(
      'You may not read the guest diagnostics of virtual machine payments/payments-db-0 on cluster east',
    );
    expect(auditEvents).toEqual([
      expect.objectContaining({ eventId: 'vm-diagnostics', outcome: 'fail' }),
    ]);
  });

  it('refuses a name that is not one (400) and an unknown VM (404)', async () => {
    const { server } = await start(
      { east },
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    );
    const bad = await request(server)
      .get(`${VMS}/Not_A_Name/diagnostics`)
      .expect(400);
    expect(bad.body.error.name).toBe('InputError');
    await request(server).get(`${VMS}/no-such-vm/diagnostics`).expect(404);
  });
});
