import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import { z } from 'zod';
import { brokerHarness } from '../__testUtils__/harness';
import { errorBody } from './responses';
import { contractRoutes, ContractRoute, HttpMethod } from './routes';

jest.setTimeout(120_000);

/** The contract's route for a request, the most literal one first (/vms/bulk before /vms/{cluster}...). */
function routeOf(method: HttpMethod, url: string): ContractRoute {
  const path = url.replace(/^\/api\/kubevirt/, '').split('?')[0];
  const candidates = contractRoutes.filter(
    r =>
      r.method === method &&
      new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
  );
  const literal = (r: ContractRoute) => r.path.replace(/\{\w+\}/g, '').length;
  candidates.sort((a, b) => literal(b) - literal(a));
  if (!candidates[0])
    throw new Error(`no contract route for ${method} ${path}`);
  return candidates[0];
}

/** The schema the contract gives this status: the route's own, else the error body for an error. */
function responseSchema(route: ContractRoute, status: number): z.ZodType {
  const own = route.responses[String(status)];
  if (own) return own.schema;
  if (status >= 400) return errorBody;
  throw new Error(
    `${route.method.toUpperCase()} ${
      route.path
    } answered ${status}, which the contract does not list`,
  );
}

const vm = '/api/kubevirt/vms/east/payments/payments-db-0';
const stopped = '/api/kubevirt/vms/east/payments/payments-batch';

/** Requests that reach every route, each in a state that answers its success or a documented error. */
const calls: {
  method: HttpMethod;
  url: string;
  /** The body, or how to make it from what the broker answers now. */
  body?: unknown | ((server: any) => Promise<unknown>);
}[] = [
  { method: 'get', url: '/api/kubevirt/clusters' },
  { method: 'get', url: '/api/kubevirt/clusters/east/namespaces' },
  {
    method: 'get',
    url: '/api/kubevirt/clusters/east/instancetypes?namespace=payments',
  },
  { method: 'get', url: '/api/kubevirt/clusters/east/preferences' },
  { method: 'get', url: '/api/kubevirt/clusters/east/goldenimages' },
  { method: 'get', url: '/api/kubevirt/vms?sort=name&limit=5' },
  { method: 'get', url: '/api/kubevirt/vms?labelSelector=%3D%3D' },
  {
    method: 'post',
    url: '/api/kubevirt/vms',
    body: {
      cluster: 'east',
      namespace: 'payments',
      name: 'contract-vm',
      resources: { cpu: 1, memory: '1Gi' },
      image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
      runStrategy: 'Halted',
    },
  },
  { method: 'get', url: vm },
  { method: 'get', url: '/api/kubevirt/vms/east/payments/no-such-vm' },
  {
    method: 'put',
    url: vm,
    body: async (server: any) => ({
      manifest: (await request(server).get(vm)).body.vm,
      dryRun: true,
    }),
  },
  { method: 'post', url: `${vm}/snapshots`, body: { name: 'contract-snap' } },
  { method: 'delete', url: `${vm}/snapshots/contract-snap?dryRun=true` },
  {
    method: 'post',
    url: `${vm}/restores`,
    body: { snapshot: 'contract-snap' },
  },
  {
    method: 'post',
    url: `${vm}/clone`,
    body: { targetName: 'contract-clone', dryRun: true },
  },
  {
    method: 'post',
    url: `${vm}/volumes`,
    body: { name: 'scratch', size: '1Gi' },
  },
  { method: 'delete', url: `${vm}/volumes/scratch?dryRun=true` },
  { method: 'post', url: `${vm}/cancelMigration`, body: {} },
  {
    method: 'post',
    url: `${vm}/disks/rootdisk/resize`,
    body: { size: '50Gi' },
  },
  {
    method: 'post',
    url: `${stopped}/interfaces`,
    body: {
      name: 'extra',
      network: { multus: 'payments/vlan-10' },
      binding: 'bridge',
      dryRun: true,
    },
  },
  { method: 'delete', url: `${vm}/interfaces/default?dryRun=true` },
  {
    method: 'patch',
    url: '/api/kubevirt/vms/east/payments/contract-vm/resources',
    body: { sockets: 2, dryRun: true },
  },
  { method: 'post', url: `${vm}/template`, body: { name: 'contract-saved' } },
  { method: 'get', url: '/api/kubevirt/clusters/east/templates' },
  {
    method: 'post',
    url: '/api/kubevirt/clusters/east/templates/payments/contract-saved/vms',
    body: { name: 'from-saved', dryRun: true },
  },
  {
    method: 'post',
    url: '/api/kubevirt/clusters/east/nodes/node-a/evacuate',
    body: { dryRun: true },
  },
  {
    method: 'get',
    url: '/api/kubevirt/clusters/east/nodes/node-a/maintenance',
  },
  {
    method: 'post',
    url: '/api/kubevirt/clusters/east/nodes/node-a/maintenance',
    body: { dryRun: true },
  },
  {
    method: 'delete',
    url: '/api/kubevirt/clusters/east/nodes/node-a/maintenance?dryRun=true',
  },
  {
    method: 'get',
    url: '/api/kubevirt/clusters/east/nodes/no-such-node/maintenance',
  },
  {
    method: 'post',
    url: '/api/kubevirt/vms/bulk',
    body: {
      action: 'restart',
      vms: [{ cluster: 'east', namespace: 'payments', name: 'payments-db-0' }],
      dryRun: true,
    },
  },
  { method: 'get', url: `${vm}/metrics?range=15m` },
  {
    method: 'patch',
    url: `${vm}/metadata`,
    body: async (server: any) => {
      const { vm: current } = (await request(server).get(vm)).body;
      return {
        resourceVersion: current.metadata.resourceVersion,
        labels: { ...current.metadata.labels, tier: 'db' },
        annotations: current.metadata.annotations ?? {},
        dryRun: true,
      };
    },
  },
  {
    method: 'patch',
    url: `${vm}/metadata`,
    body: { resourceVersion: '1', labels: {}, annotations: {} },
  },
  { method: 'get', url: `${vm}/diagnostics` },
  { method: 'get', url: `${stopped}/diagnostics` },
  { method: 'post', url: `${vm}/softReboot`, body: { dryRun: true } },
  { method: 'post', url: `${stopped}/pause`, body: {} },
  { method: 'delete', url: `${stopped}?dryRun=true` },
];

