import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import {
  roleGrants,
  vmCreatePermission,
  VmOperation,
  vmOperationPermissions,
  vmOperations,
  VmRole,
  vmRoles,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import request from 'supertest';
import { parse } from 'yaml';
import {
  AuditRecord,
  clusterState,
  demoEntities,
  readRepoFile,
  simGet,
  simRequest,
  startKubevirtBackend,
  user,
} from './__testUtils__/testBackend';

jest.setTimeout(180_000);

const TEAM = 'group:default/team-payments';
const tester = (role: VmRole) => `user:default/${role}-tester`;

/**
 * Each role's tester (a member of team-payments) holds the role on the team's
 * own VMs in cluster east only, so the four VMs below are the four cells
 * owned × in scope. Demo seed on both clusters, demo catalog: team-payments
 * owns payments-api, whose VMs are in namespace payments.
 */
const matrixScope = { owned: true, clusters: ['east'] };
const targets = [
  {
    cell: 'owned, in scope',
    cluster: 'east',
    namespace: 'payments',
    name: 'payments-db-0',
    owned: true,
    inScope: true,
  },
  {
    cell: 'owned, out of scope',
    cluster: 'west',
    namespace: 'payments',
    name: 'payments-db-0',
    owned: true,
    inScope: false,
  },
  {
    cell: 'not owned, in scope',
    cluster: 'east',
    namespace: 'orders',
    name: 'orders-worker-1',
    owned: false,
    inScope: true,
  },
  {
    cell: 'not owned, out of scope',
    cluster: 'west',
    namespace: 'orders',
    name: 'orders-worker-1',
    owned: false,
    inScope: false,
  },
];
type Target = (typeof targets)[number];

function vmPath(t: Target) {
  return `/api/kubevirt/vms/${t.cluster}/${t.namespace}/${t.name}`;
}

const query = (dryRun: boolean) => (dryRun ? '?dryRun=true' : '');

type Call = { method: 'post' | 'put' | 'delete'; path: string; body?: object };

/**
 * How each operation reaches the broker over HTTP, with a body the broker
 * accepts, so that an allowed call ends in 2xx (or 409 where KubeVirt refuses
 * it for the VM's state). `console` has no HTTP route (it is a WebSocket): it
 * is checked through `allowedOperations` and the permission backend only.
 */
const routes: Partial<
  Record<
    VmOperation,
    (t: Target, dryRun: boolean, sim: Simulator) => Promise<Call>
  >
> = {
  update: async (t, dryRun, sim) => ({
    method: 'put',
    path: vmPath(t),
    body: {
      manifest: await simGet(
        sim,
        `/apis/kubevirt.io/v1/namespaces/${t.namespace}/virtualmachines/${t.name}`,
      ),
      dryRun,
    },
  }),
  addVolume: async (t, dryRun) => ({
    method: 'post',
    path: `${vmPath(t)}/volumes`,
    body: { name: 'scratch', size: '1Gi', dryRun },
  }),
  removeVolume: async (t, dryRun) => ({
    method: 'delete',
    path: `${vmPath(t)}/volumes/cloudinitdisk${query(dryRun)}`,
  }),
  delete: async (t, dryRun) => ({
    method: 'delete',
    path: `${vmPath(t)}${query(dryRun)}`,
  }),
  ...Object.fromEntries(
    (
      [
        'start',
        'stop',
        'forceStop',
        'restart',
        'pause',
        'unpause',
        'migrate',
        'cancelMigration',
      ] as const
    ).map(action => [
      action,
      async (t: Target, dryRun: boolean) => ({
        method: 'post' as const,
        path: `${vmPath(t)}/${action}`,
        body: { dryRun },
      }),
    ]),
  ),
  clone: async (t, dryRun) => ({
    method: 'post',
    path: `${vmPath(t)}/clone`,
    body: { targetName: `${t.name}-clone`, dryRun },
  }),
  snapshot: async (t, dryRun) => ({
    method: 'post',
    path: `${vmPath(t)}/snapshots`,
    body: { name: `${t.name}-snap-2`, dryRun },
  }),
  deleteSnapshot: async (t, dryRun) => ({
    method: 'delete',
    path: `${vmPath(t)}/snapshots/${t.name}-snap${query(dryRun)}`,
  }),
  restore: async (t, dryRun) => ({
    method: 'post',
    path: `${vmPath(t)}/restores`,
    body: { snapshot: `${t.name}-snap`, dryRun },
  }),
};

/** Allowed: accepted, or refused by KubeVirt for the VM's state (start a running VM: 409), never 403. */
function outcomeOf(res: { status: number; body: any }) {
  if (res.status === 403) return 'forbidden';
  if (res.status < 300 || res.status === 409) return 'passed authorization';
  return `unexpected ${res.status}: ${res.body?.error?.message}`;
}

/** Every write is audited; a refused one as a failure. */
function expectedAudit(allowed: boolean, status: number) {
  return allowed && status < 300 ? 'success' : 'fail';
}

const expectedAllowed = (role: VmRole, op: VmOperation, t: Target) =>
  roleGrants(role, vmOperationPermissions[op]) && t.owned && t.inScope;

describe('VM roles through the real backend over HTTP', () => {
  let east: Simulator;
  let west: Simulator;
  let server: any;
  let audit: AuditRecord[];
  const sims = () => ({ east, west });

  beforeAll(async () => {
    [east, west] = await Promise.all([
      startSimulator({ port: 0, stageDelayMs: 0 }),
      startSimulator({ port: 0, stageDelayMs: 0 }),
    ]);
    // a ready snapshot of every target, for deleteSnapshot and restore
    for (const t of targets) {
      await simRequest(
        sims()[t.cluster as 'east' | 'west'],
        'POST',
        `/apis/snapshot.kubevirt.io/v1beta1/namespaces/${t.namespace}/virtualmachinesnapshots`,
        {
          apiVersion: 'snapshot.kubevirt.io/v1beta1',
          kind: 'VirtualMachineSnapshot',
          metadata: { name: `${t.name}-snap`, namespace: t.namespace },
          spec: {
            source: {
              apiGroup: 'kubevirt.io',
              kind: 'VirtualMachine',
              name: t.name,
            },
          },
        },
      );
    }
    await Promise.all([east.settled(), west.settled()]);
    ({ server, audit } = await startKubevirtBackend({
      clusters: { east, west },
      entities: [
        ...demoEntities(),
        ...vmRoles.map(role => user(tester(role), [TEAM])),
        user('user:default/nobody', ['group:default/team-orders']),
      ],
      roles: {
        bindings: vmRoles.map(role => ({
          subjects: [tester(role)],
          role,
          scope: matrixScope,
        })),
      },
    }));
  });
  afterAll(async () => {
    await Promise.all([east?.stop(), west?.stop()]);
  });

  describe.each(vmRoles.map(role => [role]))('%s', (role: VmRole) => {
    const auth = () => mockCredentials.user.header(tester(role));

    it('reads, lists and is offered exactly the operations of the role on owned VMs in scope', async () => {
      for (const t of targets) {
        const res = await request(server)
          .get(vmPath(t))
          .set('Authorization', auth());
        const expectedOps = vmOperations.filter(op =>
          expectedAllowed(role, op, t),
        );
        expect({
          cell: t.cell,
          status: res.status,
          allowedOperations: res.body.summary?.allowedOperations,
        }).toEqual({
          cell: t.cell,
          status: expectedAllowed(role, 'read', t) ? 200 : 403,
          allowedOperations: expectedAllowed(role, 'read', t)
            ? expectedOps
            : undefined,
        });
      }
      const list = await request(server)
        .get('/api/kubevirt/vms')
        .set('Authorization', auth())
        .expect(200);
      const listed = list.body.items
        .map((v: any) => `${v.cluster}/${v.namespace}/${v.name}`)
        .sort();
      expect(listed).toEqual([
        'east/payments/payments-batch',
        'east/payments/payments-db-0',
        'east/payments/payments-db-1',
      ]);
      expect(list.body.totalItems).toBe(3);
      expect(list.body.clusters.map((c: any) => [c.name, c.vmCount])).toEqual([
        ['east', 3],
        ['west', 0],
      ]);
    });

    it('gets the same answer from the permission backend for every operation, and create by cluster', async () => {
      const items = targets.flatMap(t =>
        vmOperations.map(op => ({
          id: `${op}@${t.cell}`,
          permission: vmOperationPermissions[op],
          resourceRef: `${t.cluster}/${t.namespace}/${t.name}`,
        })),
      );
      items.push(
        {
          id: 'create@east/payments',
          permission: vmCreatePermission as any,
          resourceRef: 'east/payments',
        },
        {
          id: 'create@west/payments',
          permission: vmCreatePermission as any,
          resourceRef: 'west/payments',
        },
      );
      const res = await request(server)
        .post('/api/permission/authorize')
        .set('Authorization', auth())
        .send({ items })
        .expect(200);
      const answers = Object.fromEntries(
        res.body.items.map((i: any) => [i.id, i.result]),
      );
      const expected = Object.fromEntries([
        ...targets.flatMap(t =>
          vmOperations.map(op => [
            `${op}@${t.cell}`,
            expectedAllowed(role, op, t)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          ]),
        ),
        // create has no VM to own: the owned part of the scope drops, the cluster part stays
        [
          'create@east/payments',
          roleGrants(role, vmCreatePermission)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        ],
        ['create@west/payments', AuthorizeResult.DENY],
      ]);
      expect(answers).toEqual(expected);
    });

    it('runs every routed operation it may (dry run) and is refused the others with nothing changed on the cluster', async () => {
      const outcomes = [];
      const expected = [];
      for (const t of targets) {
        const sim = sims()[t.cluster as 'east' | 'west'];
        for (const [op, route] of Object.entries(routes) as [
          VmOperation,
          NonNullable<(typeof routes)[VmOperation]>,
        ][]) {
          const allowed = expectedAllowed(role, op, t);
          // a denial is sent for real: only the authorization may stop it
          const call = await route(t, allowed, sim);
          const before = allowed ? undefined : await clusterState(sim);
          const auditBefore = audit.length;
          const res = await request(server)
            [call.method](call.path)
            .set('Authorization', auth())
            .send(call.body);
          const after = allowed ? undefined : await clusterState(sim);
          outcomes.push({
            op,
            cell: t.cell,
            outcome: outcomeOf(res),
            unchanged: after
              ? after.revision === before!.revision &&
                JSON.stringify(after.objects) ===
                  JSON.stringify(before!.objects)
              : true,
            audit:
              audit
                .slice(auditBefore)
                .map(a => a.outcome)
                .join(',') || 'none',
          });
          expected.push({
            op,
            cell: t.cell,
            outcome: allowed ? 'passed authorization' : 'forbidden',
            unchanged: true,
            audit: expectedAudit(allowed, res.status),
          });
        }
      }
      // create: no VM to own, so only the cluster part of the scope applies
      for (const place of [
        {
          cell: 'create, namespace in scope',
          cluster: 'east',
          namespace: 'payments',
          inScope: true,
        },
        {
          cell: 'create, namespace out of scope',
          cluster: 'west',
          namespace: 'payments',
          inScope: false,
        },
      ]) {
        const sim = sims()[place.cluster as 'east' | 'west'];
        const allowed = roleGrants(role, vmCreatePermission) && place.inScope;
        const before = allowed ? undefined : await clusterState(sim);
        const auditBefore = audit.length;
        const res = await request(server)
          .post('/api/kubevirt/vms')
          .set('Authorization', auth())
          .send({
            cluster: place.cluster,
            namespace: place.namespace,
            name: `${role}-new`,
            instancetype: 'u1.small',
            image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
            dryRun: allowed,
          });
        const after = allowed ? undefined : await clusterState(sim);
        outcomes.push({
          op: 'create',
          cell: place.cell,
          outcome: outcomeOf(res),
          unchanged: after
            ? JSON.stringify(after) === JSON.stringify(before)
            : true,
          audit:
            audit
              .slice(auditBefore)
              .map(a => a.outcome)
              .join(',') || 'none',
        });
        expected.push({
          op: 'create',
          cell: place.cell,
          outcome: allowed ? 'passed authorization' : 'forbidden',
          unchanged: true,
          audit: expectedAudit(allowed, res.status),
        });
      }
      expect(outcomes).toEqual(expected);
    });
  });

  it('shows nothing and allows nothing to a user without a binding', async () => {
    const nobody = mockCredentials.user.header('user:default/nobody');
    const list = await request(server)
      .get('/api/kubevirt/vms')
      .set('Authorization', nobody)
      .expect(200);
    expect(list.body).toMatchObject({ items: [], totalItems: 0 });
    expect(list.body.clusters.every((c: any) => c.vmCount === undefined)).toBe(
      true,
    );
    await request(server)
      .get('/api/kubevirt/vms/east/orders/orders-worker-1')
      .set('Authorization', nobody)
      .expect(403);
    const before = await clusterState(east);
    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/restart')
      .set('Authorization', nobody)
      .send({})
      .expect(403);
    expect(await clusterState(east)).toEqual(before);
  });
});

describe('the demo bindings of app-config.yaml', () => {
  let east: Simulator;
  let server: any;

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    ({ server } = await startKubevirtBackend({
      clusters: { 'local-sim': east },
      entities: [
        ...demoEntities(),
        user('user:default/ops', ['group:default/platform']),
      ],
      roles: parse(readRepoFile('app-config.yaml')).kubevirt.roles,
    }));
  });
  afterAll(async () => {
    await east?.stop();
  });

  it('gives the guest (team-payments) at least power-user rights on its team’s VMs, read-only elsewhere', async () => {
    const guest = mockCredentials.user.header('user:development/guest');
    const own = await request(server)
      .get('/api/kubevirt/vms/local-sim/payments/payments-db-0')
      .set('Authorization', guest)
      .expect(200);
    expect(own.body.summary.allowedOperations).toEqual(
      expect.arrayContaining(
        vmOperations.filter(op =>
          roleGrants('vm-power-user', vmOperationPermissions[op]),
        ),
      ),
    );
    const other = await request(server)
      .get('/api/kubevirt/vms/local-sim/orders/orders-worker-1')
      .set('Authorization', guest)
      .expect(200);
    expect(other.body.summary.allowedOperations).toEqual([
      'read',
      'diagnostics',
    ]);
    const before = await clusterState(east);
    await request(server)
      .post('/api/kubevirt/vms/local-sim/orders/orders-worker-1/stop')
      .set('Authorization', guest)
      .send({})
      .expect(403);
    await request(server)
      .delete('/api/kubevirt/vms/local-sim/orders/orders-worker-1')
      .set('Authorization', guest)
      .expect(403);
    expect(await clusterState(east)).toEqual(before);
    await request(server)
      .post('/api/kubevirt/vms/local-sim/payments/payments-db-0/migrate')
      .set('Authorization', guest)
      .send({ dryRun: true })
      .expect(res => expect(res.status).not.toBe(403));
    const list = await request(server)
      .get('/api/kubevirt/vms')
      .set('Authorization', guest)
      .expect(200);
    expect(list.body.totalItems).toBe(11);
    const create = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', guest)
      .send({
        items: [
          {
            id: '1',
            permission: vmCreatePermission,
            resourceRef: 'local-sim/orders',
          },
        ],
      })
      .expect(200);
    expect(create.body.items[0].result).toBe(AuthorizeResult.DENY);
  });

  it('makes platform vm-admin everywhere, and only its members', async () => {
    const ops = mockCredentials.user.header('user:default/ops');
    const vm = await request(server)
      .get('/api/kubevirt/vms/local-sim/orders/orders-worker-1')
      .set('Authorization', ops)
      .expect(200);
    expect(vm.body.summary.allowedOperations).toEqual(vmOperations);
    await request(server)
      .delete('/api/kubevirt/vms/local-sim/orders/orders-worker-1?dryRun=true')
      .set('Authorization', ops)
      .expect(202);
    const create = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', ops)
      .send({
        items: [
          {
            id: '1',
            permission: vmCreatePermission,
            resourceRef: 'local-sim/orders',
          },
        ],
      })
      .expect(200);
    expect(create.body.items[0].result).toBe(AuthorizeResult.ALLOW);
    // not in the org, so in no group: no binding, no VM rights
    const stranger = mockCredentials.user.header('user:default/stranger');
    await request(server)
      .get('/api/kubevirt/vms/local-sim/orders/orders-worker-1')
      .set('Authorization', stranger)
      .expect(403);
  });
});
