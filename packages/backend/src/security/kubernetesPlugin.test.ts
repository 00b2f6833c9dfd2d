import { mockCredentials } from '@backstage/backend-test-utils';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
// the policy module's demo catalog and test users: shared, not copied
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  demoEntities,
  readmeYamlBlock,
  simGet,
  simRequest,
  user,
} from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt/src/__testUtils__/testBackend';
import request from 'supertest';
import { startKubernetesPluginBackend } from './__testUtils__/kubernetesPluginBackend';

jest.setTimeout(180_000);

/**
 * The Kubernetes plugin beside the VM broker (security issue 14, finding 2):
 * the real @backstage/plugin-kubernetes-backend, the real permission backend
 * with the KubeVirt policy as its only policy, and one cluster (the
 * simulator) under `kubernetes.clusterLocatorMethods` with the broker's
 * token, as app-config.yaml configures it for both plugins. No broker runs
 * here, so every request the simulator receives came through the Kubernetes
 * plugin. The backend runs in a process of its own
 * (__testUtils__/kubernetesPluginBackendMain.ts says why).
 */
const people = {
  // no VM role at all (team-orders has no binding here)
  nobody: ['group:default/team-orders'],
  // vm-viewer on every VM: may read every VM already
  viewer: ['group:default/viewers'],
  // vm-admin on the VMs of its own services only
  ownedAdmin: ['group:default/team-payments'],
  // named in kubevirt.roles.kubernetesPlugin.proxy
  operator: ['group:default/platform'],
} as const;
type Person = keyof typeof people;

const roles = {
  bindings: [
    { subjects: ['group:default/viewers'], role: 'vm-viewer', scope: 'all' },
    {
      subjects: ['group:default/team-payments'],
      role: 'vm-admin',
      scope: 'owned',
    },
    { subjects: ['group:default/platform'], role: 'vm-admin', scope: 'all' },
  ],
  kubernetesPlugin: { proxy: ['group:default/platform'] },
};

const as = (who: Person) => mockCredentials.user.header(`user:default/${who}`);
const CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';
const vmPath =
  '/apis/kubevirt.io/v1/namespaces/orders/virtualmachines/orders-worker-1';
const paymentsApi = 'component:default/payments-api';

const entities = () => [
  ...demoEntities(),
  ...Object.entries(people).map(([name, groups]) =>
    user(`user:default/${name}`, [...groups]),
  ),
];

const paymentsVms = [
  'local-sim/payments/payments-batch',
  'local-sim/payments/payments-db-0',
  'local-sim/payments/payments-db-1',
];

/** The VMs (kind VirtualMachine) of an objects answer, as cluster/namespace/name. */
const vmsIn = (body: any) =>
  (body.items ?? [])
    .flatMap((item: any) =>
      item.resources
        .flatMap((r: any) => r.resources)
        .filter((o: any) => o.kind === 'VirtualMachine')
        .map(
          (o: any) =>
            `${item.cluster.name}/${o.metadata.namespace}/${o.metadata.name}`,
        ),
    )
    .sort();

/** A simulator and the Kubernetes plugin's backend against it, for one describe block. */
function kubernetesPluginAgainstSimulator(
  options: {
    prepare?: (sim: Simulator) => Promise<void>;
    kubernetesPluginToken?: (sim: Simulator) => string;
  } = {},
) {
  const ctx = {} as {
    sim: Simulator;
    server: string;
    stop?: () => Promise<void>;
  };
  beforeAll(async () => {
    ctx.sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await ctx.sim.settled();
    await options.prepare?.(ctx.sim);
    const backend = await startKubernetesPluginBackend({
      sim: ctx.sim,
      roles,
      entities: entities(),
      kubernetesPluginToken: options.kubernetesPluginToken?.(ctx.sim),
    });
    ctx.server = backend.url;
    ctx.stop = backend.stop;
  });
  afterAll(async () => {
    await ctx.stop?.();
    await ctx.sim?.stop();
  });
  beforeEach(() => ctx.sim.clearReceived());

  const proxy = (method: 'get' | 'patch', who: Person, path: string) =>
    request(ctx.server)
      [method](`/api/kubernetes/proxy${path}`)
      .set('Authorization', as(who))
      .set(CLUSTER_HEADER, 'local-sim');
  const proxyPatch = (who: Person, path: string, patch: object) =>
    proxy('patch', who, path)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify(patch));
  const services = (who: Person, entityRef = paymentsApi) => {
    const [kind, rest] = entityRef.split(':');
    const [namespace, name] = rest.split('/');
    return request(ctx.server)
      .post(`/api/kubernetes/services/${name}`)
      .set('Authorization', as(who))
      .send({ entity: { kind, metadata: { namespace, name } } });
  };
  return {
    ctx,
    proxyGet: (who: Person, path: string) => proxy('get', who, path),
    proxyPatch,
    services,
  };
}

