import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  demoVms,
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import {
  demoEntities,
  startKubevirtBackend,
  user,
} from './__testUtils__/testBackend';

jest.setTimeout(300_000);

const SCALE = 10_000;
const NARROW = 'group:default/team-narrow';

/** The simulator's generated VMs, as its seed documents them: namespace by i % 4, entity scale-(i % 100). */
const generated = Array.from({ length: SCALE }, (_, i) => ({
  namespace: ['payments', 'orders', 'data', 'platform'][i % 4],
  name: `scale-vm-${String(i).padStart(6, '0')}`,
  entity: `scale-${i % 100}`,
}));
const allVms = [
  ...demoVms.map(v => ({
    namespace: v.namespace,
    name: v.name,
    entity: v.entity,
  })),
  ...generated,
];

/** team-narrow owns two of the hundred generated services: scale-7 (VMs in platform) and scale-10 (in data). */
const narrowEntities = new Set(['scale-7', 'scale-10']);
const components: Entity[] = Array.from({ length: 100 }, (_, n) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `scale-${n}`,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': `scale-${n}` },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: narrowEntities.has(`scale-${n}`)
      ? NARROW
      : 'group:default/team-other',
  },
}));

const users = {
  owner: {
    ref: 'user:default/narrow-owner',
    scope: 'owned',
    visible: (v: (typeof allVms)[number]) => narrowEntities.has(v.entity),
  },
  namespace: {
    ref: 'user:default/narrow-ns',
    scope: { namespaces: ['sim/payments'] },
    visible: (v: (typeof allVms)[number]) => v.namespace === 'payments',
  },
  both: {
    ref: 'user:default/narrow-both',
    scope: { owned: true, namespaces: ['data'] },
    visible: (v: (typeof allVms)[number]) =>
      narrowEntities.has(v.entity) && v.namespace === 'data',
  },
};

describe(`a narrowly scoped list at ${SCALE} VMs`, () => {
  let sim: Simulator;
  let server: any;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0, vms: SCALE });
    await sim.settled();
    ({ server } = await startKubevirtBackend({
      clusters: { sim },
      entities: [
        ...demoEntities(),
        ...components,
        ...Object.values(users).map(u => user(u.ref, [NARROW])),
      ],
      roles: {
        bindings: Object.values(users).map(u => ({
          subjects: [u.ref],
          role: 'vm-user',
          scope: u.scope,
        })),
      },
    }));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const list = (who: string, query: Record<string, string | number> = {}) =>
    request(server)
      .get('/api/kubevirt/vms')
      .query({ limit: 5000, ...query })
      .set('Authorization', mockCredentials.user.header(who))
      .expect(200);

  it.each(Object.entries(users))(
    'shows the %s-scoped user exactly the VMs in scope, and counts only those',
    async (_kind, u) => {
      const expected = allVms
        .filter(u.visible)
        .map(v => `${v.namespace}/${v.name}`)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(allVms.length / 2);

      const res = await list(u.ref);
      const listed = res.body.items
        .map((v: any) => `${v.namespace}/${v.name}`)
        .sort();
      expect(listed).toEqual(expected);
      expect(res.body.totalItems).toBe(expected.length);
      expect(res.body.clusters).toEqual([
        expect.objectContaining({ name: 'sim', vmCount: expected.length }),
      ]);
      // the rights offered are the role's, never more
      expect(
        new Set(res.body.items.flatMap((v: any) => v.allowedOperations)),
      ).not.toContain('delete');
    },
  );

  it('leaks neither names nor counts of hidden VMs through paging, filters or search', async () => {
    const u = users.namespace;
    const hidden = allVms.find(v => !u.visible(v))!;
    const visibleCount = allVms.filter(u.visible).length;

    const page = await list(u.ref, { limit: 10, offset: 2500 });
    expect(page.body.items).toHaveLength(visibleCount - 2500);
    expect(page.body.totalItems).toBe(visibleCount);

    const probes: Record<string, string>[] = [
      { namespace: 'orders' },
      { text: hidden.name },
      { kubernetesId: 'scale-1' }, // every scale-1 VM is in orders
      { labelSelector: `app.kubernetes.io/name=${hidden.name}` },
      { entity: 'component:default/scale-1' },
    ];
    for (const query of probes) {
      const res = await list(u.ref, query);
      expect({
        query,
        items: res.body.items,
        totalItems: res.body.totalItems,
        vmCount: res.body.clusters[0]?.vmCount,
      }).toEqual({
        query,
        items: [],
        totalItems: 0,
        vmCount: 0,
      });
    }
    const one = await request(server)
      .get(`/api/kubevirt/vms/sim/${hidden.namespace}/${hidden.name}`)
      .set('Authorization', mockCredentials.user.header(u.ref));
    // a hidden VM answers exactly like one that does not exist: no existence oracle
    const missing = await request(server)
      .get(`/api/kubevirt/vms/sim/${hidden.namespace}/no-such-vm`)
      .set('Authorization', mockCredentials.user.header(u.ref));
    expect([one.status, missing.status]).toEqual([403, 403]);
    expect(one.body.error.message.replace(hidden.name, 'X')).toBe(
      missing.body.error.message.replace('no-such-vm', 'X'),
    );
  });
});
