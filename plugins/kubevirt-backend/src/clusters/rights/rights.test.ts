import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  adminClient,
  brokerHarness,
  clusterConfig,
  eventually,
} from '../../__testUtils__/harness';
import { brokerRights } from './brokerRights';
import { formatYaml } from './formatYaml';
import { rbacManifests } from './rbacManifests';
import { requestRight } from './requestRight';

jest.setTimeout(120_000);

const docs = path.resolve(__dirname, '../../../../../docs');
const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZpeGVkLWtleS1mb3ItdGVzdHMtb25seQ test@example';

/** The rules of the committed ClusterRole the broker is told to bind. */
function committedBrokerRules(): any[] {
  const role = parseAllDocuments(
    fs.readFileSync(path.join(docs, 'broker-rbac.yaml'), 'utf8'),
  )
    .map(d => d.toJS())
    .find(d => d.kind === 'ClusterRole');
  return role.rules;
}

const ROLE = '/apis/rbac.authorization.k8s.io/v1/clusterroles/backstage-broker';

/** The simulator's broker identity gets exactly these rules (its role grants everything by default). */
async function grantOnly(sim: Simulator, rules: any[]) {
  const admin = adminClient(sim);
  const role = await admin.request('GET', ROLE);
  await admin.request('PUT', ROLE, { ...role, rules });
}

const covered = (r: { group: string; resource: string; verb: string }) =>
  brokerRights.some(
    right =>
      right.group === r.group &&
      right.resource === r.resource &&
      right.verbs.includes(r.verb),
  );

const vm = (ns: string, name: string) => `/api/kubevirt/vms/east/${ns}/${name}`;

/** Every kind of cluster call the broker makes, each expected to succeed (or answer one of `ok`). */
const scenario: {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  url: string;
  body?: unknown | ((server: any) => Promise<unknown>);
  ok?: number[];
}[] = [
  { method: 'get', url: '/api/kubevirt/clusters/east/namespaces' },
  {
    method: 'get',
    url: '/api/kubevirt/clusters/east/instancetypes?namespace=payments',
  },
  { method: 'get', url: '/api/kubevirt/clusters/east/preferences' },
  { method: 'get', url: '/api/kubevirt/clusters/east/goldenimages' },
  { method: 'get', url: vm('payments', 'payments-db-0') },
  {
    method: 'post',
    url: '/api/kubevirt/vms',
    body: {
      cluster: 'east',
      namespace: 'payments',
      name: 'rights-vm',
      instancetype: 'u1.small',
      preference: 'fedora',
      image: {
        goldenImage: { name: 'fedora', namespace: 'kubevirt-os-images' },
      },
      diskSize: '40Gi',
      sshPublicKey: SSH_KEY,
    },
  },
  {
    method: 'put',
    url: vm('payments', 'payments-db-1'),
    body: async (server: any) => ({
      manifest: (await request(server).get(vm('payments', 'payments-db-1')))
        .body.vm,
    }),
  },
  {
    method: 'post',
    url: `${vm('payments', 'payments-batch')}/snapshots`,
    body: { name: 'rights-snap' },
  },
  {
    method: 'post',
    url: `${vm('payments', 'payments-batch')}/restores`,
    body: { snapshot: 'rights-snap' },
  },
  {
    method: 'delete',
    url: `${vm('payments', 'payments-batch')}/snapshots/rights-snap`,
  },
  {
    method: 'post',
    url: `${vm('platform', 'bastion')}/clone`,
    body: { targetName: 'rights-clone' },
  },
  {
    method: 'post',
    url: `${vm('orders', 'orders-worker-1')}/volumes`,
    body: { name: 'scratch', size: '1Gi' },
  },
  {
    method: 'delete',
    url: `${vm('orders', 'orders-worker-1')}/volumes/scratch`,
  },
  {
    method: 'post',
    url: `${vm('payments', 'rights-vm')}/disks/rootdisk/resize`,
    body: { size: '50Gi' },
    // the simulator's DataVolume import makes no claim: the broker looked for one
    ok: [404],
  },
  {
    method: 'post',
    url: '/api/kubevirt/vms',
    body: {
      cluster: 'east',
      namespace: 'payments',
      name: 'rights-sized',
      resources: { cpu: 1, memory: '1Gi' },
      image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
      runStrategy: 'Halted',
    },
  },
  {
    method: 'post',
    url: `${vm('payments', 'payments-batch')}/interfaces`,
    body: {
      name: 'extra',
      network: { multus: 'payments/vlan-10' },
      binding: 'bridge',
    },
  },
  {
    method: 'delete',
    url: `${vm('payments', 'payments-batch')}/interfaces/extra`,
  },
  {
    method: 'patch',
    url: `${vm('payments', 'rights-sized')}/resources`,
    body: { sockets: 2 },
  },
  {
    method: 'post',
    url: `${vm('platform', 'build-agent')}/template`,
    body: { name: 'rights-saved' },
  },
  { method: 'get', url: '/api/kubevirt/clusters/east/templates' },
  {
    method: 'post',
    url: '/api/kubevirt/clusters/east/templates/platform/rights-saved/vms',
    body: { name: 'from-saved' },
  },
  { method: 'post', url: `${vm('payments', 'payments-db-0')}/migrate` },
  {
    method: 'post',
    url: `${vm('payments', 'payments-db-0')}/cancelMigration`,
    body: {},
    // the migration is over at once (no stage delay); the broker still looked for it
    ok: [409],
  },
  {
    method: 'post',
    url: '/api/kubevirt/clusters/east/nodes/node-a/evacuate',
    body: { dryRun: true },
  },
  { method: 'post', url: `${vm('data', 'search-indexer-0')}/pause` },
  { method: 'post', url: `${vm('data', 'search-indexer-0')}/unpause` },
  { method: 'post', url: `${vm('data', 'search-indexer-0')}/softReboot` },
  { method: 'post', url: `${vm('orders', 'orders-legacy')}/stop` },
  { method: 'post', url: `${vm('platform', 'bastion')}/restart` },
  { method: 'post', url: `${vm('payments', 'payments-batch')}/start` },
  { method: 'delete', url: vm('payments', 'rights-vm') },
];

