import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KUBEVIRT_VM_RESOURCE_TYPE } from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  eventually,
  RawPathClient,
} from './__testUtils__/harness';

jest.setTimeout(90_000);

const KV = '/apis/kubevirt.io/v1';
const VIEWER = mockCredentials.user.header('user:default/viewer');

/**
 * Everyone may do everything, except: in namespace orders nobody may migrate
 * or snapshot, and user:default/viewer may only read. Asked without a VM, the
 * namespace exception is a condition, as a real policy gives it.
 */
const viewerOnlyReads = (user: string | undefined, name: string) =>
  user === 'user:default/viewer' && name !== 'kubevirt.vm.read';
const notInOrders = ['kubevirt.vm.migrate', 'kubevirt.vm.snapshot'];
const permissions = mockServices.permissions.mock({
  authorize: async (requests: any[], options: any) => {
    const user = options.credentials.principal?.userEntityRef;
    return requests.map(r => {
      const name: string = r.permission.name;
      const namespace = String(r.resourceRef ?? '').split('/')[1];
      if (viewerOnlyReads(user, name)) return { result: AuthorizeResult.DENY };
      if (namespace === 'orders' && notInOrders.includes(name))
        return { result: AuthorizeResult.DENY };
      return { result: AuthorizeResult.ALLOW };
    });
  },
  authorizeConditional: async (requests: any[], options: any) => {
    const user = options.credentials.principal?.userEntityRef;
    return requests.map(r => {
      const name: string = r.permission.name;
      if (viewerOnlyReads(user, name)) return { result: AuthorizeResult.DENY };
      if (notInOrders.includes(name))
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'kubevirt',
          resourceType: KUBEVIRT_VM_RESOURCE_TYPE,
          conditions: {
            not: {
              rule: 'IS_IN_NAMESPACE',
              resourceType: KUBEVIRT_VM_RESOURCE_TYPE,
              params: { namespaces: ['orders'] },
            },
          },
        };
      return { result: AuthorizeResult.ALLOW };
    });
  },
});

