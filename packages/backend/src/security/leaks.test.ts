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
  WrittenAuditEvent,
} from './__testUtils__/securityBackend';

jest.setTimeout(180_000);

const fill = (path: string) =>
  path
    .replace(':cluster', 'local-sim')
    .replace(':namespace', 'payments')
    .replace(':name', 'payments-batch')
    .replace(':template', 'some-template')
    .replace(':node', 'node-a');

describe('what the broker reveals and what it runs, beyond the role decisions', () => {
  let sim: Simulator;
  let server: any;
  let audit: WrittenAuditEvent[];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    ({ server, audit } = await startSecurityBackend(sim));
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => sim.clearReceived());

  describe('a body the broker cannot read is refused with 415, and nothing runs', () => {
    const encodings = [
      { type: 'text/plain', body: '{"dryRun":true}' },
      { type: 'application/x-www-form-urlencoded', body: 'dryRun=true' },
      {
        type: 'multipart/form-data; boundary=x',
        body: '--x\r\nContent-Disposition: form-data; name="dryRun"\r\n\r\ntrue\r\n--x--\r\n',
      },
      { type: 'application/xml', body: '<dryRun>true</dryRun>' },
    ];
    const withBody = routes.filter(r => r.body);

    it.each(encodings)(
      '$type on every route that takes a body',
      async ({ type, body }) => {
        const statuses = await Promise.all(
          withBody.map(async route => {
            const res = await request(server)
              [route.method](`/api/kubevirt${fill(route.path)}`)
              .set('Authorization', asUser('vm-admin-all'))
              .set('Content-Type', type)
              .send(body);
            return `${route.method} ${route.path}: ${res.status}`;
          }),
        );
        expect(statuses).toEqual(
          withBody.map(r => `${r.method} ${r.path}: 415`),
        );
        expect(requestsBeyondWatches(sim)).toEqual([]);
      },
    );

    it('the stop of the report (a dry run sent as text/plain) does not stop the VM', async () => {
      const res = await request(server)
        .post('/api/kubevirt/vms/local-sim/payments/payments-db-0/stop')
        .set('Authorization', asUser('vm-admin-all'))
        .set('Content-Type', 'text/plain')
        .send('{"dryRun":true}');
      expect(res.status).toBe(415);
      expect(res.body.error.message).toContain('application/json');
      expect(requestsBeyondWatches(sim)).toEqual([]);
      const vm = await request(server)
        .get('/api/kubevirt/vms/local-sim/payments/payments-db-0')
        .set('Authorization', asUser('vm-admin-all'));
      expect(vm.body.summary.status).toBe('Running');
    });

    it('JSON with a charset is read as JSON, and a request without a body still works', async () => {
      await request(server)
        .post('/api/kubevirt/vms/local-sim/payments/payments-batch/start')
        .set('Authorization', asUser('vm-admin-all'))
        .set('Content-Type', 'application/json; charset=utf-8')
        .send('{"dryRun":true}')
        .expect(202, { accepted: true, action: 'start', dryRun: true });
      const deleted = await request(server)
        .delete(
          '/api/kubevirt/vms/local-sim/payments/payments-batch?dryRun=true',
        )
        .set('Authorization', asUser('vm-admin-all'));
      expect(deleted.status).toBe(202);
    });
  });

  describe('cluster counts and node evacuation', () => {
    const readable = async (who: string) =>
      (
        await request(server)
          .get('/api/kubevirt/vms')
          .set('Authorization', asUser(who))
      ).body.items.map(
        (v: { namespace: string; name: string }) => `${v.namespace}/${v.name}`,
      );

    it('GET /clusters counts only the VMs the caller may read, and nothing for a caller who may read none', async () => {
      const countOf = async (who: string) =>
        (
          await request(server)
            .get('/api/kubevirt/clusters')
            .set('Authorization', asUser(who))
            .expect(200)
        ).body.items[0].vmCount;
      for (const who of [
        'vm-viewer-all',
        'vm-viewer-owned',
        'vm-user-payments',
      ]) {
        expect({ who, vmCount: await countOf(who) }).toEqual({
          who,
          vmCount: (await readable(who)).length,
        });
      }
      expect(await countOf('nobody')).toBeUndefined();
      const all = (
        await request(server)
          .get('/api/kubevirt/clusters')
          .set('Authorization', asUser('vm-viewer-all'))
      ).body.items[0].vmCount;
      const owned = (
        await request(server)
          .get('/api/kubevirt/clusters')
          .set('Authorization', asUser('vm-viewer-owned'))
      ).body.items[0].vmCount;
      expect(owned).toBeLessThan(all);
    });

    it('a user with no role learns nothing about nodes: the same 403 for a node that runs VMs and one that does not exist', async () => {
      const real = await request(server)
        .post('/api/kubevirt/clusters/local-sim/nodes/node-a/evacuate')
        .set('Authorization', asUser('nobody'))
        .send({ dryRun: true });
      const missing = await request(server)
        .post('/api/kubevirt/clusters/local-sim/nodes/no-such-node/evacuate')
        .set('Authorization', asUser('nobody'))
        .send({ dryRun: true });
      expect([real.status, missing.status]).toEqual([403, 403]);
      expect(real.body.error.message).toEqual(
        missing.body.error.message.replace('no-such-node', 'node-a'),
      );
      expect(requestsBeyondWatches(sim)).toEqual([]);
    });

    it('the evacuation answer names only VMs the caller may read', async () => {
      const nodes = ['node-a', 'node-b', 'node-c'];
      const mine = new Set(await readable('vm-power-user-owned'));
      const everyone = new Set(await readable('vm-admin-all'));
      let named = 0;
      for (const node of nodes) {
        const res = await request(server)
          .post(`/api/kubevirt/clusters/local-sim/nodes/${node}/evacuate`)
          .set('Authorization', asUser('vm-power-user-owned'))
          .send({ dryRun: true });
        const admin = await request(server)
          .post(`/api/kubevirt/clusters/local-sim/nodes/${node}/evacuate`)
          .set('Authorization', asUser('vm-admin-all'))
          .send({ dryRun: true });
        expect(admin.status).toBe(202);
        expect([200, 202]).toContain(res.status);
        for (const r of res.body.results)
          expect(mine).toContain(`${r.namespace}/${r.name}`);
        for (const r of admin.body.results)
          expect(everyone).toContain(`${r.namespace}/${r.name}`);
        named += admin.body.results.length - res.body.results.length;
      }
      // the admin sees VMs on these nodes that the owner-scoped user does not
      expect(named).toBeGreaterThan(0);
    });
  });

  describe('audit events', () => {
    it('name the user who asked as the actor, over REST and through the MCP tools', async () => {
      audit.length = 0;
      await request(server)
        .post('/api/kubevirt/vms/local-sim/payments/payments-batch/start')
        .set('Authorization', asUser('vm-user-all'))
        .send({ dryRun: true })
        .expect(202);
      await request(server)
        .post(
          '/api/kubevirt/.backstage/actions/v1/actions/kubevirt:start-vm/invoke',
        )
        .set('Authorization', asUser('vm-power-user-all'))
        .send({
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-batch',
          dryRun: true,
        })
        .expect(200);
      await request(server)
        .post('/api/kubevirt/vms/local-sim/orders/orders-worker-1/stop')
        .set('Authorization', asUser('vm-viewer-all'))
        .send({ dryRun: true })
        .expect(403);
      const starts = audit.filter(
        e =>
          e.plugin === 'kubevirt' &&
          e.eventId === 'vm-start' &&
          e.status !== 'initiated',
      );
      expect(starts.map(e => [e.status, e.actor.actorId])).toEqual([
        ['succeeded', 'user:default/vm-user-all'],
        ['succeeded', 'user:default/vm-power-user-all'],
      ]);
      const refused = audit.find(
        e => e.eventId === 'vm-stop' && e.status === 'failed',
      );
      expect(refused?.actor.actorId).toBe('user:default/vm-viewer-all');
    });
  });

  it('pause of a stopped VM is a 409 that says it is not running, not a 404', async () => {
    const res = await request(server)
      .post('/api/kubevirt/vms/local-sim/payments/payments-batch/pause')
      .set('Authorization', asUser('vm-admin-all'))
      .send({});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/is not running \(Stopped\)/);
    expect(requestsBeyondWatches(sim)).toEqual([]);
  });
});
