import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  eventually,
  RawPathClient,
} from './__testUtils__/harness';
import { ApiPath } from './clusters/apiPath';
import { ClusterClient } from './clusters/ClusterClient';

jest.setTimeout(60_000);

const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZpeGVkLWtleS1mb3ItdGVzdHMtb25seQ test@example';
const KV = '/apis/kubevirt.io/v1';
const SNAP = '/apis/snapshot.kubevirt.io/v1beta1';
const CDI = '/apis/cdi.kubevirt.io/v1beta1';

describe('broker writes over HTTP against the simulator', () => {
  let east: Simulator;
  let admin: RawPathClient;
  const { start, auditEvents } = brokerHarness();
  const exists = (path: string) =>
    admin.request('GET', path).then(
      () => true,
      e => (e.statusCode === 404 ? false : Promise.reject(e)),
    );
  const count = async (path: string) =>
    (await admin.request<{ items: unknown[] }>('GET', path)).items.length;
  const lastAudit = (eventId: string) =>
    [...auditEvents].reverse().find(e => e.eventId === eventId);

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    admin = adminClient(east);
  });
  afterAll(async () => {
    await east.stop();
  });

  it('shows a VM with its volumes, DataVolume import progress and launcher pod', async () => {
    const { server } = await start({ east });
    const provisioning = (
      await request(server)
        .get('/api/kubevirt/vms/east/platform/build-agent')
        .expect(200)
    ).body;
    expect(provisioning.volumes[0]).toMatchObject({
      name: 'rootdisk',
      sourceType: 'dataVolume',
      source: 'build-agent-rootdisk',
      hotplugged: false,
      size: '30Gi',
      device: { type: 'disk', bus: 'virtio' },
    });
    // with no stage delay the import is done by now; the slow cluster below shows one in progress
    expect(provisioning.volumes[0].dataVolume).toEqual({
      phase: 'Succeeded',
      progress: '100.00%',
      ready: true,
    });
    const running = (
      await request(server)
        .get('/api/kubevirt/vms/east/payments/payments-db-0')
        .expect(200)
    ).body;
    expect(running.volumes.map((v: any) => [v.name, v.sourceType])).toEqual([
      ['rootdisk', 'containerDisk'],
      ['cloudinitdisk', 'cloudInitNoCloud'],
    ]);
    expect(running.launcherPods).toHaveLength(1);
    expect(running.launcherPods[0]).toMatchObject({
      phase: 'Running',
      node: running.vmi.status.nodeName,
    });
    expect(running).toMatchObject({
      snapshots: [],
      restores: [],
      migrations: [],
    });
  });

  describe('POST /vms', () => {
    const body = (name: string, extra: object = {}) => ({
      cluster: 'east',
      namespace: 'payments',
      name,
      instancetype: 'u1.small',
      preference: 'fedora',
      image: {
        goldenImage: { name: 'fedora', namespace: 'kubevirt-os-images' },
      },
      diskSize: '40Gi',
      sshPublicKey: SSH_KEY,
      labels: { 'backstage.io/kubernetes-id': 'payments-api' },
      ...extra,
    });

    it('creates a VM from a golden image with its SSH key in a Secret, and audits it', async () => {
      const { server } = await start({ east });
      const res = await request(server)
        .post('/api/kubevirt/vms')
        .send(body('created-vm'))
        .expect(201);
      expect(res.body).toMatchObject({
        dryRun: false,
        vm: {
          cluster: 'east',
          namespace: 'payments',
          name: 'created-vm',
          instancetype: 'u1.small',
          kubernetesId: 'payments-api',
        },
      });
      expect(res.body.vm.allowedOperations).toContain('start');
      const vm = await admin.request(
        'GET',
        `${KV}/namespaces/payments/virtualmachines/created-vm`,
      );
      expect(vm.spec.instancetype).toEqual({
        kind: 'VirtualMachineClusterInstancetype',
        name: 'u1.small',
      });
      expect(vm.spec.dataVolumeTemplates[0].spec).toMatchObject({
        sourceRef: {
          kind: 'DataSource',
          name: 'fedora',
          namespace: 'kubevirt-os-images',
        },
        storage: { resources: { requests: { storage: '40Gi' } } },
      });
      expect(
        vm.spec.template.spec.accessCredentials[0].sshPublicKey.source.secret
          .secretName,
      ).toBe('created-vm-ssh-key');
      const secret = await admin.request(
        'GET',
        '/api/v1/namespaces/payments/secrets/created-vm-ssh-key',
      );
      expect(Buffer.from(secret.data.key, 'base64').toString()).toBe(SSH_KEY);
      expect(secret.metadata.ownerReferences[0]).toMatchObject({
        kind: 'VirtualMachine',
        name: 'created-vm',
        uid: vm.metadata.uid,
      });
      expect(lastAudit('vm-create')).toMatchObject({
        outcome: 'success',
        meta: { cluster: 'east', namespace: 'payments', name: 'created-vm' },
      });
      expect(JSON.stringify(auditEvents)).not.toContain('AAAAC3Nza');
      // the next create of the same name is a conflict, once the cache has seen it
      await eventually(
        () => request(server).get('/api/kubevirt/vms/east/payments/created-vm'),
        r => r.status === 200,
      );
      const again = await request(server)
        .post('/api/kubevirt/vms')
        .send(body('created-vm'))
        .expect(409);
      expect(again.body.error.message).toContain(
        'payments/created-vm already exists on cluster east',
      );
    });

    it('creates from a full manifest, with explicit size and a container disk', async () => {
      const { server } = await start({ east });
      await request(server)
        .post('/api/kubevirt/vms')
        .send({
          cluster: 'east',
          namespace: 'orders',
          name: 'small-box',
          resources: { cpu: 2, memory: '2Gi' },
          image: { containerDisk: 'quay.io/containerdisks/fedora:41' },
          runStrategy: 'Halted',
          cloudInitUserData: '#cloud-config\n',
        })
        .expect(201);
      const vm = await admin.request(
        'GET',
        `${KV}/namespaces/orders/virtualmachines/small-box`,
      );
      expect(vm.spec.template.spec.domain.cpu.cores).toBe(2);
      expect(vm.spec.runStrategy).toBe('Halted');
      const manifest = {
        ...vm,
        metadata: { name: 'from-manifest', namespace: 'orders' },
      };
      delete manifest.status;
      const res = await request(server)
        .post('/api/kubevirt/vms')
        .send({ cluster: 'east', manifest })
        .expect(201);
      expect(res.body.vm.name).toBe('from-manifest');
      expect(
        await exists(`${KV}/namespaces/orders/virtualmachines/from-manifest`),
      ).toBe(true);
      const bad = await request(server)
        .post('/api/kubevirt/vms')
        .send({ cluster: 'east', manifest: { ...manifest, kind: 'Pod' } })
        .expect(400);
      expect(bad.body.error.message).toContain('manifest.kind');
    });

    it('with dryRun validates on the cluster and creates nothing', async () => {
      const { server } = await start({ east });
      const res = await request(server)
        .post('/api/kubevirt/vms')
        .send(body('dry-vm', { dryRun: true }))
        .expect(201);
      expect(res.body).toMatchObject({ dryRun: true, vm: { name: 'dry-vm' } });
      expect(
        await exists(`${KV}/namespaces/payments/virtualmachines/dry-vm`),
      ).toBe(false);
      expect(
        await exists('/api/v1/namespaces/payments/secrets/dry-vm-ssh-key'),
      ).toBe(false);
      expect(lastAudit('vm-create')).toMatchObject({
        outcome: 'success',
        meta: { dryRun: true },
      });
    });

    it('answers 400 naming the field, and checks the instancetype, preference and image exist', async () => {
      const { server } = await start({ east });
      const cases: [object, string][] = [
        [body('Bad_Name'), 'name:'],
        [
          body('ok-name', { diskSize: '100Ti' }),
          'diskSize: must be between 1Gi and 4Ti',
        ],
        [
          body('ok-name', { resources: { cpu: 1, memory: '1Gi' } }),
          'give either instancetype or resources',
        ],
        [body('ok-name', { sshPublicKey: 'not a key' }), 'sshPublicKey'],
        [body('ok-name', { labels: { 'bad key!': 'x' } }), 'labels.bad key!'],
        [
          body('ok-name', { instancetype: 'u9.huge' }),
          'no instancetype named u9.huge on cluster east',
        ],
        [body('ok-name', { preference: 'beos' }), 'no preference named beos'],
        [
          body('ok-name', {
            image: {
              goldenImage: { name: 'plan9', namespace: 'kubevirt-os-images' },
            },
          }),
          'no golden image (DataSource) kubevirt-os-images/plan9 on cluster east',
        ],
        [body('ok-name', { surprise: true }), 'surprise'],
      ];
      for (const [payload, message] of cases) {
        const res = await request(server)
          .post('/api/kubevirt/vms')
          .send(payload);
        expect([
          res.status,
          res.body.error?.name,
          res.body.error?.message,
        ]).toEqual([400, 'InputError', expect.stringContaining(message)]);
      }
      expect(
        await exists(`${KV}/namespaces/payments/virtualmachines/ok-name`),
      ).toBe(false);
      expect(
        await exists('/api/v1/namespaces/payments/secrets/ok-name-ssh-key'),
      ).toBe(false);
    });

    it('removes the SSH key Secret when the VM create fails', async () => {
      const { server } = await start({ east });
      const original = ClusterClient.prototype.request;
      const spy = jest
        .spyOn(ClusterClient.prototype, 'request')
        .mockImplementation(function failVmCreate(
          this: ClusterClient,
          method: string,
          path: string,
          ...rest: any[]
        ) {
          if (method === 'POST' && path.includes('/virtualmachines'))
            return Promise.reject(new Error('connection reset'));
          return original.call(this, method, path as ApiPath, ...rest);
        } as any);
      try {
        const res = await request(server)
          .post('/api/kubevirt/vms')
          .send(body('half-vm'))
          .expect(503);
        expect(res.body.error.message).toContain('payments/half-vm');
      } finally {
        spy.mockRestore();
      }
      expect(
        await exists('/api/v1/namespaces/payments/secrets/half-vm-ssh-key'),
      ).toBe(false);
      expect(lastAudit('vm-create')).toMatchObject({ outcome: 'fail' });
    });
  });

  describe('PUT /vms/:cluster/:namespace/:name', () => {
    it('replaces the VM, and answers 409 with the current object when it changed meanwhile', async () => {
      const { server } = await start({ east });
      const read = (
        await request(server)
          .get('/api/kubevirt/vms/east/orders/orders-worker-1')
          .expect(200)
      ).body.vm;
      // builds the index of label `tier` before the change, so the check below sees it kept up to date
      expect(
        (
          await request(server)
            .get('/api/kubevirt/vms')
            .query({ labelSelector: 'tier=gold' })
            .expect(200)
        ).body.items,
      ).toEqual([]);
      const edited = {
        ...read,
        metadata: {
          ...read.metadata,
          labels: { ...read.metadata.labels, tier: 'gold' },
        },
      };
      const dry = await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-1')
        .send({ manifest: edited, dryRun: true })
        .expect(200);
      expect(dry.body.dryRun).toBe(true);
      expect(
        (
          await admin.request(
            'GET',
            `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
          )
        ).metadata.labels.tier,
      ).toBeUndefined();
      const res = await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-1')
        .send({ manifest: edited })
        .expect(200);
      expect(res.body.vm.labels.tier).toBe('gold');
      const now = await admin.request(
        'GET',
        `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
      );
      expect(now.metadata.labels.tier).toBe('gold');
      expect(lastAudit('vm-update')).toMatchObject({ outcome: 'success' });
      const gold = await eventually(
        () =>
          request(server)
            .get('/api/kubevirt/vms')
            .query({ labelSelector: 'tier=gold,app.kubernetes.io/name' }),
        r => r.body.items?.length === 1,
      );
      expect(gold.body.items.map((v: any) => v.name)).toEqual([
        'orders-worker-1',
      ]);

      const stale = await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-1')
        .send({
          manifest: {
            ...edited,
            metadata: { ...edited.metadata, labels: { tier: 'silver' } },
          },
        })
        .expect(409);
      expect(stale.body.error.name).toBe('ConflictError');
      expect(stale.body.error.message).toContain(
        'orders/orders-worker-1 on cluster east changed since you read it',
      );
      expect(stale.body.error.currentResourceVersion).toBe(
        now.metadata.resourceVersion,
      );
      expect(stale.body.error.current.metadata.labels.tier).toBe('gold');
      expect(lastAudit('vm-update')).toMatchObject({ outcome: 'fail' });
    });

    it('refuses a rename, a missing resourceVersion and a non-VM with 400', async () => {
      const { server } = await start({ east });
      const read = (
        await request(server)
          .get('/api/kubevirt/vms/east/orders/orders-worker-2')
          .expect(200)
      ).body.vm;
      const renamed = await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-2')
        .send({
          manifest: { ...read, metadata: { ...read.metadata, name: 'other' } },
        })
        .expect(400);
      expect(renamed.body.error.message).toContain('cannot be renamed');
      const noVersion = await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-2')
        .send({
          manifest: {
            ...read,
            metadata: { name: read.metadata.name, namespace: 'orders' },
          },
        })
        .expect(400);
      expect(noVersion.body.error.message).toContain(
        'manifest.metadata.resourceVersion',
      );
      await request(server)
        .put('/api/kubevirt/vms/east/orders/orders-worker-2')
        .send(read)
        .expect(400);
    });
  });

  describe('snapshots and restores', () => {
    it('takes, lists and deletes a snapshot; dryRun leaves the cluster as it was', async () => {
      const { server } = await start({ east });
      const dry = await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/snapshots')
        .send({ name: 'dry-snap', dryRun: true })
        .expect(201);
      expect(dry.body.dryRun).toBe(true);
      expect(
        await exists(
          `${SNAP}/namespaces/data/virtualmachinesnapshots/dry-snap`,
        ),
      ).toBe(false);

      const res = await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/snapshots')
        .send({})
        .expect(201);
      const name = res.body.snapshot.name;
      expect(name).toMatch(/^search-indexer-0-\d{8}-\d{6}$/);
      expect(lastAudit('vm-snapshot')).toMatchObject({ outcome: 'success' });
      const detail = await eventually(
        () =>
          request(server).get('/api/kubevirt/vms/east/data/search-indexer-0'),
        r => r.body.snapshots?.[0]?.readyToUse === true,
      );
      expect(detail.body.snapshots[0]).toMatchObject({
        name,
        phase: 'Succeeded',
        readyToUse: true,
        indications: ['Online', 'GuestAgent'],
      });

      await request(server)
        .post('/api/kubevirt/vms/east/data/search-indexer-0/snapshots')
        .send({ name: 'Not OK' })
        .expect(400);
      // a snapshot of another VM is not reachable through this one
      await request(server)
        .delete(`/api/kubevirt/vms/east/data/etl-runner/snapshots/${name}`)
        .expect(404);
      await request(server)
        .delete(
          `/api/kubevirt/vms/east/data/search-indexer-0/snapshots/${name}`,
        )
        .query({ dryRun: 'true' })
        .expect(202);
      expect(
        await exists(`${SNAP}/namespaces/data/virtualmachinesnapshots/${name}`),
      ).toBe(true);
      await request(server)
        .delete(
          `/api/kubevirt/vms/east/data/search-indexer-0/snapshots/${name}`,
        )
        .expect(202);
      expect(
        await exists(`${SNAP}/namespaces/data/virtualmachinesnapshots/${name}`),
      ).toBe(false);
      expect(lastAudit('vm-snapshot-delete')).toMatchObject({
        outcome: 'success',
        meta: { snapshot: name },
      });
    });

    it('restores a stopped VM, and refuses a running one with 409', async () => {
      const { server } = await start({ east });
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-1/snapshots')
        .send({ name: 'db1-snap' })
        .expect(201);
      await east.settled();
      const running = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-db-1/restores')
        .send({ snapshot: 'db1-snap' })
        .expect(409);
      expect(running.body.error.message).toContain(
        'payments/payments-db-1 on cluster east is running',
      );
      expect(running.body.error.message).toContain('stop it before restoring');
      expect(lastAudit('vm-restore')).toMatchObject({ outcome: 'fail' });

      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/snapshots')
        .send({ name: 'batch-snap' })
        .expect(201);
      await east.settled();
      await eventually(
        () =>
          request(server).get('/api/kubevirt/vms/east/payments/payments-batch'),
        r => r.body.snapshots?.[0]?.readyToUse,
      );
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/restores')
        .send({})
        .expect(400);
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/restores')
        .send({ snapshot: 'db1-snap' })
        .expect(404);
      await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/restores')
        .send({ snapshot: 'batch-snap', name: 'dry-restore', dryRun: true })
        .expect(201);
      expect(
        await exists(
          `${SNAP}/namespaces/payments/virtualmachinerestores/dry-restore`,
        ),
      ).toBe(false);
      const res = await request(server)
        .post('/api/kubevirt/vms/east/payments/payments-batch/restores')
        .send({ snapshot: 'batch-snap' })
        .expect(201);
      expect(res.body.restore.snapshot).toBe('batch-snap');
      const detail = await eventually(
        () =>
          request(server).get('/api/kubevirt/vms/east/payments/payments-batch'),
        r => r.body.restores?.[0]?.complete === true,
      );
      expect(detail.body.restores[0]).toMatchObject({
        name: res.body.restore.name,
        complete: true,
      });
      expect(lastAudit('vm-restore')).toMatchObject({ outcome: 'success' });
    });
  });

  it('clones a VM; a taken name is 409, a bad one 400, dryRun creates nothing', async () => {
    const { server } = await start({ east });
    await request(server)
      .post('/api/kubevirt/vms/east/platform/bastion/clone')
      .send({ targetName: 'bastion-dry', dryRun: true })
      .expect(201);
    expect(
      await count(
        `/apis/clone.kubevirt.io/v1beta1/namespaces/platform/virtualmachineclones`,
      ),
    ).toBe(0);
    const res = await request(server)
      .post('/api/kubevirt/vms/east/platform/bastion/clone')
      .send({ targetName: 'bastion-2' })
      .expect(201);
    expect(res.body.clone).toMatchObject({
      source: 'bastion',
      targetName: 'bastion-2',
    });
    await eventually(
      () => request(server).get('/api/kubevirt/vms/east/platform/bastion-2'),
      r => r.status === 200,
    );
    const taken = await request(server)
      .post('/api/kubevirt/vms/east/platform/bastion/clone')
      .send({ targetName: 'bastion-2' })
      .expect(409);
    expect(taken.body.error.message).toContain(
      'platform/bastion-2 already exists on cluster east',
    );
    await request(server)
      .post('/api/kubevirt/vms/east/platform/bastion/clone')
      .send({ targetName: 'Bastion 3' })
      .expect(400);
    expect(lastAudit('vm-clone')).toMatchObject({ outcome: 'fail' });
  });

  it('hot-plugs a new disk and unplugs it; refuses a non-hotplugged one', async () => {
    const { server } = await start({ east });
    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/volumes')
      .send({ name: 'scratch', size: '10Gi', dryRun: true })
      .expect(202);
    expect(
      await exists(
        `${CDI}/namespaces/orders/datavolumes/orders-worker-1-scratch`,
      ),
    ).toBe(false);
    const res = await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/volumes')
      .send({ name: 'scratch', size: '10Gi' })
      .expect(202);
    expect(res.body).toMatchObject({
      volume: 'scratch',
      dataVolume: 'orders-worker-1-scratch',
    });
    const vm = await admin.request(
      'GET',
      `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
    );
    expect(
      vm.spec.template.spec.volumes.find((v: any) => v.name === 'scratch'),
    ).toEqual({
      name: 'scratch',
      dataVolume: { name: 'orders-worker-1-scratch', hotpluggable: true },
    });
    const detail = await eventually(
      () =>
        request(server).get('/api/kubevirt/vms/east/orders/orders-worker-1'),
      r =>
        r.body.volumes?.some((v: any) => v.name === 'scratch' && v.dataVolume),
    );
    expect(
      detail.body.volumes.find((v: any) => v.name === 'scratch'),
    ).toMatchObject({
      sourceType: 'dataVolume',
      hotplugged: true,
      size: '10Gi',
      device: { type: 'disk', bus: 'scsi' },
    });

    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/volumes')
      .send({ name: 'both', size: '10Gi', pvc: 'x' })
      .expect(400);
    const missing = await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/volumes')
      .send({ name: 'data', pvc: 'no-such-claim' })
      .expect(400);
    expect(missing.body.error.message).toContain(
      'no claim named no-such-claim',
    );
    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/volumes')
      .send({ name: 'scratch', size: '5Gi' })
      .expect(409);

    const fixed = await request(server)
      .delete('/api/kubevirt/vms/east/orders/orders-worker-1/volumes/rootdisk')
      .expect(409);
    expect(fixed.body.error.message).toContain('not hotpluggable');
    await request(server)
      .delete('/api/kubevirt/vms/east/orders/orders-worker-1/volumes/scratch')
      .query({ dryRun: 'true' })
      .expect(202);
    expect(
      (
        await admin.request(
          'GET',
          `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
        )
      ).spec.template.spec.volumes.some((v: any) => v.name === 'scratch'),
    ).toBe(true);
    await request(server)
      .delete('/api/kubevirt/vms/east/orders/orders-worker-1/volumes/scratch')
      .expect(202);
    expect(
      (
        await admin.request(
          'GET',
          `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
        )
      ).spec.template.spec.volumes.some((v: any) => v.name === 'scratch'),
    ).toBe(false);
    expect(
      auditEvents
        .filter(e => e.eventId.startsWith('vm-volume'))
        .map(e => `${e.eventId}:${e.outcome}`),
    ).toEqual(
      expect.arrayContaining([
        'vm-volume-add:success',
        'vm-volume-add:fail',
        'vm-volume-remove:success',
        'vm-volume-remove:fail',
      ]),
    );
  });

  it('offers only the namespaces where the caller may create, and the cluster choices', async () => {
    const permissions = mockServices.permissions.mock({
      authorize: async (queries: any[]) =>
        queries.map(q => ({
          result:
            q.resourceRef === 'east/payments' || q.resourceRef === 'east/data'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
      authorizeConditional: async (queries: any[]) =>
        queries.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as any);
    const { server } = await start({ east }, permissions.factory);
    expect(
      (
        await request(server)
          .get('/api/kubevirt/clusters/east/namespaces')
          .expect(200)
      ).body.items,
    ).toEqual([{ name: 'data' }, { name: 'payments' }]);
    expect(permissions.authorize).toHaveBeenCalledTimes(1);
    await request(server)
      .get('/api/kubevirt/clusters/nowhere/namespaces')
      .expect(404);
    // creating where the caller may not is refused before anything is checked
    await request(server)
      .post('/api/kubevirt/vms')
      .send({ cluster: 'east', namespace: 'orders', name: 'x' })
      .expect(403);

    const types = (
      await request(server)
        .get('/api/kubevirt/clusters/east/instancetypes')
        .expect(200)
    ).body.items;
    expect(types.find((t: any) => t.name === 'u1.small')).toMatchObject({
      scope: 'cluster',
      cpu: 1,
      memory: '2Gi',
      displayName: 'U series small',
    });
    const prefs = (
      await request(server)
        .get('/api/kubevirt/clusters/east/preferences')
        .expect(200)
    ).body.items;
    expect(prefs.map((p: any) => p.name).sort()).toEqual([
      'centos.stream9',
      'fedora',
      'ubuntu',
    ]);
    const images = (
      await request(server)
        .get('/api/kubevirt/clusters/east/goldenimages')
        .expect(200)
    ).body.items;
    expect(images.find((i: any) => i.name === 'fedora')).toMatchObject({
      namespace: 'kubevirt-os-images',
      ready: true,
      os: 'fedora',
      source: { type: 'pvc', name: 'fedora' },
      defaultInstancetype: 'u1.medium',
    });
  });

  it('denies every write before validation or any cluster call, and audits the denial', async () => {
    const { server } = await start(
      { east },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    const before = {
      vms: await count(`${KV}/virtualmachines`),
      snapshots: await count(`${SNAP}/virtualmachinesnapshots`),
      restores: await count(`${SNAP}/virtualmachinerestores`),
      dvs: await count(`${CDI}/datavolumes`),
      migrations: await count(`${KV}/virtualmachineinstancemigrations`),
      worker: (
        await admin.request(
          'GET',
          `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
        )
      ).metadata.resourceVersion,
    };
    const vm = '/api/kubevirt/vms/east/orders/orders-worker-1';
    auditEvents.length = 0;
    const calls = [
      request(server).post('/api/kubevirt/vms').send({
        cluster: 'east',
        namespace: 'orders',
        name: 'denied',
        image: 'invalid',
      }),
      request(server).put(vm).send({ manifest: 'not even an object' }),
      request(server).post(`${vm}/snapshots`).send({ name: 'NOT VALID' }),
      request(server).delete(`${vm}/snapshots/any`),
      request(server).post(`${vm}/restores`).send({ snapshot: 'any' }),
      request(server).post(`${vm}/clone`).send({ targetName: 'denied-clone' }),
      request(server)
        .post(`${vm}/volumes`)
        .send({ name: 'denied', size: '1Gi' }),
      request(server).delete(`${vm}/volumes/rootdisk`),
      request(server).post(`${vm}/cancelMigration`).send({}),
    ];
    for (const call of calls) {
      const res = await call;
      expect([res.status, res.body.error?.name]).toEqual([
        403,
        'NotAllowedError',
      ]);
    }
    expect(auditEvents.map(e => e.outcome)).toEqual(
      Array(calls.length).fill('fail'),
    );
    expect(await count(`${KV}/virtualmachines`)).toBe(before.vms);
    expect(await count(`${SNAP}/virtualmachinesnapshots`)).toBe(
      before.snapshots,
    );
    expect(await count(`${SNAP}/virtualmachinerestores`)).toBe(before.restores);
    expect(await count(`${CDI}/datavolumes`)).toBe(before.dvs);
    expect(await count(`${KV}/virtualmachineinstancemigrations`)).toBe(
      before.migrations,
    );
    expect(
      (
        await admin.request(
          'GET',
          `${KV}/namespaces/orders/virtualmachines/orders-worker-1`,
        )
      ).metadata.resourceVersion,
    ).toBe(before.worker);
    await request(server)
      .get('/api/kubevirt/clusters/east/namespaces')
      .expect(200, { items: [] });
  });
});

