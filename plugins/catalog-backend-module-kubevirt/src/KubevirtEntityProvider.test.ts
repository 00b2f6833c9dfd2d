import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
// the real broker: the provider is tested against what it reads in production
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import request from 'supertest';
import { catalogModuleKubevirtEntityProvider } from './module';
import { KubevirtEntityProvider } from './KubevirtEntityProvider';
import { eventually, FakeConnection, kube } from './__testUtils__/testUtils';

jest.setTimeout(60_000);

const component = (name: string, owner: string, system?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner,
    ...(system ? { system } : {}),
  },
});

// platform-bastion is not in this catalog: its VMs fall back to a bare component ref
const components = [
  component('payments-api', 'group:default/team-payments', 'commerce'),
  component('orders-service', 'team-orders', 'commerce'),
  component('search-indexer', 'group:default/team-data'),
];

const newVm = (
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
) => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: {
    name,
    namespace: 'payments',
    labels: { 'backstage.io/kubernetes-id': 'payments-api', ...extra.labels },
    annotations: extra.annotations,
  },
  spec: {
    runStrategy: 'Halted',
    instancetype: {
      kind: 'VirtualMachineClusterInstancetype',
      name: 'u1.small',
    },
    preference: { kind: 'VirtualMachineClusterPreference', name: 'fedora' },
    template: { spec: { domain: { devices: {} } } },
  },
});

