import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import {
  demoEntities,
  eventually,
  simRequest,
  startKubevirtBackend,
  user,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/cache-alice';
const BOB = 'user:default/cache-bob';

/**
 * The broker caches each principal's decisions (kubevirt.permissionCacheSeconds,
 * default 10 s) through the real permission backend and this policy: what a
 * user may do must still follow their groups and the VM's owner at once, and
 * never be another user's.
 */
describe('cached permission decisions', () => {
  let sim: Simulator;
  let server: any;
  const users = {
    alice: user(ALICE, ['group:default/team-payments']),
    bob: user(BOB, []),
  };
  const entities: Entity[] = [...demoEntities(), users.alice, users.bob];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    ({ server } = await startKubevirtBackend({
      clusters: { sim },
      entities,
      roles: {
        bindings: [
          {
            subjects: ['group:default/team-payments'],
            role: 'vm-power-user',
            scope: 'owned',
          },
          {
            subjects: ['group:default/cache-operators'],
            role: 'vm-admin',
            scope: 'all',
          },
        ],
      },
    }));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const paymentsVms = (who: string) =>
    request(server)
      .get('/api/kubevirt/vms')
      .query({ kubernetesId: 'payments-api' })
      .set('Authorization', mockCredentials.user.header(who));
  const vmPage = (who: string) =>
    request(server)
      .get('/api/kubevirt/vms/sim/payments/payments-batch')
      .set('Authorization', mockCredentials.user.header(who));
  const setGroups = (u: Entity, groups: string[]) => {
    u.spec = { ...u.spec, memberOf: groups };
  };

  it("never answers one user with another's decisions, however their requests interleave", async () => {
    setGroups(users.alice, ['group:default/team-payments']);
    setGroups(users.bob, []);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? vmPage(i % 2 ? BOB : ALICE)
          : paymentsVms(i % 2 ? BOB : ALICE),
      ),
    );
    // each answer as its own user must see it: statuses and names side by side
    const seen = answers.map((res, i) => ({
      who: i % 2 ? 'bob' : 'alice',
      route: i % 3 === 0 ? 'vm page' : 'list',
      status: res.status,
      names:
        i % 3 === 0
          ? undefined
          : res.body.items.map((v: { name: string }) => v.name),
      canStart:
        i % 3 === 0
          ? undefined
          : res.body.items.every((v: { allowedOperations: string[] }) =>
              v.allowedOperations.includes('start'),
            ),
    }));
    const expected = answers.map((_, i) => {
      const bob = i % 2 === 1;
      return i % 3 === 0
        ? {
            who: bob ? 'bob' : 'alice',
            route: 'vm page',
            status: bob ? 403 : 200,
            names: undefined,
            canStart: undefined,
          }
        : {
            who: bob ? 'bob' : 'alice',
            route: 'list',
            status: 200,
            names: bob
              ? []
              : ['payments-batch', 'payments-db-0', 'payments-db-1'],
            canStart: true,
          };
    });
    expect(seen).toEqual(expected);
  });

  it('follows a change of the user’s groups on the next request, within the cache time', async () => {
    setGroups(users.bob, []);
    expect((await paymentsVms(BOB)).body.items).toEqual([]);
    expect((await vmPage(BOB)).status).toBe(403);

    // bob joins team-payments: his next token carries the group, and the next request shows it
    setGroups(users.bob, ['group:default/team-payments']);
    const joined = await paymentsVms(BOB).expect(200);
    expect(joined.body.items).toHaveLength(3);
    expect(joined.body.items[0].allowedOperations).toContain('start');
    expect(joined.body.items[0].allowedOperations).not.toContain('delete');
    expect((await vmPage(BOB)).status).toBe(200);

    // and gets a role through another group: vm-admin, delete included, at once
    setGroups(users.bob, [
      'group:default/team-payments',
      'group:default/cache-operators',
    ]);
    const admin = await paymentsVms(BOB).expect(200);
    expect(admin.body.items[0].allowedOperations).toContain('delete');

    // leaves both: nothing again, at once
    setGroups(users.bob, []);
    expect((await paymentsVms(BOB)).body.items).toEqual([]);
    expect((await vmPage(BOB)).status).toBe(403);
    const start = await request(server)
      .post('/api/kubevirt/vms/sim/payments/payments-batch/start')
      .set('Authorization', mockCredentials.user.header(BOB))
      .send({ dryRun: true });
    expect(start.status).toBe(403);
  });

  it('counts per cluster only what each user may read, however often the tab mounts', async () => {
    setGroups(users.alice, ['group:default/team-payments']);
    setGroups(users.bob, ['group:default/cache-operators']);
    const total = async (who: string) =>
      (
        await request(server)
          .get('/api/kubevirt/vms')
          .query({ limit: 1 })
          .set('Authorization', mockCredentials.user.header(who))
          .expect(200)
      ).body.totalItems;
    const [aliceTotal, bobTotal] = [await total(ALICE), await total(BOB)];
    expect(aliceTotal).toBeGreaterThan(0);
    expect(aliceTotal).toBeLessThan(bobTotal);
    // mounts of both users interleaved: each keeps their own count
    const counts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(server)
          .get('/api/kubevirt/clusters')
          .set(
            'Authorization',
            mockCredentials.user.header(i % 2 ? BOB : ALICE),
          )
          .then(res => res.body.items[0].vmCount),
      ),
    );
    expect(counts).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? bobTotal : aliceTotal)),
    );
  });

  it('judges a VM by its new owner as soon as the broker sees the change, with the decision cached', async () => {
    setGroups(users.alice, ['group:default/team-payments']);
    // alice's decision is cached now
    const before = await vmPage(ALICE).expect(200);
    expect(before.body.summary.allowedOperations).toContain('start');

    // the VM moves to orders-service (owned by team-orders): alice keeps no right on it
    const path =
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-batch';
    const vm = await simRequest(sim, 'GET', path);
    vm.metadata.labels['backstage.io/kubernetes-id'] = 'orders-service';
    await simRequest(sim, 'PUT', path, vm);
    const started = Date.now();
    const after = await eventually(
      () => vmPage(ALICE),
      res => res.status === 403,
      10_000,
    );
    expect(after.status).toBe(403);
    // the watch event is the only delay: no cached decision had to expire
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
