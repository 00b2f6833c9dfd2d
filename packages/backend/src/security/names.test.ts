import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import { routes } from './__testUtils__/brokerRoutes';
import {
  asUser,
  requestsBeyondWatches,
  startSecurityBackend,
  subjects,
} from './__testUtils__/securityBackend';

jest.setTimeout(240_000);

/**
 * Names that are not Kubernetes names, as an attacker sends them: each one
 * is put in one route parameter (or body field) at a time, percent-encoded
 * as a client would, and must be refused with 400 before any permission
 * check or cluster call, for every role and scope.
 */
const hostileNames = [
  'payments-db-1/migrate?x=',
  '../../api/v1/namespaces/payments/secrets',
  '..',
  '.',
  'a%2Fb',
  'x#y',
  'x\u0000y',
  // Cyrillic "а" in place of the Latin one
  'p\u0430yments-db-1',
  'payments-db-1\u200b',
  'a'.repeat(254),
];

/** A name in a path segment: percent-encoded; dot segments encoded too so no client or server folds them. */
const dotSegments: Record<string, string> = { '..': '%2E%2E', '.': '%2E' };
const segment = (value: string) =>
  dotSegments[value] ?? encodeURIComponent(value);

const valid: Record<string, string> = {
  cluster: 'local-sim',
  namespace: 'payments',
  name: 'payments-db-1',
  snapshot: 'some-snapshot',
  template: 'some-template',
  volume: 'rootdisk',
  interface: 'default',
  node: 'node-a',
};

const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map(m => m[1]);
const fill = (path: string, override: Record<string, string>) =>
  path.replace(/:(\w+)/g, (_, p) => override[p] ?? segment(valid[p]));

const mcpTools = [
  'get-vm',
  'start-vm',
  'stop-vm',
  'restart-vm',
  'soft-reboot-vm',
  'pause-vm',
  'unpause-vm',
  'migrate-vm',
  'snapshot-vm',
  'restore-vm',
  'delete-vm',
];

describe('names that are not Kubernetes names never reach a permission check or a cluster', () => {
  let sim: Simulator;
  let server: any;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    ({ server } = await startSecurityBackend(sim));
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => sim.clearReceived());

  it('every route refuses each hostile name in each parameter with 400, for every role and scope', async () => {
    const failures: string[] = [];
    const cases = routes.flatMap(route =>
      paramsOf(route.path).flatMap(param =>
        hostileNames.map(name => ({
          route,
          url: `/api/kubevirt${fill(route.path, { [param]: segment(name) })}`,
          param,
          name,
        })),
      ),
    );
    const attempt = async (
      who: string,
      { route, url, param, name }: (typeof cases)[number],
    ) => {
      const req = request(server)
        [route.method](url)
        .set('Authorization', asUser(who));
      const res = route.body ? await req.send(route.body) : await req;
      if (
        res.status !== 400 ||
        !/Invalid/.test(res.body?.error?.message ?? '')
      ) {
        failures.push(
          `${who} ${route.method.toUpperCase()} ${
            route.path
          } ${param}=${JSON.stringify(name)}: ${res.status} ${
            res.body?.error?.message
          }`,
        );
      }
    };
    const all = subjects.flatMap(who => cases.map(c => () => attempt(who, c)));
    // in batches: fast, and every request still gets its own answer
    for (let i = 0; i < all.length; i += 25)
      await Promise.all(all.slice(i, i + 25).map(run => run()));
    expect(failures).toEqual([]);
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });

  it('the path injection of the report (a VM name carrying /migrate) is refused, and the VM does not migrate', async () => {
    const res = await request(server)
      .post(
        `/api/kubevirt/vms/local-sim/payments/${encodeURIComponent(
          'payments-db-1/migrate?x=',
        )}/start`,
      )
      .set('Authorization', asUser('vm-user-all'))
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('virtual machine name');
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });

  it('the bulk route refuses hostile names in any reference, for every role, before any VM is acted on', async () => {
    for (const who of subjects) {
      for (const name of hostileNames) {
        for (const field of ['cluster', 'namespace', 'name']) {
          const ref = {
            cluster: 'local-sim',
            namespace: 'payments',
            name: 'payments-batch',
            [field]: name,
          };
          const res = await request(server)
            .post('/api/kubevirt/vms/bulk')
            .set('Authorization', asUser(who))
            .send({
              action: 'start',
              vms: [
                {
                  cluster: 'local-sim',
                  namespace: 'payments',
                  name: 'payments-batch',
                },
                ref,
              ],
            });
          expect({ who, name, field, status: res.status }).toEqual({
            who,
            name,
            field,
            status: 400,
          });
        }
      }
    }
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });

  it('every MCP tool refuses hostile names, for every role and scope', async () => {
    const failures: string[] = [];
    for (const who of subjects) {
      for (const tool of mcpTools) {
        for (const field of ['cluster', 'namespace', 'name']) {
          for (const name of hostileNames) {
            const input: Record<string, unknown> = {
              cluster: 'local-sim',
              namespace: 'payments',
              name: 'payments-db-1',
              [field]: name,
            };
            if (tool === 'restore-vm') input.snapshot = 'some-snapshot';
            const res = await request(server)
              .post(
                `/api/kubevirt/.backstage/actions/v1/actions/kubevirt:${tool}/invoke`,
              )
              .set('Authorization', asUser(who))
              .send(input);
            // a user without any VM role does not even see the tools
            const expected = who === 'nobody' ? [400, 403, 404] : [400];
            if (!expected.includes(res.status))
              failures.push(
                `${who} ${tool} ${field}=${JSON.stringify(name)}: ${
                  res.status
                }`,
              );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });

  it('names in bodies and queries are validated too', async () => {
    const admin = asUser('vm-admin-all');
    const bad = [
      request(server)
        .post('/api/kubevirt/vms/local-sim/payments/payments-batch/restores')
        .set('Authorization', admin)
        .send({ snapshot: '../x' }),
      request(server)
        .post('/api/kubevirt/vms/local-sim/payments/payments-batch/volumes')
        .set('Authorization', admin)
        .send({ name: 'extra', pvc: 'a/b' }),
      request(server)
        .post('/api/kubevirt/vms')
        .set('Authorization', admin)
        .send({
          cluster: '../local-sim',
          namespace: 'payments',
          name: 'x',
          instancetype: 'u1.small',
          image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
        }),
      request(server)
        .post('/api/kubevirt/vms')
        .set('Authorization', admin)
        .send({
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'x',
          instancetype: 'u1.small/../../x',
          image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
        }),
      request(server)
        .post('/api/kubevirt/vms')
        .set('Authorization', admin)
        .send({
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'x',
          instancetype: 'u1.small',
          image: {
            goldenImage: { name: 'fedora?x', namespace: 'kubevirt-os-images' },
          },
        }),
      request(server)
        .get('/api/kubevirt/vms?namespace=a%2Fb')
        .set('Authorization', admin),
      request(server)
        .get('/api/kubevirt/vms?cluster=..')
        .set('Authorization', admin),
      request(server)
        .get('/api/kubevirt/vms?entity=notaref')
        .set('Authorization', admin),
    ];
    const answers = await Promise.all(bad);
    expect(answers.map((res, i) => `${i}: ${res.status}`)).toEqual(
      answers.map((_, i) => `${i}: 400`),
    );
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });
});
