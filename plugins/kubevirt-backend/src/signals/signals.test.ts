import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import signalsPlugin from '@backstage/plugin-signals-backend';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import type { Server } from 'node:http';
import request from 'supertest';
import { WebSocket } from 'ws';
import {
  adminClient,
  clusterConfig,
  entities,
  eventually,
} from '../__testUtils__/harness';
import { kubevirtPlugin } from '../plugin';

jest.setTimeout(90_000);

const REFRESH_SECONDS = 1;

/**
 * Browsers send the Backstage token as the websocket subprotocol; a mock
 * token (`mock-user-token:{...}`) is no valid subprotocol, so sockets carry it
 * base64url-encoded after `b64.` and this auth service decodes it. Everything
 * else is the mock auth service.
 */
const subprotocolTokenAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) =>
        inner.authenticate(
          token.startsWith('b64.')
            ? Buffer.from(token.slice(4), 'base64url').toString('utf8')
            : token,
          options,
        ),
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getPluginRequestToken: options => inner.getPluginRequestToken(options),
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
    };
  },
});

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };
const ownedBy = (group: string): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'kubevirt',
  resourceType: 'kubevirt-vm',
  conditions: {
    rule: 'IS_OWNED_BY',
    resourceType: 'kubevirt-vm',
    params: { owners: [group] },
  },
});

/** Each user's VM decision, changeable while the backend runs. */
const scopes = new Map<string, PolicyDecision>();
const permissions = mockServices.permissions.mock({
  authorizeConditional: async (queries: unknown[], options: any) =>
    queries.map(
      () => scopes.get(options.credentials.principal.userEntityRef) ?? deny,
    ),
  authorize: async (queries: unknown[], options: any) =>
    queries.map(() => ({
      result:
        scopes.get(options.credentials.principal.userEntityRef)?.result ===
        AuthorizeResult.ALLOW
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
} as any);

async function startBackend(sim: Simulator) {
  // one bus for all plugins, as in a real backend (the default mock is one per plugin): the broker publishes, signals delivers
  const events = mockServices.events();
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      signalsPlugin,
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events,
      }),
      subprotocolTokenAuth,
      permissions.factory,
      catalogServiceMock.factory({
        entities: [
          ...entities,
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'orders-service',
              namespace: 'default',
              annotations: { 'backstage.io/kubernetes-id': 'orders-service' },
            },
            spec: {
              owner: 'group:default/team-orders',
              type: 'service',
              lifecycle: 'production',
            },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'config', clusters: [clusterConfig('east', sim)] },
            ],
          },
          kubevirt: { signals: { permissionRefreshSeconds: REFRESH_SECONDS } },
        },
      }),
    ],
  });
  return backend;
}

const asUser = (user: string) => mockCredentials.user.header(user);

/** An authenticated broker request, as the UI makes before it subscribes. */
const list = (server: Server, user: string) =>
  request(server)
    .get('/api/kubevirt/vms')
    .set('Authorization', asUser(user))
    .expect(200);

type Received = { channel: string; message: any };

/**
 * A signals socket as the UI's SignalClient opens it: the token as
 * subprotocol (none for an anonymous socket), a 1 s connect timeout and
 * another try, so a handshake that is never answered fails the test.
 */
