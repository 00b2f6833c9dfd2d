import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import { vmRoles } from '@kubevirt-backstage/plugin-kubevirt-common';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  eventually,
  RawPathClient,
} from '../../__testUtils__/harness';
import { asRole, rolePermissions } from '../../__testUtils__/rolePermissions';

jest.setTimeout(90_000);

const nodePath = (node: string) => `/api/v1/nodes/${node}`;
const route = (node: string) =>
  `/api/kubevirt/clusters/east/nodes/${node}/maintenance`;

describe('node maintenance (/clusters/:cluster/nodes/:node/maintenance) against the simulator', () => {
  let east: Simulator;
  let admin: RawPathClient;
  let server: Server;
  const { start, auditEvents } = brokerHarness();
  const as = (role: string) => ({
    get: (node: string) =>
      request(server).get(route(node)).set('Authorization', asRole(role)),
    start: (node: string, body: object = {}) =>
      request(server)
        .post(route(node))
        .set('Authorization', asRole(role))
        .send(body),
    stop: (node: string, query = '') =>
      request(server)
        .delete(`${route(node)}${query}`)
        .set('Authorization', asRole(role)),
  });
  const cordoned = async (node: string) =>
    !!(await admin.request<any>('GET', nodePath(node))).spec?.unschedulable;
  const setCordon = (node: string, on: boolean) =>
    admin.request(
      'PATCH',
      nodePath(node),
      { spec: { unschedulable: on ? true : null } },
      'application/merge-patch+json',
    );
  /** The node with the most running VM instances. */
  const busiestNode = async () => {
    const vmis = await admin.request<{ items: any[] }>(
      'GET',
      '/apis/kubevirt.io/v1/virtualmachineinstances',
    );
    const counts = new Map<string, number>();
    for (const v of vmis.items)
      if (v.status?.phase === 'Running')
        counts.set(v.status.nodeName, (counts.get(v.status.nodeName) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  };

  beforeEach(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
    server = (await start({ east }, rolePermissions().factory)).server;
  });
  afterEach(async () => {
    await east.stop();
  });

  it('cordons the node, live-migrates its VMs with a result each, shows progress until it is empty, and uncordons it; audited', async () => {
    const node = await busiestNode();
    const before = (await as('vm-admin').get(node).expect(200)).body;
    expect(before).toMatchObject({
      cluster: 'east',
      node,
      unschedulable: false,
      ready: true,
      drained: false,
    });
    expect(before.vmCount).toBeGreaterThan(0);
    expect(before.vms).toHaveLength(before.vmCount);
    auditEvents.length = 0;

    const res = await as('vm-admin').start(node).expect(202);
    expect(res.body.unschedulable).toBe(true);
    expect(res.body.dryRun).toBe(false);
    expect(res.body.results.map((r: any) => r.name).sort()).toEqual(
      before.vms.map((v: any) => v.name).sort(),
    );
    expect(res.body.results.every((r: any) => r.result === 'migrating')).toBe(
      true,
    );
    expect(await cordoned(node)).toBe(true);

    const drained = await eventually(
      () => as('vm-admin').get(node),
      r => r.body.drained === true,
    );
    expect(drained.body).toMatchObject({ vmCount: 0, vms: [], drained: true });
    // no VM went back: the migrations picked other nodes
    const vmis = await admin.request<{ items: any[] }>(
      'GET',
      '/apis/kubevirt.io/v1/virtualmachineinstances',
    );
    expect(vmis.items.filter(v => v.status?.nodeName === node)).toEqual([]);

    const off = await as('vm-admin').stop(node).expect(200);
    expect(off.body).toMatchObject({ unschedulable: false, drained: false });
    expect(await cordoned(node)).toBe(false);
    expect(auditEvents.map(e => [e.eventId, e.outcome])).toEqual(
      expect.arrayContaining([
        ['node-maintenance-start', 'success'],
        ['node-evacuate', 'success'],
        ['node-maintenance-stop', 'success'],
      ]),
    );
  });

  it('changes nothing in a dry run', async () => {
    const node = await busiestNode();
    const migrations = () =>
      admin
        .request<{ items: unknown[] }>(
          'GET',
          '/apis/kubevirt.io/v1/virtualmachineinstancemigrations',
        )
        .then(l => l.items.length);
    const migrationsBefore = await migrations();
    const res = await as('vm-admin').start(node, { dryRun: true }).expect(202);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.results.length).toBeGreaterThan(0);
    await east.settled();
    expect(await cordoned(node)).toBe(false);
    expect(await migrations()).toBe(migrationsBefore);
  });

  it('leaves the VMs where they are, and says so, when no other node can take them', async () => {
    const node = await busiestNode();
    for (const other of ['node-a', 'node-b', 'node-c'].filter(n => n !== node))
      await setCordon(other, true);
    const res = await as('vm-admin').start(node).expect(202);
    const count = res.body.vmCount;
    expect(count).toBeGreaterThan(0);
    await east.settled();
    const after = await as('vm-admin').get(node).expect(200);
    // the migrations found no target and failed: the node still holds its VMs
    expect(after.body).toMatchObject({
      unschedulable: true,
      vmCount: count,
      drained: false,
    });
    expect(after.body.vms.every((v: any) => !v.migrating)).toBe(true);
  });

  it.each(vmRoles.filter(r => r !== 'vm-admin').map(r => [r]))(
    'refuses %s (kubevirt.node.maintenance is vm-admin only), before any cluster call',
    async role => {
      east.clearReceived();
      const res = await as(role).start('node-a').expect(403);
      expect(res.body.error.message).toBe(
        'You may not put nodes of cluster east into maintenance: it needs kubevirt.node.maintenance (vm-admin, on every VM)',
      );
      await as(role).get('node-a').expect(403);
      await as(role).stop('node-a').expect(403);
      expect(east.received().filter(r => r.url.includes('/nodes'))).toEqual([]);
    },
  );

  it('refuses a name that is not a node name (400) and an unknown node (404)', async () => {
    const bad = await as('vm-admin').start('Not_A_Node').expect(400);
    expect(bad.body.error.name).toBe('InputError');
    await as('vm-admin').get('no-such-node').expect(404);
    await as('vm-admin').start('no-such-node').expect(404);
  });

  it('names the right when the broker may not patch nodes (403), and cordons nothing', async () => {
    // the broker's role without patch on core resources
    await admin.request(
      'PUT',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/backstage-broker',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'backstage-broker' },
        rules: [
          {
            apiGroups: ['*'],
            resources: ['*'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
          },
          {
            apiGroups: ['kubevirt.io', 'subresources.kubevirt.io'],
            resources: ['*'],
            verbs: ['patch'],
          },
        ],
      },
    );
    const res = await as('vm-admin').start('node-a').expect(403);
    expect(res.body.error.message).toContain(
      'The broker\'s service account may not patch nodes on cluster east: node maintenance needs the right "patch" on "nodes" (core API group, cluster-wide; see docs/broker-rbac.yaml)',
    );
    expect(await cordoned('node-a')).toBe(false);
  });
});