describe('the rights list (brokerRights.ts)', () => {
  it('generates the committed docs/broker-rbac*.yaml (after changing it: yarn rbac:generate)', () => {
    for (const [name, text] of Object.entries(rbacManifests())) {
      const file = path.join(docs, name);
      expect(fs.readFileSync(file, 'utf8')).toBe(formatYaml(text, file));
    }
  });

  describe('against a cluster', () => {
    const { start } = brokerHarness();
    let east: Simulator;

    beforeEach(async () => {
      east = await startSimulator({ port: 0, stageDelayMs: 0 });
      await east.settled();
    });
    afterEach(async () => {
      await east.stop();
    });

    it('is enough: with only the generated ClusterRole every operation runs, nothing is missing, and every call the broker made is listed', async () => {
      await grantOnly(east, committedBrokerRules());
      east.clearReceived();
      const { server } = await start({ east });
      const clusters = await eventually(
        () => request(server).get('/api/kubevirt/clusters'),
        r => !!r.body.items?.[0]?.capabilities,
      );
      expect(clusters.body.items[0].capabilities.missingRights).toEqual([]);
      const failures: string[] = [];
      for (const { method, url, body, ok } of scenario) {
        const json = typeof body === 'function' ? await body(server) : body;
        const res = await request(server)
          [method](url)
          .send(json as object);
        if (!(ok ?? []).includes(res.status) && res.status >= 400)
          failures.push(
            `${method.toUpperCase()} ${url} → ${res.status} ${
              res.body?.error?.message ?? ''
            }`,
          );
        await east.settled();
      }
      expect(failures).toEqual([]);
      const made = east
        .received()
        .map(r => requestRight(r.method, r.url))
        .filter(r => !!r);
      const unlisted = [
        ...new Set(
          made
            .filter(r => !covered(r!))
            .map(r => `${r!.verb} ${r!.group}/${r!.resource}`),
        ),
      ];
      expect(unlisted).toEqual([]);
      // the scenario reached the kinds of call it is meant to show
      expect(made.length).toBeGreaterThan(scenario.length);
    });

    it('finds a right the cluster does not grant, says which, and refuses the operations it stops before they reach the cluster', async () => {
      const rules = committedBrokerRules().filter(
        r => !r.resources.includes('virtualmachines/migrate'),
      );
      await grantOnly(east, rules);
      const { server } = await start({ east });
      const clusters = await eventually(
        () => request(server).get('/api/kubevirt/clusters'),
        r => !!r.body.items?.[0]?.capabilities,
      );
      expect(clusters.body.items[0].capabilities.missingRights).toEqual([
        {
          group: 'subresources.kubevirt.io',
          resource: 'virtualmachines/migrate',
          verb: 'update',
          why: 'live migration, node evacuation',
          operations: ['migrate'],
        },
      ]);
      const detail = await request(server)
        .get(vm('payments', 'payments-db-0'))
        .expect(200);
      expect(detail.body.summary.allowedOperations).not.toContain('migrate');
      expect(detail.body.summary.unavailableOperations.migrate).toBe(
        'the broker may not update virtualmachines/migrate (subresources.kubevirt.io) on cluster east',
      );
      east.clearReceived();
      const refused = await request(server).post(
        `${vm('payments', 'payments-db-0')}/migrate`,
      );
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.body.error.message).toContain(
        'the broker may not update virtualmachines/migrate',
      );
      expect(east.received().filter(r => r.url.includes('/migrate'))).toEqual(
        [],
      );
    });

    it('asks for the impersonate right only on a cluster that impersonates, and without it offers no write there', async () => {
      await adminClient(east).request(
        'DELETE',
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/backstage-broker-impersonator',
      );
      const { server } = await start({}, undefined, {
        kubevirt: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                clusterConfig('plain', east),
                { ...clusterConfig('acting', east), impersonate: true },
              ],
            },
          ],
        },
      });
      const clusters = await eventually(
        () => request(server).get('/api/kubevirt/clusters'),
        r =>
          r.body.items?.length === 2 &&
          r.body.items.every((c: any) => c.capabilities),
      );
      const missing = Object.fromEntries(
        clusters.body.items.map((c: any) => [
          c.name,
          c.capabilities.missingRights.map(
            (r: any) => `${r.verb} ${r.resource} ${r.feature}`,
          ),
        ]),
      );
      expect(missing).toEqual({
        plain: [],
        acting: [
          'impersonate users impersonation',
          'impersonate groups impersonation',
        ],
      });
      const onActing = await request(server)
        .get('/api/kubevirt/vms/acting/payments/payments-db-0')
        .expect(200);
      expect(onActing.body.summary.allowedOperations).toEqual(['read']);
      expect(onActing.body.summary.unavailableOperations.stop).toBe(
        'the broker may not impersonate users (core) on cluster acting',
      );
      const onPlain = await request(server)
        .get('/api/kubevirt/vms/plain/payments/payments-db-0')
        .expect(200);
      expect(onPlain.body.summary.allowedOperations).toContain('stop');
    });

    it('counts an impersonate right narrowed to some users (resourceNames) as held', async () => {
      const admin = adminClient(east);
      const impersonator =
        '/apis/rbac.authorization.k8s.io/v1/clusterroles/backstage-broker-impersonator';
      const role = await admin.request('GET', impersonator);
      await admin.request('PUT', impersonator, {
        ...role,
        rules: [
          {
            apiGroups: [''],
            resources: ['users', 'groups'],
            verbs: ['impersonate'],
            resourceNames: ['jane@example.com', 'backstage:team-payments'],
          },
        ],
      });
      const { server } = await start({}, undefined, {
        kubevirt: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { ...clusterConfig('acting', east), impersonate: true },
              ],
            },
          ],
        },
      });
      const clusters = await eventually(
        () => request(server).get('/api/kubevirt/clusters'),
        r => !!r.body.items?.[0]?.capabilities,
      );
      expect(clusters.body.items[0].capabilities.missingRights).toEqual([]);
    });
  });
});