describe('the Kubernetes plugin beside the VM roles', () => {
  const { ctx, proxyGet, proxyPatch, services } =
    kubernetesPluginAgainstSimulator();
  const server = () => ctx.server;

  it('refuses the proxy to a user without a VM role, and nothing reaches the cluster', async () => {
    const before = await proxyGet('operator', vmPath).expect(200);
    ctx.sim.clearReceived();

    const reads = await Promise.all([
      proxyGet('nobody', '/apis/kubevirt.io/v1/virtualmachines'),
      proxyGet('nobody', '/api/v1/namespaces/payments/secrets'),
      proxyGet('nobody', vmPath),
    ]);
    expect(reads.map(r => r.status)).toEqual([403, 403, 403]);
    const patch = await proxyPatch('nobody', vmPath, {
      metadata: { labels: { patched: 'by-nobody' } },
    });
    expect(patch.status).toBe(403);
    expect(ctx.sim.received()).toEqual([]);

    const after = await proxyGet('operator', vmPath).expect(200);
    expect(after.body.metadata.labels?.patched).toBeUndefined();
    expect(after.body.metadata.resourceVersion).toBe(
      before.body.metadata.resourceVersion,
    );
  });

  it('refuses the proxy to every VM role, vm-admin on all VMs included, unless kubernetesPlugin.proxy names the user', async () => {
    const statuses = await Promise.all(
      (['nobody', 'viewer', 'ownedAdmin'] as const).map(
        async who => `${who}: ${(await proxyGet(who, vmPath)).status}`,
      ),
    );
    expect(statuses).toEqual(['nobody: 403', 'viewer: 403', 'ownedAdmin: 403']);
    expect(ctx.sim.received()).toEqual([]);

    // platform is vm-admin on all VMs and named in kubernetesPlugin.proxy
    const granted = await proxyGet(
      'operator',
      '/api/v1/namespaces/payments/secrets',
    ).expect(200);
    expect(granted.body.kind).toBe('SecretList');
    expect(ctx.sim.received().map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/namespaces/payments/secrets',
    ]);
  });

  it('refuses the objects routes to a user without a VM role and to a scoped role, before any cluster call', async () => {
    const body = { entityRef: paymentsApi };
    const customResources = [
      { group: 'kubevirt.io', apiVersion: 'v1', plural: 'virtualmachines' },
    ];
    for (const who of ['nobody', 'ownedAdmin'] as const) {
      await services(who).expect(403);
      // another team's service: the route takes any entity, so it cannot be limited to the caller's VMs
      await services(who, 'component:default/orders-service').expect(403);
      await request(server())
        .post('/api/kubernetes/resources/workloads/query')
        .set('Authorization', as(who))
        .send(body)
        .expect(403);
      await request(server())
        .post('/api/kubernetes/resources/custom/query')
        .set('Authorization', as(who))
        .send({ ...body, customResources })
        .expect(403);
    }
    expect(ctx.sim.received()).toEqual([]);
  });

  it('answers the objects routes to a role that reads every VM, and to a proxy grantee', async () => {
    for (const who of ['viewer', 'operator'] as const) {
      const res = await services(who).expect(200);
      expect(vmsIn(res.body)).toEqual(paymentsVms);
    }
    expect(ctx.sim.received().length).toBeGreaterThan(0);
  });

  it('lists the cluster names to every signed-in user, with no cluster call', async () => {
    const res = await request(server())
      .get('/api/kubernetes/clusters')
      .set('Authorization', as('nobody'))
      .expect(200);
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual([
      'local-sim',
    ]);
    expect(ctx.sim.received()).toEqual([]);
  });
});

/**
 * The README's least-privilege ClusterRole for the Kubernetes plugin's own
 * token (README, "Installing beside the Kubernetes plugin"), applied to the
 * simulator and bound to the identity of its `none` token; the cluster entry
 * gives the plugin that token in authMetadata.serviceAccountToken and keeps
 * the broker's in serviceAccountToken.
 */
describe('the Kubernetes plugin with its own read-only token (the README ClusterRole)', () => {
  const { ctx, proxyGet, proxyPatch, services } =
    kubernetesPluginAgainstSimulator({
      async prepare(sim) {
        const clusterRole = readmeYamlBlock(
          'kubernetes-plugin-clusterrole',
        ).find(d => d.kind === 'ClusterRole');
        await simRequest(
          sim,
          'POST',
          '/apis/rbac.authorization.k8s.io/v1/clusterroles',
          clusterRole,
        );
        await simRequest(
          sim,
          'POST',
          '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: clusterRole.metadata.name },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: clusterRole.metadata.name,
            },
            subjects: [
              {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'User',
                name: 'nobody',
              },
            ],
          },
        );
      },
      kubernetesPluginToken: sim => sim.tokens.none,
    });

  it('shows the Kubernetes tab’s objects with it, every kind the plugin fetches readable', async () => {
    const res = await services('viewer').expect(200);
    expect(vmsIn(res.body)).toEqual(paymentsVms);
    expect(res.body.items.flatMap((item: any) => item.errors)).toEqual([]);
  });

  it('leaves a proxy grantee no Secrets and no writes: the cluster refuses them', async () => {
    const before = await simGet(ctx.sim, vmPath);
    ctx.sim.clearReceived();
    const secrets = await proxyGet(
      'operator',
      '/api/v1/namespaces/payments/secrets',
    );
    expect(secrets.status).toBe(403);
    expect(secrets.body).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    const patch = await proxyPatch('operator', vmPath, {
      metadata: { labels: { patched: 'by-operator' } },
    });
    expect(patch.status).toBe(403);
    // refused by the cluster, not by the policy: both reached it
    expect(ctx.sim.received().map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/namespaces/payments/secrets',
      `PATCH ${vmPath}`,
    ]);
    expect((await simGet(ctx.sim, vmPath)).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    // what the role does allow through the proxy: events (and pod logs)
    await proxyGet('operator', '/api/v1/namespaces/payments/events').expect(
      200,
    );
  });
});