describe('a cluster where the broker may list VMs but not pods', () => {
  let sim: Simulator;
  const { start } = brokerHarness();
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await adminClient(sim).request(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'nobody-kubevirt-view' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'kubevirt.io:view',
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
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('is synced, names the kind it cannot see, and still shows VM details', async () => {
    const limited = {
      ...sim,
      tokens: { ...sim.tokens, broker: sim.tokens.none },
    };
    const { server } = await start({ limited });
    const status = (
      await request(server).get('/api/kubevirt/clusters').expect(200)
    ).body.items[0];
    expect(status).toMatchObject({
      name: 'limited',
      state: 'synced',
      unavailableKinds: ['pods'],
    });
    const detail = (
      await request(server)
        .get('/api/kubevirt/vms/limited/payments/payments-db-0')
        .expect(200)
    ).body;
    expect(detail.launcherPods).toEqual([]);
    expect(detail.volumes.length).toBeGreaterThan(0);
  });
});

describe('a slower cluster: imports and migrations in flight', () => {
  let slow: Simulator;
  const { start, auditEvents } = brokerHarness();
  beforeAll(async () => {
    slow = await startSimulator({ port: 0, stageDelayMs: 400 });
  });
  afterAll(async () => {
    await slow.stop();
  });

  it('deletes the migration in flight, and is a 409 when there is none', async () => {
    const { server } = await start({ slow });
    const importing = await eventually(
      () => request(server).get('/api/kubevirt/vms/slow/platform/build-agent'),
      r => parseFloat(r.body.volumes?.[0]?.dataVolume?.progress) > 0,
    );
    expect(importing.body.volumes[0].dataVolume).toMatchObject({
      phase: 'ImportInProgress',
      ready: false,
    });
    const vm = '/api/kubevirt/vms/slow/payments/payments-db-0';
    await eventually(
      () => request(server).get(vm),
      r => r.body.summary?.status === 'Running',
    );
    await request(server)
      .post(`${vm}/cancelMigration`)
      .send({ force: true })
      .expect(400);
    const none = await request(server)
      .post(`${vm}/cancelMigration`)
      .send({})
      .expect(409);
    expect(none.body.error.message).toContain(
      'payments/payments-db-0 on cluster slow has no migration in progress',
    );
    await request(server).post(`${vm}/migrate`).send({}).expect(202);
    const migrating = await eventually(
      () => request(server).get(vm),
      r => r.body.migrations?.some((m: any) => m.active),
    );
    const active = migrating.body.migrations.find((m: any) => m.active);
    await request(server)
      .post(`${vm}/cancelMigration`)
      .send({ dryRun: true })
      .expect(202);
    const admin = adminClient(slow);
    expect(
      (
        await admin.request(
          'GET',
          `${KV}/namespaces/payments/virtualmachineinstancemigrations/${active.name}`,
        )
      ).metadata.deletionTimestamp,
    ).toBeUndefined();
    const res = await request(server)
      .post(`${vm}/cancelMigration`)
      .send({})
      .expect(202);
    expect(res.body).toMatchObject({ accepted: true, migration: active.name });
    const after = await admin
      .request(
        'GET',
        `${KV}/namespaces/payments/virtualmachineinstancemigrations/${active.name}`,
      )
      .catch(e => e.statusCode);
    expect(after === 404 || !!after.metadata?.deletionTimestamp).toBe(true);
    expect(
      auditEvents
        .filter(e => e.eventId === 'vm-migration-cancel')
        .map(e => e.outcome),
    ).toEqual(['fail', 'fail', 'success', 'success']);
  });
});