async function openSignals(server: Server, user?: string) {
  const { port } = server.address() as { port: number };
  const protocol = user
    ? `b64.${Buffer.from(mockCredentials.user.token(user), 'utf8').toString(
        'base64url',
      )}`
    : undefined;
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/api/signals`,
      protocol ? [protocol] : [],
    );
    const opened = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 1500);
      ws.once('upgrade', res => statuses.push(res.statusCode ?? 0));
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
      ws.once('unexpected-response', (_req, res) => {
        statuses.push(res.statusCode ?? 0);
        clearTimeout(timer);
        resolve(false);
      });
      ws.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!opened) {
      ws.terminate();
      continue;
    }
    const received: Received[] = [];
    ws.on('message', data => received.push(JSON.parse(data.toString())));
    return {
      ws,
      statuses,
      received,
      on: (channel: string) => received.filter(r => r.channel === channel),
      subscribe: async (...channels: string[]) => {
        for (const channel of channels)
          ws.send(JSON.stringify({ action: 'subscribe', channel }));
        // the manager handles messages in order; a short wait lets it take them before a change is made
        await new Promise(r => setTimeout(r, 200));
      },
      close: () => ws.close(),
    };
  }
  throw new Error(
    `the signals websocket was never answered (statuses ${JSON.stringify(
      statuses,
    )})`,
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const vmPath = (namespace: string, name: string) =>
  `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines/${name}`;

/** A change made in the cluster by its admin, past the broker: a label on the VM. */
const touch = (
  sim: Simulator,
  namespace: string,
  name: string,
  value: string,
) =>
  adminClient(sim).request(
    'PATCH',
    vmPath(namespace, name),
    { metadata: { labels: { 'signals-test': value } } },
    'application/merge-patch+json',
  );

const channels = {
  batch: 'kubevirt:vm:east/payments/payments-batch',
  paymentsEntity: 'kubevirt:entity:payments-api',
  orders: 'kubevirt:vm:east/orders/orders-worker-1',
  clusters: 'kubevirt:clusters',
};

describe('VM signals reach only users who may read the VM', () => {
  let sim: Simulator;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    scopes.set('user:default/admin', allow);
    const backend = await startBackend(sim);
    server = backend.server;
    stop = () => backend.stop();
    await eventually(
      () => list(server, 'user:default/admin'),
      r =>
        r.body.items.length > 0 &&
        r.body.clusters.every((c: any) => c.state === 'synced'),
    );
  });
  afterAll(async () => {
    await stop?.();
    await sim?.stop();
  });

  it('tells a reader about the VM and tells an anonymous socket and users without read on it nothing: no VM, entity or clusters notice', async () => {
    scopes.set('user:default/reader', ownedBy('group:default/team-payments'));
    scopes.set('user:default/outsider', ownedBy('group:default/team-orders'));
    scopes.set('user:default/nobody', deny);
    for (const user of ['reader', 'outsider', 'nobody'])
      await list(server, `user:default/${user}`);

    const reader = await openSignals(server, 'user:default/reader');
    const outsider = await openSignals(server, 'user:default/outsider');
    const nobody = await openSignals(server, 'user:default/nobody');
    const anonymous = await openSignals(server);
    for (const socket of [reader, outsider, nobody, anonymous])
      await socket.subscribe(
        channels.batch,
        channels.paymentsEntity,
        channels.orders,
        channels.clusters,
      );

    // a payments VM changes, and one comes and goes
    await touch(sim, 'payments', 'payments-batch', 'one');
    const batch = await adminClient(sim).request(
      'GET',
      vmPath('payments', 'payments-batch'),
    );
    const manifest = {
      apiVersion: batch.apiVersion,
      kind: batch.kind,
      metadata: {
        name: 'signalled',
        namespace: 'payments',
        labels: { 'backstage.io/kubernetes-id': 'payments-api' },
      },
      spec: batch.spec,
    };
    await adminClient(sim).request(
      'POST',
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
      manifest,
    );
    await eventually(
      async () => reader.on(channels.clusters),
      calls => calls.length >= 1,
    );
    await adminClient(sim).request('DELETE', vmPath('payments', 'signalled'));
    // and an orders VM changes: the outsider's socket works, it hears about what it may read
    await touch(sim, 'orders', 'orders-worker-1', 'one');

    await eventually(
      async () => reader.on(channels.clusters),
      calls => calls.length >= 2,
    );
    await eventually(
      async () => outsider.on(channels.orders),
      calls => calls.length >= 1,
    );
    expect(reader.on(channels.batch)).toEqual(
      expect.arrayContaining([
        {
          channel: channels.batch,
          message: { ref: 'east/payments/payments-batch', status: 'Stopped' },
        },
      ]),
    );
    expect(reader.on(channels.paymentsEntity).map(r => r.message.ref)).toEqual(
      expect.arrayContaining([
        'east/payments/payments-batch',
        'east/payments/signalled',
      ]),
    );
    expect(reader.on(channels.clusters).map(r => r.message)).toEqual([
      { cluster: 'east', type: 'ADDED' },
      { cluster: 'east', type: 'DELETED' },
    ]);
    expect(reader.on(channels.orders)).toEqual([]);
    expect(outsider.on(channels.orders)[0].message).toEqual({
      ref: 'east/orders/orders-worker-1',
      status: 'Running',
    });

    // whatever was in flight has landed by now
    await sleep(300);
    expect(
      outsider.received.filter(r => r.channel !== channels.orders),
    ).toEqual([]);
    expect(nobody.received).toEqual([]);
    expect(anonymous.received).toEqual([]);
    for (const socket of [reader, outsider, nobody, anonymous]) socket.close();
  });

  it('stops telling a user whose scope no longer covers the VM, once the decision is refreshed', async () => {
    scopes.set('user:default/shifting', allow);
    scopes.set('user:default/steady', allow);
    await list(server, 'user:default/shifting');
    await list(server, 'user:default/steady');
    const shifting = await openSignals(server, 'user:default/shifting');
    const steady = await openSignals(server, 'user:default/steady');
    await shifting.subscribe(channels.batch);
    await steady.subscribe(channels.batch);

    await touch(sim, 'payments', 'payments-batch', 'before');
    await eventually(
      async () => shifting.on(channels.batch),
      calls => calls.length >= 1,
    );
    expect(shifting.on(channels.batch)).toHaveLength(1);

    // the role is taken away; the broker asks again within its refresh interval, without any request of the user
    scopes.set('user:default/shifting', ownedBy('group:default/team-orders'));
    await sleep(REFRESH_SECONDS * 1000 * 2.5);
    const before = steady.on(channels.batch).length;
    await touch(sim, 'payments', 'payments-batch', 'after');
    await eventually(
      async () => steady.on(channels.batch),
      calls => calls.length > before,
    );
    await sleep(300);
    expect(steady.on(channels.batch).length).toBeGreaterThan(before);
    expect(shifting.on(channels.batch)).toHaveLength(1);
    shifting.close();
    steady.close();
  });
});

describe('live updates after the broker has served requests', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('answers a signals websocket opened after the first kubevirt request (101) and delivers a live update on it', async () => {
    scopes.set('user:default/late', allow);
    const backend = await startBackend(sim);
    try {
      const { server } = backend;
      // the broker's first request hooks its console listener to the server
      await eventually(
        () => list(server, 'user:default/late'),
        r => r.body.clusters.every((c: any) => c.state === 'synced'),
      );
      await sleep(500);
      // an upgrade nobody owns still reaches express, which answers it
      const { port } = server.address() as { port: number };
      const foreign = await new Promise<number | string>(resolve => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/nothing-here`);
        const timer = setTimeout(() => {
          ws.terminate();
          resolve('never answered');
        }, 3000);
        ws.once('unexpected-response', (_req, res) => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        ws.once('error', () => {});
      });
      expect(foreign).toBe(404);

      const socket = await openSignals(server, 'user:default/late');
      expect(socket.statuses).toContain(101);
      await socket.subscribe(channels.batch);
      await touch(sim, 'payments', 'payments-batch', 'late');
      const got = await eventually(
        async () => socket.on(channels.batch),
        calls => calls.length >= 1,
      );
      expect(got[0].message).toEqual({
        ref: 'east/payments/payments-batch',
        status: 'Stopped',
      });
      socket.close();
    } finally {
      await backend.stop();
    }
  });
});
