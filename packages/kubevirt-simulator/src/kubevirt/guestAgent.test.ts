import { Simulator, startSimulator } from '../index';
import { requestWithHeaders } from '../__testUtils__/requestWithHeaders';
import { GUEST_AGENT_ANNOTATION } from './guestAgent';

jest.setTimeout(30_000);

const sub = (ns: string, name: string, what: string) =>
  `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${name}/${what}`;

describe("KubeVirt's guest-agent subresources", () => {
  let sim: Simulator;
  const get = (path: string, token?: string) =>
    requestWithHeaders(sim, 'GET', path, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterAll(() => sim.stop());

  it('answers guestosinfo, userlist and filesystemlist of a running VM with an agent', async () => {
    const info = await get(sub('payments', 'payments-db-0', 'guestosinfo'));
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      hostname: 'payments-db-0',
      os: { id: 'fedora', prettyName: expect.stringContaining('Fedora') },
      timezone: 'UTC, 0',
      fsInfo: { disks: expect.any(Array) },
    });
    const users = await get(sub('payments', 'payments-db-0', 'userlist'));
    expect(users.status).toBe(200);
    expect(users.body.items).toEqual([
      { userName: 'fedora', loginTime: expect.any(Number) },
    ]);
    const fs = await get(sub('payments', 'payments-db-0', 'filesystemlist'));
    expect(fs.status).toBe(200);
    for (const f of fs.body.items) {
      expect(f.usedBytes).toBeLessThanOrEqual(f.totalBytes);
      expect(f.usedBytes).toBeGreaterThan(0);
    }
    expect(fs.body.items.map((f: any) => f.mountPoint)).toEqual(['/', '/boot']);
    // the same guest reports the same usage twice
    const again = await get(sub('payments', 'payments-db-0', 'filesystemlist'));
    expect(again.body).toEqual(fs.body);
  });

  it("answers as virt-api does when it cannot ask the agent: 500 with the error's text, not a Status", async () => {
    const stopped = await get(sub('payments', 'payments-batch', 'guestosinfo'));
    expect(stopped).toEqual({
      status: 500,
      contentType: 'text/plain',
      body: 'virtualmachineinstance.kubevirt.io "payments-batch" not found',
    });

    // an image without qemu-guest-agent: Running, but never AgentConnected
    const vm = await get(
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1',
    );
    const manifest = vm.body;
    manifest.metadata.annotations = {
      ...manifest.metadata.annotations,
      [GUEST_AGENT_ANNOTATION]: 'absent',
    };
    await requestWithHeaders(
      sim,
      'PUT',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1',
      {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(manifest),
      },
    );
    await requestWithHeaders(
      sim,
      'PUT',
      '/apis/subresources.kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1/restart',
      { body: '{}', headers: { 'Content-Type': 'application/json' } },
    );
    await sim.settled();
    const vmi = await get(
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-1',
    );
    expect(vmi.body.status.phase).toBe('Running');
    expect(
      vmi.body.status.conditions.map((c: { type: string }) => c.type),
    ).not.toContain('AgentConnected');
    expect(vmi.body.status.guestOSInfo).toBeUndefined();
    for (const what of ['guestosinfo', 'userlist', 'filesystemlist']) {
      expect(await get(sub('payments', 'payments-db-1', what))).toEqual({
        status: 500,
        contentType: 'text/plain',
        body: 'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "payments-db-1": VMI does not have guest agent connected',
      });
    }
  });

  it('needs get on the subresource (view has it; a user without a role is refused)', async () => {
    expect(
      (
        await get(
          sub('payments', 'payments-db-0', 'guestosinfo'),
          sim.tokens.none,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await requestWithHeaders(
          sim,
          'PUT',
          sub('payments', 'payments-db-0', 'guestosinfo'),
          { body: '{}' },
        )
      ).status,
    ).toBe(405);
  });
});