describe('VM spec operations (disks, network interfaces, CPU and memory, saved VM templates, node evacuation, bulk) over HTTP against the simulator', () => {
  let sim: Simulator;
  let admin: RawPathClient;
  let server: Server;
  const { start, auditEvents } = brokerHarness();
  const vmOf = (ns: string, name: string) =>
    admin.request('GET', `${KV}/namespaces/${ns}/virtualmachines/${name}`);
  const lastAudit = (eventId: string) =>
    [...auditEvents].reverse().find(e => e.eventId === eventId);
  // the broker's cache must see a change before the next operation reads the VM from it
  const cached = (ns: string, name: string, check: (vm: any) => boolean) =>
    eventually(
      () => request(server).get(`/api/kubevirt/vms/east/${ns}/${name}`),
      r => r.status === 200 && check(r.body.vm),
    );

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    admin = adminClient(sim);
    server = (await start({ east: sim }, permissions.factory)).server;
  });
  afterAll(async () => {
    await sim.stop();
  });

  describe('disk resize', () => {
    beforeAll(async () => {
      await admin.request('POST', '/apis/storage.k8s.io/v1/storageclasses', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'expandable' },
        provisioner: 'csi.example.com',
        allowVolumeExpansion: true,
      });
      for (const [name, storageClassName] of [
        ['db0-data', 'expandable'],
        ['db0-fixed', 'local-path'],
      ]) {
        await admin.request(
          'POST',
          '/api/v1/namespaces/payments/persistentvolumeclaims',
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name, namespace: 'payments' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName,
              resources: { requests: { storage: '10Gi' } },
            },
          },
        );
      }
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-0/volumes')
        .send({ name: 'data', pvc: 'db0-data' })
        .expect(202);
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-0/volumes')
        .send({ name: 'fixed', pvc: 'db0-fixed' })
        .expect(202);
      await cached('payments', 'payments-db-0', vm =>
        vm.spec.template.spec.volumes.some((v: any) => v.name === 'fixed'),
      );
    });
    const pvcSize = async (name: string) =>
      (
        await admin.request(
          'GET',
          `/api/v1/namespaces/payments/persistentvolumeclaims/${name}`,
        )
      ).spec.resources.requests.storage;
    const resize = (volume: string, body: object, auth?: string) => {
      const req = request(server).post(
        `/api/kubevirt/vms/east/payments/payments-db-0/disks/${volume}/resize`,
      );
      return (auth ? req.set('Authorization', auth) : req).send(body);
    };

    it('grows the claim behind a disk, audited; dryRun changes nothing', async () => {
      const dry = await resize('data', { size: '30Gi', dryRun: true }).expect(
        202,
      );
      expect(dry.body).toEqual({
        volume: 'data',
        claim: 'db0-data',
        from: '10Gi',
        to: '30Gi',
        dryRun: true,
      });
      expect(await pvcSize('db0-data')).toBe('10Gi');
      await resize('data', { size: '20Gi' }).expect(202);
      expect(await pvcSize('db0-data')).toBe('20Gi');
      expect(lastAudit('vm-disk-resize')).toMatchObject({
        outcome: 'success',
        meta: { name: 'payments-db-0', volume: 'data', size: '20Gi' },
      });
    });

    it('refuses to shrink (400), a container disk (400), an unknown disk (404) and a class without expansion (409)', async () => {
      expect(
        (await resize('data', { size: '5Gi' }).expect(400)).body.error.message,
      ).toContain('not larger than the 20Gi disk data has now');
      expect(
        (await resize('data', { size: '20GB' }).expect(400)).body.error.message,
      ).toContain('size: must be a size such as 40Gi');
      expect(
        (await resize('rootdisk', { size: '50Gi' }).expect(400)).body.error
          .message,
      ).toContain(
        'is a containerDisk volume; only disks on a PVC or DataVolume can grow',
      );
      expect(
        (await resize('nope', { size: '50Gi' }).expect(404)).body.error.message,
      ).toContain(
        'payments/payments-db-0 on cluster east has no disk named nope',
      );
      expect(
        (await resize('fixed', { size: '50Gi' }).expect(409)).body.error
          .message,
      ).toContain('storage class local-path does not allow volume expansion');
      expect(await pvcSize('db0-fixed')).toBe('10Gi');
    });

    it('needs kubevirt.vm.update, decided before the body is looked at', async () => {
      const res = await resize('data', { size: 'huge' }, VIEWER).expect(403);
      expect(res.body.error.message).toBe(
        'You may not resizeDisk virtual machine payments/payments-db-0 on cluster east',
      );
      expect(lastAudit('vm-disk-resize')).toMatchObject({
        outcome: 'fail',
        meta: { actor: 'user:default/viewer' },
      });
    });
  });

  describe('network interfaces', () => {
    const ifaces = async (ns: string, name: string) =>
      (await vmOf(ns, name)).spec.template.spec.domain.devices.interfaces;

    it('hot-plugs a bridge interface on a Multus network into a running VM and unplugs it again', async () => {
      const add = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-1/interfaces')
        .send({
          name: 'vlan10',
          network: { multus: 'payments/vlan-10' },
          binding: 'bridge',
          model: 'virtio',
        })
        .expect(202);
      expect(add.body).toEqual({
        interface: 'vlan10',
        applied: 'live',
        liveMigration: false,
        dryRun: false,
      });
      const vm = await vmOf('payments', 'payments-db-1');
      expect(vm.spec.template.spec.domain.devices.interfaces).toContainEqual({
        name: 'vlan10',
        bridge: {},
        model: 'virtio',
      });
      expect(vm.spec.template.spec.networks).toContainEqual({
        name: 'vlan10',
        multus: { networkName: 'payments/vlan-10' },
      });
      await cached(
        'payments',
        'payments-db-1',
        v => v.spec.template.spec.networks.length === 2,
      );

      const remove = await request(server)
        .delete(
          '/api/kubevirt/vms/east/payments/payments-db-1/interfaces/vlan10',
        )
        .expect(202);
      expect(remove.body).toMatchObject({
        interface: 'vlan10',
        applied: 'live',
      });
      expect(
        (await ifaces('payments', 'payments-db-1')).find(
          (i: any) => i.name === 'vlan10',
        ),
      ).toMatchObject({ state: 'absent' });
      await cached('payments', 'payments-db-1', v =>
        v.spec.template.spec.domain.devices.interfaces.some(
          (i: any) => i.state === 'absent',
        ),
      );
      const again = await request(server)
        .delete(
          '/api/kubevirt/vms/east/payments/payments-db-1/interfaces/vlan10',
        )
        .expect(409);
      expect(again.body.error.message).toContain('is already being unplugged');
    });

    it('edits a stopped VM for its next start; dryRun writes nothing', async () => {
      const dry = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/interfaces')
        .send({
          name: 'storage',
          network: { multus: 'storage-net' },
          binding: 'bridge',
          dryRun: true,
        })
        .expect(202);
      expect(dry.body).toMatchObject({ applied: 'next-start', dryRun: true });
      expect(await ifaces('payments', 'payments-batch')).toHaveLength(1);
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/interfaces')
        .send({
          name: 'storage',
          network: { multus: 'storage-net' },
          binding: 'bridge',
        })
        .expect(202);
      await cached(
        'payments',
        'payments-batch',
        v => v.spec.template.spec.networks.length === 2,
      );
      const removed = await request(server)
        .delete(
          '/api/kubevirt/vms/east/payments/payments-batch/interfaces/storage',
        )
        .expect(202);
      expect(removed.body).toMatchObject({ applied: 'next-start' });
      const vm = await vmOf('payments', 'payments-batch');
      expect(vm.spec.template.spec.networks.map((n: any) => n.name)).toEqual([
        'default',
      ]);
      expect(lastAudit('vm-interface-remove')).toMatchObject({
        outcome: 'success',
        meta: { interface: 'storage' },
      });
    });

    it('refuses a second pod network (409), masquerade on Multus (400), an unknown interface (404) and a viewer (403)', async () => {
      const second = await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/interfaces')
        .send({ name: 'pod2', network: 'pod', binding: 'masquerade' })
        .expect(409);
      expect(second.body.error.message).toContain(
        'already has a pod network interface (default); a VM has at most one',
      );
      const bad = await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/interfaces')
        .send({ name: 'x', network: { multus: 'net' }, binding: 'masquerade' })
        .expect(400);
      expect(bad.body.error.message).toContain(
        'binding: masquerade works on the pod network only',
      );
      await request(server)
        .delete('/api/kubevirt/vms/east/data/search-indexer-0/interfaces/nope')
        .expect(404);
      await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/interfaces')
        .set('Authorization', VIEWER)
        .send({ name: 'x', network: 'pod', binding: 'masquerade' })
        .expect(403);
      expect(await ifaces('data', 'search-indexer-0')).toHaveLength(1);
    });
  });

  describe('CPU and memory hot-plug', () => {
    beforeAll(async () => {
      await request(server)
        .post('/api/kubevirt/vms')
        .send({
          cluster: 'east',
          namespace: 'payments',
          name: 'sized',
          resources: { cpu: 2, memory: '2Gi' },
          image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
          runStrategy: 'Always',
        })
        .expect(201);
      await eventually(
        () => request(server).get('/api/kubevirt/vms/east/payments/sized'),
        r => r.body.summary?.status === 'Running',
      );
    });
    const domain = async () =>
      (await vmOf('payments', 'sized')).spec.template.spec.domain;

    it('adds sockets and memory to a running VM (KubeVirt live-migrates it); taking them away needs a restart', async () => {
      const res = await request(server)
        .patch('/api/kubevirt/vms/east/payments/sized/resources')
        .send({ sockets: 2, memory: '4Gi' })
        .expect(202);
      expect(res.body).toEqual({
        sockets: 2,
        memory: '4Gi',
        applied: 'live',
        liveMigration: true,
        dryRun: false,
      });
      expect((await domain()).cpu).toMatchObject({ cores: 2, sockets: 2 });
      expect((await domain()).memory.guest).toBe('4Gi');
      await cached(
        'payments',
        'sized',
        v => v.spec.template.spec.domain.cpu.sockets === 2,
      );
      const down = await request(server)
        .patch('/api/kubevirt/vms/east/payments/sized/resources')
        .send({ sockets: 1 })
        .expect(202);
      expect(down.body).toMatchObject({
        sockets: 1,
        applied: 'restart',
        liveMigration: false,
      });
      expect(lastAudit('vm-resources-hotplug')).toMatchObject({
        outcome: 'success',
        meta: { sockets: 1 },
      });
      await cached(
        'payments',
        'sized',
        v => v.spec.template.spec.domain.cpu.sockets === 1,
      );
    });

    it('stays within maxSockets and maxGuest (400), and leaves instancetype VMs to their instancetype (409)', async () => {
      expect(
        (
          await request(server)
            .patch('/api/kubevirt/vms/east/payments/sized/resources')
            .send({ sockets: 5 })
            .expect(400)
        ).body.error.message,
      ).toContain(
        'sockets: at most 4 for Virtual machine payments/sized (domain.cpu.maxSockets, default 4x the 1 it started with)',
      );
      expect(
        (
          await request(server)
            .patch('/api/kubevirt/vms/east/payments/sized/resources')
            .send({ memory: '9Gi' })
            .expect(400)
        ).body.error.message,
      ).toContain(
        'memory: at most 8Gi for Virtual machine payments/sized (domain.memory.maxGuest, default 4x the 2Gi it started with)',
      );
      expect(
        (
          await request(server)
            .patch('/api/kubevirt/vms/east/payments/sized/resources')
            .send({})
            .expect(400)
        ).body.error.message,
      ).toContain('give sockets, memory or both');
      const it = await request(server)
        .patch('/api/kubevirt/vms/east/payments/payments-db-0/resources')
        .send({ sockets: 2 })
        .expect(409);
      expect(it.body.error.message).toContain(
        'takes its CPU and memory from instancetype u1.large',
      );
      const dry = await request(server)
        .patch('/api/kubevirt/vms/east/payments/sized/resources')
        .send({ sockets: 3, dryRun: true })
        .expect(202);
      expect(dry.body.dryRun).toBe(true);
      expect((await domain()).cpu.sockets).toBe(1);
    });
  });

  describe('saved VM templates', () => {
    it('saves a VM as a template, lists it and creates a VM from it with its own disks', async () => {
      const saved = await request(server)
        .post('/api/kubevirt/vms/east/platform/build-agent/template')
        .send({
          name: 'build-agent-template',
          displayName: 'Build agent',
          description: 'Fedora build agent',
        })
        .expect(201);
      expect(saved.body.template).toMatchObject({
        cluster: 'east',
        namespace: 'platform',
        name: 'build-agent-template',
        displayName: 'Build agent',
        source: 'platform/build-agent',
        instancetype: 'u1.medium',
      });
      const cm = await admin.request(
        'GET',
        '/api/v1/namespaces/platform/configmaps/build-agent-template',
      );
      expect(cm.metadata.labels['kubevirt.backstage.io/vm-template']).toBe(
        'true',
      );
      const manifest = JSON.parse(cm.data['vm.json']);
      expect(manifest.status).toBeUndefined();
      expect(manifest.metadata.uid).toBeUndefined();
      expect(
        manifest.metadata.labels['backstage.io/kubernetes-id'],
      ).toBeUndefined();
      expect(manifest.spec.runStrategy).toBe('Halted');

      const list = await request(server)
        .get('/api/kubevirt/clusters/east/templates')
        .expect(200);
      expect(
        list.body.items.map((t: any) => `${t.namespace}/${t.name}`),
      ).toContain('platform/build-agent-template');

      const created = await request(server)
        .post(
          '/api/kubevirt/clusters/east/templates/platform/build-agent-template/vms',
        )
        .send({ name: 'agent-2' })
        .expect(201);
      expect(created.body.vm).toMatchObject({
        name: 'agent-2',
        namespace: 'platform',
      });
      const vm = await vmOf('platform', 'agent-2');
      expect(
        vm.spec.dataVolumeTemplates.map((d: any) => d.metadata.name),
      ).toEqual(['agent-2-rootdisk']);
      expect(
        vm.spec.template.spec.volumes.find((v: any) => v.name === 'rootdisk')
          .dataVolume.name,
      ).toBe('agent-2-rootdisk');
      expect(vm.spec.runStrategy).toBe('Halted');
      expect(lastAudit('vm-template-save')).toMatchObject({
        outcome: 'success',
        meta: { template: 'build-agent-template' },
      });
    });

    it('refuses a taken name (409), a bad name (400), a missing template (404) and a viewer (403)', async () => {
      await request(server)
        .post('/api/kubevirt/vms/east/platform/bastion/template')
        .send({ name: 'bastion-template' })
        .expect(201);
      const taken = await request(server)
        .post('/api/kubevirt/vms/east/platform/bastion/template')
        .send({ name: 'bastion-template' })
        .expect(409);
      expect(taken.body.error.message).toBe(
        'A template named bastion-template already exists in namespace platform on cluster east',
      );
      await request(server)
        .post('/api/kubevirt/vms/east/platform/bastion/template')
        .send({ name: 'Bad_Name' })
        .expect(400);
      await request(server)
        .post('/api/kubevirt/clusters/east/templates/platform/nope/vms')
        .send({ name: 'x1' })
        .expect(404);
      await request(server)
        .post('/api/kubevirt/vms/east/platform/bastion/template')
        .set('Authorization', VIEWER)
        .send({ name: 'viewer-template' })
        .expect(403);
      await request(server)
        .post(
          '/api/kubevirt/clusters/east/templates/platform/bastion-template/vms',
        )
        .set('Authorization', VIEWER)
        .send({ name: 'x2' })
        .expect(403);
      await expect(
        admin.request(
          'GET',
          '/api/v1/namespaces/platform/configmaps/viewer-template',
        ),
      ).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe('node evacuation', () => {
    it('live-migrates the VMs on a node, and says which stay and why', async () => {
      const vmis = (await admin.request('GET', `${KV}/virtualmachineinstances`))
        .items;
      // the node with the most running VMs, one of them in orders (where nobody may migrate)
      const running = vmis.filter(
        (v: any) => v.status?.phase === 'Running' && v.status?.nodeName,
      );
      const byNode = new Map<string, any[]>();
      for (const v of running)
        byNode.set(v.status.nodeName, [
          ...(byNode.get(v.status.nodeName) ?? []),
          v,
        ]);
      const [node, onNode] = [...byNode.entries()].sort(
        (a, b) => b[1].length - a[1].length,
      )[0];

      // one of them cannot live-migrate (a disk that is not shared), as KubeVirt reports it
      const pinned = onNode.find((v: any) => v.metadata.namespace !== 'orders');
      const conditions = [
        ...pinned.status.conditions.filter(
          (c: any) => c.type !== 'LiveMigratable',
        ),
        {
          type: 'LiveMigratable',
          status: 'False',
          reason: 'DisksNotLiveMigratable',
          message:
            'cannot migrate VMI: PVC root is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)',
        },
      ];
      // the VMI CRD has no status subresource: its status is written through the VMI itself
      await admin.request(
        'PATCH',
        `${KV}/namespaces/${pinned.metadata.namespace}/virtualmachineinstances/${pinned.metadata.name}`,
        { status: { conditions } },
        'application/merge-patch+json',
      );
      await eventually(
        () =>
          request(server).get(
            `/api/kubevirt/vms/east/${pinned.metadata.namespace}/${pinned.metadata.name}`,
          ),
        r =>
          r.body.vmi?.status?.conditions?.some(
            (c: any) => c.type === 'LiveMigratable' && c.status === 'False',
          ),
      );

      const dry = await request(server)
        .post(`/api/kubevirt/clusters/east/nodes/${node}/evacuate`)
        .send({ dryRun: true })
        .expect(202);
      expect(dry.body.results).toHaveLength(onNode.length);
      expect(
        (await admin.request('GET', `${KV}/virtualmachineinstancemigrations`))
          .items,
      ).toHaveLength(0);

      const res = await request(server)
        .post(`/api/kubevirt/clusters/east/nodes/${node}/evacuate`)
        .send({})
        .expect(202);
      expect(res.body).toMatchObject({ cluster: 'east', node, dryRun: false });
      const notMigratable = expect.stringContaining(
        'DisksNotLiveMigratable: cannot migrate VMI: PVC root is not shared',
      );
      const expected = onNode.map((vmi: any) => {
        if (vmi.metadata.namespace === 'orders')
          return {
            name: vmi.metadata.name,
            result: 'not-allowed',
            reason: 'your VM role does not allow migrating it',
          };
        if (vmi === pinned)
          return {
            name: vmi.metadata.name,
            result: 'not-migratable',
            reason: notMigratable,
          };
        return { name: vmi.metadata.name, result: 'migrating' };
      });
      expect(
        res.body.results.map((r: any) => ({
          name: r.name,
          result: r.result,
          ...(r.reason ? { reason: r.reason } : {}),
        })),
      ).toEqual(expect.arrayContaining(expected));
      expect(res.body.results).toHaveLength(onNode.length);
      const moved = res.body.results.filter(
        (r: any) => r.result === 'migrating',
      );
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.map((m: any) => m.name)).not.toContain(pinned.metadata.name);
      const after = await eventually(
        () => admin.request('GET', `${KV}/virtualmachineinstances`),
        list =>
          moved.every(
            (m: any) =>
              list.items.find(
                (v: any) =>
                  v.metadata.name === m.name &&
                  v.metadata.namespace === m.namespace,
              )?.status?.nodeName !== node,
          ),
      );
      for (const m of moved)
        expect(
          after.items.find(
            (v: any) =>
              v.metadata.name === m.name &&
              v.metadata.namespace === m.namespace,
          ).status.nodeName,
        ).not.toBe(node);
      expect(lastAudit('node-evacuate')).toMatchObject({
        outcome: 'success',
        meta: { node },
      });
    });

    it('answers 404 for an unknown node and 403 to a user who may migrate none of its VMs', async () => {
      await request(server)
        .post('/api/kubevirt/clusters/east/nodes/node-z/evacuate')
        .send({})
        .expect(404);
      const vmis = (
        await admin.request('GET', `${KV}/virtualmachineinstances`)
      ).items.filter((v: any) => v.status?.phase === 'Running');
      const res = await request(server)
        .post(
          `/api/kubevirt/clusters/east/nodes/${vmis[0].status.nodeName}/evacuate`,
        )
        .set('Authorization', VIEWER)
        .send({})
        .expect(403);
      expect(res.body.error.message).toBe(
        'You may not migrate virtual machines on cluster east',
      );
      // the same answer for a node that does not exist: the refusal tells nothing about nodes
      const unknown = await request(server)
        .post('/api/kubevirt/clusters/east/nodes/node-z/evacuate')
        .set('Authorization', VIEWER)
        .send({})
        .expect(403);
      expect(unknown.body.error.message).toBe(res.body.error.message);
    });
  });

  describe('bulk actions', () => {
    it('acts on each selected VM with its own authorization and answers per VM', async () => {
      const res = await request(server)
        .post('/api/kubevirt/vms/bulk')
        .send({
          action: 'snapshot',
          vms: [
            { cluster: 'east', namespace: 'data', name: 'search-indexer-0' },
            { cluster: 'east', namespace: 'orders', name: 'orders-worker-1' },
            { cluster: 'east', namespace: 'data', name: 'gone' },
          ],
        })
        .expect(200);
      expect(
        res.body.results.map((r: any) => [r.name, r.ok, r.status]),
      ).toEqual([
        ['search-indexer-0', true, 201],
        ['orders-worker-1', false, 403],
        // snapshot is conditional (not in orders): a VM the cache does not hold cannot meet the
        // condition, so the caller learns nothing about whether it exists
        ['gone', false, 403],
      ]);
      expect(res.body.results[0].snapshot).toMatch(/^search-indexer-0-/);
      expect(res.body.results[1].error).toBe(
        'You may not snapshot virtual machine orders/orders-worker-1 on cluster east',
      );
      const snaps = (
        await admin.request(
          'GET',
          '/apis/snapshot.kubevirt.io/v1beta1/virtualmachinesnapshots',
        )
      ).items;
      expect(
        snaps.filter((s: any) => s.spec.source.name === 'orders-worker-1'),
      ).toHaveLength(0);
    });

    it('stops running VMs and reports the wrong state of the others', async () => {
      const res = await request(server)
        .post('/api/kubevirt/vms/bulk')
        .send({
          action: 'stop',
          vms: [
            { cluster: 'east', namespace: 'data', name: 'search-indexer-0' },
            { cluster: 'east', namespace: 'payments', name: 'payments-batch' },
          ],
        })
        .expect(200);
      expect(res.body.results[0]).toMatchObject({ ok: true, status: 202 });
      // payments-batch is Halted: KubeVirt's "VM is not running" (409) for that one only
      expect(res.body.results[1]).toMatchObject({ ok: false, status: 409 });
      expect(res.body.results[1].error).toContain('not running');
      await eventually(
        () => vmOf('data', 'search-indexer-0'),
        vm => vm.status?.printableStatus === 'Stopped',
      );
    });

    it('rejects an empty selection and an unknown action (400)', async () => {
      expect(
        (
          await request(server)
            .post('/api/kubevirt/vms/bulk')
            .send({ action: 'stop', vms: [] })
            .expect(400)
        ).body.error.message,
      ).toContain('select at least one VM');
      await request(server)
        .post('/api/kubevirt/vms/bulk')
        .send({
          action: 'delete',
          vms: [{ cluster: 'east', namespace: 'data', name: 'x' }],
        })
        .expect(400);
    });
  });
});
