import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import permissionModuleKubevirtPolicy from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt';
// the real permission loop inside startTestBackend needs the policy module's test auth and catalog helpers: shared, not copied
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  actorKeepingAuthFactory,
  clusterState,
  demoEntities,
  user,
  userInfoFromEntities,
} from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt/src/__testUtils__/testBackend';
import request from 'supertest';

jest.setTimeout(120_000);

/**
 * The VM actions of the actions registry, through the real broker, the real
 * permission backend with the KubeVirt policy, and the real MCP actions
 * backend: the same decision, validation, audit and errors as the REST routes.
 */
const roles = {
  bindings: [
    { subjects: ['user:default/viewer'], role: 'vm-viewer', scope: 'all' },
    { subjects: ['user:default/operator'], role: 'vm-user', scope: 'all' },
    { subjects: ['user:default/power'], role: 'vm-power-user', scope: 'all' },
    { subjects: ['user:default/admin'], role: 'vm-admin', scope: 'all' },
  ],
};
const people = ['viewer', 'operator', 'power', 'admin', 'nobody'] as const;
type Person = (typeof people)[number];

describe('KubeVirt actions and the MCP endpoint', () => {
  let sim: Simulator;
  let server: any;
  const audit: { eventId: string; outcome: string }[] = [];

  const invoke = (who: Person, action: string, input: unknown) =>
    request(server)
      .post(
        `/api/kubevirt/.backstage/actions/v1/actions/kubevirt:${action}/invoke`,
      )
      .set('Authorization', mockCredentials.user.header(`user:default/${who}`))
      .send(input as object);

  const payments = (name: string) => ({
    cluster: 'local-sim',
    namespace: 'payments',
    name,
  });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    const entities = [
      ...demoEntities(),
      ...people.map(p => user(`user:default/${p}`, [])),
    ];
    const auditor = mockServices.auditor.mock({
      createEvent: async ({ eventId }: { eventId: string }) => ({
        success: async () => {
          audit.push({ eventId, outcome: 'success' });
        },
        fail: async () => {
          audit.push({ eventId, outcome: 'fail' });
        },
      }),
    } as any);
    const backend = await startTestBackend({
      features: [
        kubevirtPlugin,
        mcpActionsPlugin,
        permissionPlugin,
        permissionModuleKubevirtPolicy,
        permissionsServiceFactory,
        actorKeepingAuthFactory,
        userInfoFromEntities(entities),
        catalogServiceMock.factory({ entities }),
        auditor.factory,
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['kubevirt'] } },
            permission: { enabled: true },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'local-sim',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: sim.tokens.broker,
                      caData: Buffer.from(sim.caCert).toString('base64'),
                    },
                  ],
                },
              ],
            },
            kubevirt: { roles },
          },
        }),
      ],
    });
    server = backend.server;
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get('/api/kubevirt/clusters')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/admin'),
        );
      if (res.body.items?.[0]?.state === 'synced') break;
      await new Promise(r => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('lists the VM actions with truthful attributes, only to users with a VM role', async () => {
    const list = (who: Person) =>
      request(server)
        .get('/api/kubevirt/.backstage/actions/v1/actions')
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${who}`),
        );
    const { body } = await list('viewer').expect(200);
    const byName = Object.fromEntries(
      body.actions.map((a: any) => [a.name, a]),
    );
    expect(Object.keys(byName).sort()).toEqual(
      [
        'delete-vm',
        'diagnose-vm',
        'get-vm',
        'label-vm',
        'list-vms',
        'migrate-vm',
        'pause-vm',
        'restart-vm',
        'restore-vm',
        'snapshot-vm',
        'soft-reboot-vm',
        'start-vm',
        'stop-vm',
        'unpause-vm',
      ].sort(),
    );
    expect(byName['list-vms'].attributes).toEqual({
      readOnly: true,
      destructive: false,
      idempotent: true,
    });
    expect(byName['delete-vm'].attributes).toMatchObject({
      readOnly: false,
      destructive: true,
    });
    expect(byName['start-vm'].attributes).toMatchObject({
      readOnly: false,
      destructive: false,
    });
    expect(byName['start-vm'].schema.input.required).toEqual(
      expect.arrayContaining(['cluster', 'namespace', 'name']),
    );
    expect(byName['list-vms'].examples.length).toBeGreaterThan(0);
    expect((await list('nobody').expect(200)).body.actions).toEqual([]);
  });

  it('rejects bad input before anything reaches the cluster', async () => {
    const before = await clusterState(sim);
    await invoke('admin', 'start-vm', {
      cluster: 'local-sim',
      namespace: 'payments',
    }).expect(400);
    await invoke('admin', 'list-vms', { limit: 0 }).expect(400);
    await invoke('admin', 'restore-vm', payments('payments-batch')).expect(400);
    await invoke('admin', 'get-vm', payments('no-such-vm')).expect(404);
    expect(await clusterState(sim)).toEqual(before);
  });

  it('answers reads with the caller’s view', async () => {
    const { body } = await invoke('viewer', 'list-vms', {
      entity: 'component:default/payments-api',
    }).expect(200);
    expect(body.output.items.map((v: any) => v.name).sort()).toEqual([
      'payments-batch',
      'payments-db-0',
      'payments-db-1',
    ]);
    expect(
      body.output.items.find((v: any) => v.name === 'payments-db-0'),
    ).toMatchObject({
      status: 'Running',
      allowedOperations: ['read', 'diagnostics'],
    });
    expect(body.output.clusters).toEqual([
      { name: 'local-sim', state: 'synced' },
    ]);
    const stopped = await invoke('viewer', 'list-vms', {
      status: ['Stopped'],
    }).expect(200);
    expect(
      stopped.body.output.items.every((v: any) => v.status === 'Stopped'),
    ).toBe(true);
    const detail = await invoke(
      'viewer',
      'get-vm',
      payments('payments-db-0'),
    ).expect(200);
    expect(detail.body.output).toMatchObject({
      summary: { name: 'payments-db-0', status: 'Running' },
      vmiPhase: 'Running',
    });
    expect(Array.isArray(detail.body.output.events)).toBe(true);
    const diagnosed = await invoke(
      'viewer',
      'diagnose-vm',
      payments('payments-db-0'),
    ).expect(200);
    expect(diagnosed.body.output).toMatchObject({
      agent: 'connected',
      hostname: 'payments-db-0',
      os: expect.stringContaining('Fedora'),
    });
    expect(diagnosed.body.output.filesystems.length).toBeGreaterThan(0);
    // no role: the action is invisible, not merely denied
    await invoke('nobody', 'list-vms', {}).expect(404);
  });

  // who may run each write (dry run: the decision and the cluster's validation, nothing persisted)
  const writes: { action: string; input: object; allowed: Person[] }[] = [
    {
      action: 'stop-vm',
      input: payments('payments-db-1'),
      allowed: ['operator', 'power', 'admin'],
    },
    {
      action: 'restart-vm',
      input: payments('payments-db-1'),
      allowed: ['operator', 'power', 'admin'],
    },
    {
      action: 'pause-vm',
      input: payments('payments-db-1'),
      allowed: ['operator', 'power', 'admin'],
    },
    {
      action: 'start-vm',
      input: payments('payments-batch'),
      allowed: ['operator', 'power', 'admin'],
    },
    {
      action: 'migrate-vm',
      input: payments('payments-db-1'),
      allowed: ['power', 'admin'],
    },
    {
      action: 'snapshot-vm',
      input: payments('payments-db-1'),
      allowed: ['operator', 'power', 'admin'],
    },
    {
      action: 'delete-vm',
      input: payments('payments-batch'),
      allowed: ['admin'],
    },
  ];
  it.each(writes.map(w => [w.action, w] as const))(
    '%s: allowed and denied per role, denials audited, cluster unchanged',
    async (_name, write) => {
      for (const who of ['viewer', 'operator', 'power', 'admin'] as Person[]) {
        const before = await clusterState(sim);
        audit.length = 0;
        const res = await invoke(who, write.action, {
          ...write.input,
          dryRun: true,
        });
        const outcome = {
          who,
          status: res.status,
          dryRun: res.body.output?.dryRun,
          deniedInWords: /may not/.test(res.body.error?.message ?? ''),
          audit: audit.at(-1)?.outcome,
        };
        expect(outcome).toEqual(
          write.allowed.includes(who)
            ? {
                who,
                status: 200,
                dryRun: true,
                deniedInWords: false,
                audit: 'success',
              }
            : {
                who,
                status: 403,
                dryRun: undefined,
                deniedInWords: true,
                audit: 'fail',
              },
        );
        expect(await clusterState(sim)).toEqual(before);
      }
    },
  );

  it('sets and removes labels for a role that may update the VM, not for a viewer', async () => {
    await invoke('viewer', 'label-vm', {
      ...payments('payments-db-1'),
      setLabels: { tier: 'db' },
    }).expect(403);
    const set = await invoke('operator', 'label-vm', {
      ...payments('payments-db-1'),
      setLabels: { tier: 'db' },
      setAnnotations: { 'example.com/note': 'nightly backup' },
    }).expect(200);
    expect(set.body.output).toMatchObject({
      changedLabels: ['tier'],
      changedAnnotations: ['example.com/note'],
      dryRun: false,
    });
    expect(set.body.output.labels.tier).toBe('db');
    const removed = await invoke('operator', 'label-vm', {
      ...payments('payments-db-1'),
      removeLabels: ['tier'],
    }).expect(200);
    expect(removed.body.output.labels.tier).toBeUndefined();
    // the keys KubeVirt keeps are refused with the reason
    const refused = await invoke('operator', 'label-vm', {
      ...payments('payments-db-1'),
      setLabels: { 'kubevirt.io/size': 'big' },
    }).expect(400);
    expect(refused.body.error.message).toContain(
      'kubevirt.io/size is kept by Kubernetes or KubeVirt',
    );
  });

  it('performs a real start, stop, snapshot and restore for a role that may', async () => {
    await invoke('operator', 'start-vm', payments('payments-batch')).expect(
      200,
    );
    await sim.settled();
    const running = await invoke(
      'operator',
      'get-vm',
      payments('payments-batch'),
    ).expect(200);
    expect(running.body.output.summary.status).toBe('Running');
    // a second start is an error KubeVirt words, not a silent success
    const again = await invoke(
      'operator',
      'start-vm',
      payments('payments-batch'),
    );
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.body.error.message).toMatch(/running/i);
    await invoke('operator', 'stop-vm', payments('payments-batch')).expect(200);
    const snap = await invoke('operator', 'snapshot-vm', {
      ...payments('payments-batch'),
      snapshotName: 'before-upgrade',
    }).expect(200);
    expect(snap.body.output).toMatchObject({
      snapshot: 'before-upgrade',
      dryRun: false,
    });
    await sim.settled();
    const restore = await invoke('operator', 'restore-vm', {
      ...payments('payments-batch'),
      snapshot: 'before-upgrade',
    }).expect(200);
    expect(restore.body.output.restore).toMatch(/^before-upgrade-restore/);
  });

  /** One JSON-RPC call to the MCP endpoint (streamable HTTP; the answer may come as an SSE event). */
  async function mcp(who: Person, method: string, params: object = {}) {
    const res = await request(server)
      .post('/api/mcp-actions/v1')
      .set('Authorization', mockCredentials.user.header(`user:default/${who}`))
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method, params });
    const text: string = res.text;
    const data = text.includes('data:')
      ? text
          .split('\n')
          .find(l => l.startsWith('data:'))!
          .slice(5)
      : text;
    return { status: res.status, body: JSON.parse(data) };
  }

  it('serves the actions as MCP tools: initialize, list tools, list VMs and start a VM per role', async () => {
    const init = await mcp('operator', 'initialize', {
      protocolVersion: '2025-03-26',
      capabilities: {},
      clientInfo: { name: 'test', version: '1' },
    });
    expect(init.status).toBe(200);
    expect(init.body.result.serverInfo).toBeDefined();

    const tools = await mcp('operator', 'tools/list');
    const names = tools.body.result.tools.map((t: any) => t.name);
    // the MCP backend namespaces tool names by plugin
    expect(names).toEqual(
      expect.arrayContaining([
        'kubevirt.list-vms',
        'kubevirt.start-vm',
        'kubevirt.delete-vm',
      ]),
    );
    const startTool = tools.body.result.tools.find(
      (t: any) => t.name === 'kubevirt.start-vm',
    );
    expect(startTool.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    expect((await mcp('nobody', 'tools/list')).body.result.tools).toEqual([]);

    const listed = await mcp('viewer', 'tools/call', {
      name: 'kubevirt.list-vms',
      arguments: { namespace: 'payments', status: ['Stopped'] },
    });
    const listText = listed.body.result.content[0].text;
    expect(listText).toContain('payments-batch');
    expect(listed.body.result.isError).not.toBe(true);

    const before = await clusterState(sim);
    const denied = await mcp('viewer', 'tools/call', {
      name: 'kubevirt.start-vm',
      arguments: payments('payments-batch'),
    });
    expect(denied.body.result?.isError ?? !!denied.body.error).toBe(true);
    expect(JSON.stringify(denied.body)).toMatch(/may not start/);
    expect(await clusterState(sim)).toEqual(before);

    const started = await mcp('operator', 'tools/call', {
      name: 'kubevirt.start-vm',
      arguments: payments('payments-batch'),
    });
    expect(started.body.result.isError).not.toBe(true);
    await sim.settled();
    const after = await invoke(
      'operator',
      'get-vm',
      payments('payments-batch'),
    ).expect(200);
    expect(after.body.output.summary.status).toBe('Running');
  });
});
