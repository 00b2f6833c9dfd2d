import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import { vmRoles } from '@kubevirt-backstage/plugin-kubevirt-common';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  RawPathClient,
} from '../../__testUtils__/harness';
import { asRole, rolePermissions } from '../../__testUtils__/rolePermissions';

jest.setTimeout(60_000);

const VM_PATH =
  '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/payments-db-1';
const ROUTE = '/api/kubevirt/vms/east/payments/payments-db-1/metadata';

describe('PATCH /vms/:cluster/:namespace/:name/metadata against the simulator', () => {
  let east: Simulator;
  let admin: RawPathClient;
  let server: Server;
  const { start, auditEvents } = brokerHarness();
  const vm = () => admin.request<any>('GET', VM_PATH);
  const edit = (role: string, body: object) =>
    request(server).patch(ROUTE).set('Authorization', asRole(role)).send(body);

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
    server = (await start({ east }, rolePermissions().factory)).server;
  });
  afterAll(async () => {
    await east.stop();
  });

  it('adds, changes and removes labels and annotations in one merge patch, audited; a dry run changes nothing', async () => {
    const before = await vm();
    const labels = {
      ...before.metadata.labels,
      tier: 'db',
      'example.com/env': 'prod',
    };
    auditEvents.length = 0;

    const dry = await edit('vm-user', {
      resourceVersion: before.metadata.resourceVersion,
      labels,
      annotations: { ...before.metadata.annotations, 'example.com/note': 'x' },
      dryRun: true,
    }).expect(200);
    expect(dry.body.dryRun).toBe(true);
    expect((await vm()).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );

    const res = await edit('vm-user', {
      resourceVersion: before.metadata.resourceVersion,
      labels,
      annotations: {
        ...before.metadata.annotations,
        'example.com/note': 'nightly backup at 02:00, see runbook',
      },
    }).expect(200);
    expect(res.body.changed).toEqual({
      labels: ['example.com/env', 'tier'],
      annotations: ['example.com/note'],
    });
    const after = await vm();
    expect(after.metadata.labels).toEqual(labels);
    expect(after.metadata.annotations['example.com/note']).toBe(
      'nightly backup at 02:00, see runbook',
    );
    expect(res.body.resourceVersion).toBe(after.metadata.resourceVersion);
    expect(auditEvents.map(e => [e.eventId, e.outcome, e.meta.dryRun])).toEqual(
      [
        ['vm-metadata-update', 'success', true],
        ['vm-metadata-update', 'success', false],
      ],
    );

    // removing is sending the set without the key
    const { tier: _tier, ...withoutTier } = after.metadata.labels;
    const removed = await edit('vm-user', {
      resourceVersion: after.metadata.resourceVersion,
      labels: withoutTier,
      annotations: after.metadata.annotations,
    }).expect(200);
    expect(removed.body.changed).toEqual({ labels: ['tier'], annotations: [] });
    expect((await vm()).metadata.labels.tier).toBeUndefined();
  });

  it('answers a stale resourceVersion with 409 and the current object, as the YAML save does', async () => {
    const seen = await vm();
    // someone else labels the VM meanwhile
    await admin.request(
      'PATCH',
      VM_PATH,
      { metadata: { labels: { 'changed-by': 'someone-else' } } },
      'application/merge-patch+json',
    );
    const res = await edit('vm-user', {
      resourceVersion: seen.metadata.resourceVersion,
      labels: { ...seen.metadata.labels, mine: 'yes' },
      annotations: seen.metadata.annotations ?? {},
    }).expect(409);
    const now = await vm();
    expect(res.body.error.name).toBe('ConflictError');
    expect(res.body.error.message).toContain(
      `you sent resourceVersion ${seen.metadata.resourceVersion}, it is now ${now.metadata.resourceVersion}`,
    );
    expect(res.body.error.currentResourceVersion).toBe(
      now.metadata.resourceVersion,
    );
    expect(res.body.error.current.metadata.labels['changed-by']).toBe(
      'someone-else',
    );
    expect(now.metadata.labels.mine).toBeUndefined();
  });

  it('refuses keys and values Kubernetes would refuse (400 naming each), before any write', async () => {
    const current = await vm();
    east.clearReceived();
    const res = await edit('vm-user', {
      resourceVersion: current.metadata.resourceVersion,
      labels: {
        ...current.metadata.labels,
        'Bad Key': 'x',
        ok: 'a'.repeat(64),
        'Example.com/x': 'y',
        spaced: 'has space',
      },
      annotations: { 'a/b/c': 'x' },
    }).expect(400);
    const message: string = res.body.error.message;
    expect(message).toContain(
      `labels: key "Bad Key": name part must consist of alphanumeric characters`,
    );
    expect(message).toContain(
      'labels: value of label "ok" must be no more than 63 characters',
    );
    expect(message).toContain(
      'labels: key "Example.com/x": prefix part must be a lowercase RFC 1123 subdomain',
    );
    expect(message).toContain('value "has space" of label "spaced"');
    expect(message).toContain('annotations: key "a/b/c": a qualified name');
    const big = await edit('vm-user', {
      resourceVersion: current.metadata.resourceVersion,
      labels: current.metadata.labels,
      annotations: { 'example.com/big': 'x'.repeat(256 * 1024) },
    }).expect(400);
    expect(big.body.error.message).toContain(
      'may not be more than 262144 bytes',
    );
    expect(east.received().filter(r => r.method === 'PATCH')).toEqual([]);
  });

  it("keeps KubeVirt's and Kubernetes' keys (400) and gives the ownership keys only to who may delete the VM", async () => {
    const current = await vm();
    const platform = await edit('vm-admin', {
      resourceVersion: current.metadata.resourceVersion,
      labels: { ...current.metadata.labels, 'kubevirt.io/size': 'big' },
      annotations: current.metadata.annotations,
    }).expect(400);
    expect(platform.body.error.message).toContain(
      'label kubevirt.io/size is kept by Kubernetes or KubeVirt',
    );
    // Kubernetes' recommended labels are the user's own
    await edit('vm-user', {
      resourceVersion: current.metadata.resourceVersion,
      labels: {
        ...current.metadata.labels,
        'app.kubernetes.io/part-of': 'payments',
      },
      annotations: current.metadata.annotations,
      dryRun: true,
    }).expect(200);

    const moved = {
      resourceVersion: current.metadata.resourceVersion,
      labels: {
        ...current.metadata.labels,
        'backstage.io/kubernetes-id': 'orders-service',
      },
      annotations: current.metadata.annotations,
    };
    const refused = await edit('vm-power-user', moved).expect(403);
    expect(refused.body.error.message).toContain(
      'You may not change label backstage.io/kubernetes-id of virtual machine payments/payments-db-1 on cluster east: it decides who owns the VM',
    );
    await edit('vm-admin', { ...moved, dryRun: true }).expect(200);
    expect((await vm()).metadata.labels['backstage.io/kubernetes-id']).toBe(
      'payments-api',
    );
  });

  it('gives the ownership keys only to who may delete the VM through the YAML route (PUT) too', async () => {
    const read = (
      await request(server)
        .get('/api/kubevirt/vms/east/payments/payments-db-1')
        .set('Authorization', asRole('vm-admin'))
        .expect(200)
    ).body.vm;
    const moved = {
      ...read,
      metadata: {
        ...read.metadata,
        labels: {
          ...read.metadata.labels,
          'backstage.io/kubernetes-id': 'orders-service',
        },
      },
    };
    const put = (role: string, body: object) =>
      request(server)
        .put('/api/kubevirt/vms/east/payments/payments-db-1')
        .set('Authorization', asRole(role))
        .send(body);
    const refused = await put('vm-power-user', { manifest: moved }).expect(403);
    expect(refused.body.error.message).toContain(
      'You may not change label backstage.io/kubernetes-id of virtual machine payments/payments-db-1 on cluster east: it decides who owns the VM',
    );
    // other labels stay the user's own through the same route
    await put('vm-user', {
      manifest: {
        ...read,
        metadata: {
          ...read.metadata,
          labels: { ...read.metadata.labels, tier: 'gold' },
        },
      },
      dryRun: true,
    }).expect(200);
    await put('vm-admin', { manifest: moved, dryRun: true }).expect(200);
    expect((await vm()).metadata.labels['backstage.io/kubernetes-id']).toBe(
      'payments-api',
    );
  });

  it.each(vmRoles.map(r => [r]))(
    'is %s: allowed from vm-user up (kubevirt.vm.update), 403 below',
    async role => {
      const current = await vm();
      const res = await edit(role, {
        resourceVersion: current.metadata.resourceVersion,
        labels: current.metadata.labels,
        annotations: current.metadata.annotations,
        dryRun: true,
      });
      expect(res.status).toBe(role === 'vm-viewer' ? 403 : 200);
    },
  );

  it('404s an unknown VM and 400s a body without resourceVersion', async () => {
    await request(server)
      .patch('/api/kubevirt/vms/east/payments/no-such-vm/metadata')
      .set('Authorization', asRole('vm-admin'))
      .send({ resourceVersion: '1', labels: {}, annotations: {} })
      .expect(404);
    const res = await edit('vm-admin', { labels: {}, annotations: {} }).expect(
      400,
    );
    expect(res.body.error.message).toContain('resourceVersion');
  });
});