describe('KubevirtEntityProvider with the broker and the simulator', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterAll(async () => {
    await sim.stop();
  });
  afterEach(() => sim.faults.clear());

  async function start(catalogEntities: Entity[] = components) {
    let provider: KubevirtEntityProvider | undefined;
    const backend = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (p: EntityProvider) => {
              provider = p as KubevirtEntityProvider;
            },
          },
        ],
      ],
      features: [
        kubevirtPlugin,
        catalogModuleKubevirtEntityProvider,
        // the real events service: one bus for the broker and the catalog module, as in the backend
        eventsServiceFactory,
        catalogServiceMock.factory({ entities: catalogEntities }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example.com' },
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
            catalog: {
              providers: {
                kubevirt: {
                  namespaceOwners: [
                    {
                      cluster: 'local-sim',
                      namespace: 'platform',
                      owner: 'group:default/platform-ops',
                    },
                    { namespace: 'data', owner: 'team-data-ops' },
                  ],
                  defaultOwner: 'group:default/vm-admins',
                  schedule: {
                    frequency: { trigger: 'manual' },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const connection = new FakeConnection();
    await provider!.connect(connection);
    await eventually(
      () => request(backend.server).get('/api/kubevirt/clusters'),
      r => r.body.items?.[0]?.state === 'synced',
    );
    // what the start-up brought (the full at connect, the broker's first list) is applied and forgotten
    await provider!.flush();
    connection.mutations.length = 0;
    return {
      provider: provider!,
      connection,
      server: backend.server,
      stop: () => backend.stop(),
    };
  }

  it('emits one Resource per demo VM with names, owners, relations, annotations, links and tags', async () => {
    const { provider, connection, stop } = await start();
    await provider.full();
    expect([...connection.entities.keys()].sort()).toEqual([
      'resource:default/analytics.data.local-sim',
      'resource:default/bastion.platform.local-sim',
      'resource:default/build-agent.platform.local-sim',
      'resource:default/etl-runner.data.local-sim',
      'resource:default/orders-legacy.orders.local-sim',
      'resource:default/orders-worker-1.orders.local-sim',
      'resource:default/orders-worker-2.orders.local-sim',
      'resource:default/payments-batch.payments.local-sim',
      'resource:default/payments-db-0.payments.local-sim',
      'resource:default/payments-db-1.payments.local-sim',
      'resource:default/search-indexer-0.data.local-sim',
    ]);
    expect(connection.get('payments-db-0.payments.local-sim')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'payments-db-0.payments.local-sim',
        namespace: 'default',
        title: 'payments-db-0',
        description: expect.stringMatching(
          /^Fedora.* \(2 vCPU, 8Gi memory\); VM payments-db-0 in namespace payments on cluster local-sim$/,
        ),
        annotations: {
          'backstage.io/managed-by-location': 'kubevirt:local-sim',
          'backstage.io/managed-by-origin-location': 'kubevirt:local-sim',
          'kubevirt.io/cluster': 'local-sim',
          'kubevirt.io/namespace': 'payments',
          'kubevirt.io/name': 'payments-db-0',
          'backstage.io/kubernetes-id': 'payments-api',
        },
        tags: ['fedora', 'running'],
        links: [
          {
            url: 'http://portal.example.com/virtual-machines/local-sim/payments/payments-db-0',
            title: 'Virtual machine page',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'virtual-machine',
        owner: 'group:default/team-payments',
        system: 'system:default/commerce',
        dependencyOf: ['component:default/payments-api'],
      },
    });
    const spec = (name: string) => connection.get(name)?.spec;
    // owner from the component, a bare owner resolved in the component's namespace
    expect(spec('orders-worker-1.orders.local-sim')).toMatchObject({
      owner: 'group:default/team-orders',
      system: 'system:default/commerce',
    });
    // namespace mapping wins over the component's owner; no system when the component has none
    expect(spec('analytics.data.local-sim')).toEqual({
      type: 'virtual-machine',
      owner: 'group:default/team-data-ops',
      dependencyOf: ['component:default/search-indexer'],
    });
    // cluster/namespace mapping; a component the catalog does not have yet is still referenced
    expect(spec('bastion.platform.local-sim')).toEqual({
      type: 'virtual-machine',
      owner: 'group:default/platform-ops',
      dependencyOf: ['component:default/platform-bastion'],
    });
    const tags = (name: string) => connection.get(name)?.metadata.tags;
    expect(tags('payments-batch.payments.local-sim')).toEqual([
      'ubuntu',
      'stopped',
    ]);
    expect(tags('orders-worker-2.orders.local-sim')).toEqual([
      'ubuntu',
      'paused',
    ]);
    expect(tags('orders-legacy.orders.local-sim')).toEqual([
      'centos-stream9',
      'error',
    ]);
    expect(tags('etl-runner.data.local-sim')).toEqual([
      'centos-stream9',
      'error',
    ]);
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);
    await stop();
  });

  it('adds a created VM and removes a deleted one by deltas from the broker events, without a full mutation', async () => {
    const { provider, connection, stop } = await start();
    await provider.full();
    const created = await kube(
      sim,
      'POST',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
      newVm('delta-vm', {
        annotations: { 'kubevirt.backstage.io/owner': 'user:default/alice' },
      }),
    );
    expect(created.status).toBe(201);
    const added = await eventually(
      () => connection.get('delta-vm.payments.local-sim'),
      e => !!e,
    );
    expect(added?.spec).toEqual({
      type: 'virtual-machine',
      owner: 'user:default/alice',
      system: 'system:default/commerce',
      dependencyOf: ['component:default/payments-api'],
    });
    expect(added?.metadata.tags).toEqual(['fedora', 'stopped']);

    await kube(
      sim,
      'DELETE',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/delta-vm',
    );
    await eventually(
      () => connection.get('delta-vm.payments.local-sim'),
      e => !e,
    );
    expect(connection.get('delta-vm.payments.local-sim')).toBeUndefined();
    expect(connection.entities.size).toBe(11);
    expect(connection.mutations.map(m => m.type)).toEqual(
      expect.arrayContaining(['full', 'delta']),
    );
    expect(connection.mutations.filter(m => m.type === 'full')).toHaveLength(1);
    await stop();
  });

  it('keeps the entities of a cluster that is down in a full mutation, and drops deleted VMs once it is back', async () => {
    const { provider, connection, server, stop } = await start();
    await provider.full();
    expect(connection.entities.size).toBe(11);
    await kube(
      sim,
      'POST',
      '/apis/kubevirt.io/v1/namespaces/orders/virtualmachines',
      {
        ...newVm('short-lived'),
        metadata: { name: 'short-lived', namespace: 'orders' },
      },
    );
    await eventually(
      () => connection.get('short-lived.orders.local-sim'),
      e => !!e,
    );

    sim.faults.set({ down: true });
    await eventually(
      () => request(server).get('/api/kubevirt/clusters'),
      r => r.body.items?.[0]?.state !== 'synced',
    );
    await provider.full();
    expect(connection.mutations.at(-1)?.type).toBe('full');
    expect(connection.entities.size).toBe(12);

    // deleted while the broker cannot see the cluster: the entity stays until the broker knows
    sim.faults.clear();
    await kube(
      sim,
      'DELETE',
      '/apis/kubevirt.io/v1/namespaces/orders/virtualmachines/short-lived',
    );
    await eventually(
      () => request(server).get('/api/kubevirt/clusters'),
      r => r.body.items?.[0]?.state === 'synced',
      30_000,
    );
    await eventually(
      () => connection.get('short-lived.orders.local-sim'),
      e => !e,
    );
    await provider.full();
    expect(connection.entities.size).toBe(11);
    expect(connection.get('short-lived.orders.local-sim')).toBeUndefined();
    await stop();
  });

  it('after a restart, keeps what the catalog has of a cluster that is down', async () => {
    const first = await start();
    await first.provider.full();
    const known = [...first.connection.entities.values()];
    await first.stop();

    sim.faults.set({ down: true });
    // the catalog as the real one returns them: processed, with relations and a uid
    const processed = known.map(e => ({
      ...e,
      metadata: { ...e.metadata, uid: `uid-${e.metadata.name}`, etag: 'x' },
      relations: [],
    }));
    const { provider, connection, stop } = await startDown([
      ...components,
      ...processed,
    ]);
    await provider.full();
    expect(connection.entities.size).toBe(11);
    expect(connection.get('payments-db-0.payments.local-sim')).toEqual(
      known.find(e => e.metadata.name === 'payments-db-0.payments.local-sim'),
    );
    await stop();
  });

  // like start(), for a cluster that never syncs
  async function startDown(catalogEntities: Entity[]) {
    let provider: KubevirtEntityProvider | undefined;
    const backend = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (p: EntityProvider) => {
              provider = p as KubevirtEntityProvider;
            },
          },
        ],
      ],
      features: [
        kubevirtPlugin,
        catalogModuleKubevirtEntityProvider,
        // the real events service: one bus for the broker and the catalog module, as in the backend
        eventsServiceFactory,
        catalogServiceMock.factory({ entities: catalogEntities }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        mockServices.rootConfig.factory({
          data: {
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
            catalog: {
              providers: {
                kubevirt: {
                  schedule: {
                    frequency: { trigger: 'manual' },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const connection = new FakeConnection();
    await provider!.connect(connection);
    return { provider: provider!, connection, stop: () => backend.stop() };
  }
});