async function send(
  server: any,
  method: HttpMethod,
  url: string,
  body: unknown,
) {
  if (body === undefined) return request(server)[method](url);
  const json = typeof body === 'function' ? await body(server) : body;
  return request(server)
    [method](url)
    .send(json as object);
}

describe('the contract (src/schema/routes.ts) against what the broker answers', () => {
  let east: Simulator;
  const { start } = brokerHarness();

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
  });
  afterAll(async () => {
    await east.stop();
  });

  it('every real response, success or error, is what the contract says for its route and status', async () => {
    const { server } = await start({ east });
    const seen = new Map<string, Set<number>>();
    const problems: string[] = [];
    for (const { method, url, body } of calls) {
      const route = routeOf(method, url);
      const res = await send(server, method, url, body);
      const key = `${method.toUpperCase()} ${route.path}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(res.status));
      const parsed = responseSchema(route, res.status).safeParse(res.body);
      if (!parsed.success)
        problems.push(
          `${method.toUpperCase()} ${url} → ${res.status}: ${parsed.error.issues
            .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ')}`,
        );
    }
    expect(problems).toEqual([]);
    // every route was reached, and every route's success answer was seen at least once
    const unseen = contractRoutes
      .map(r => `${r.method.toUpperCase()} ${r.path}`)
      .filter(k => !seen.has(k));
    expect(unseen).toEqual([]);
    const noSuccess = [...seen].filter(([, statuses]) =>
      [...statuses].every(s => s >= 400),
    );
    // these answer their documented errors here: a running VM, no migration, a containerDisk, no Prometheus
    expect(noSuccess.map(([k, s]) => `${k} ${[...s]}`)).toEqual([
      'POST /vms/{cluster}/{namespace}/{name}/restores 409',
      'POST /vms/{cluster}/{namespace}/{name}/cancelMigration 409',
      'POST /vms/{cluster}/{namespace}/{name}/disks/{volume}/resize 400',
      'GET /vms/{cluster}/{namespace}/{name}/metrics 501',
    ]);
  });

  it('a request body with a field the contract does not name is a 400 naming it, on every route that takes a body', async () => {
    const { server } = await start({ east });
    const tried = new Set<string>();
    for (const { method, url, body } of calls) {
      const route = routeOf(method, url);
      if (!route.body || tried.has(route.operationId)) continue;
      tried.add(route.operationId);
      const valid =
        typeof body === 'function' ? await body(server) : body ?? {};
      const res = await send(server, method, url, {
        ...(valid as object),
        notInTheContract: 1,
      });
      expect([route.operationId, res.status]).toEqual([route.operationId, 400]);
      expect(res.body.error.message).toContain('notInTheContract');
    }
    expect([...tried].sort()).toEqual(
      contractRoutes
        .filter(r => r.body)
        .map(r => r.operationId)
        .sort(),
    );
  });
});
