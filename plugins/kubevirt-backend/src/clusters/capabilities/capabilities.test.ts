import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import {
  adminClient,
  brokerHarness,
  clusterConfig,
} from '../../__testUtils__/harness';

jest.setTimeout(90_000);

const HOTPLUG_REASON = 'cluster prod-east has no HotplugVolumes feature gate';

/**
 * The broker against simulators started with and without feature gates and
 * optional parts: what GET /clusters reports, what VM details offer, and
 * that an operation the cluster cannot perform is refused before any
 * request reaches it. Gate semantics follow kubevirt
 * pkg/virt-config/featuregate (GA gates are on whatever the CR lists).
 */
describe('cluster capabilities', () => {
  let full: Simulator;
  let prodEast: Simulator;
  let server: any;
  const { start } = brokerHarness();

  beforeAll(async () => {
    [full, prodEast] = await Promise.all([
      startSimulator({ port: 0, stageDelayMs: 0 }),
      startSimulator({
        port: 0,
        stageDelayMs: 0,
        features: {
          featureGates: ['ExpandDisks'],
          vmRolloutStrategy: 'Stage',
          cdi: false,
        },
      }),
    ]);
    await Promise.all([full.settled(), prodEast.settled()]);
    const ca = Buffer.from(full.caCert).toString('base64');
    ({ server } = await start({ full, 'prod-east': prodEast }, undefined, {
      kubevirt: {
        prometheus: { full: { url: full.prometheusUrl, caData: ca } },
        // probes often, so a changed KubeVirt CR shows within the test
        capabilities: { refreshSeconds: 0.3 },
      },
    }));
  });
  afterAll(async () => {
    await Promise.all([full?.stop(), prodEast?.stop()]);
  });

  const clusters = async () => {
    for (let i = 0; i < 100; i++) {
      const items = (await request(server).get('/api/kubevirt/clusters')).body
        .items as any[];
      if (items.every(c => c.capabilities)) return items;
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('capabilities never probed');
  };

  it('reports each cluster’s version, gates and parts on GET /clusters', async () => {
    const byName = Object.fromEntries(
      (await clusters()).map(c => [c.name, c.capabilities]),
    );
    expect(byName.full).toMatchObject({
      kubevirtVersion: 'v1.6.0',
      vmRolloutStrategy: 'LiveUpdate',
      cdi: true,
      instancetypes: true,
      snapshots: true,
      liveMigration: true,
      hotplugVolumes: true,
      expandDisks: true,
      hotplugNics: true,
      cpuMemoryHotplug: true,
      metrics: true,
    });
    expect(byName.full.warnings).toBeUndefined();
    expect(byName['prod-east']).toMatchObject({
      kubevirtVersion: 'v1.6.0',
      featureGates: ['ExpandDisks'],
      vmRolloutStrategy: 'Stage',
      cdi: false,
      instancetypes: true,
      snapshots: false,
      // GA in 1.6 (featuregate/inactive.go), so on although the CR does not list them
      liveMigration: true,
      hotplugNics: true,
      hotplugVolumes: false,
      expandDisks: true,
      cpuMemoryHotplug: false,
      metrics: false,
    });
  });

  it('offers on a VM only what its cluster can perform, saying why', async () => {
    await clusters();
    const east = (
      await request(server)
        .get('/api/kubevirt/vms/prod-east/payments/payments-db-0')
        .expect(200)
    ).body.summary;
    expect(east.allowedOperations).not.toContain('addVolume');
    expect(east.allowedOperations).not.toContain('snapshot');
    expect(east.allowedOperations).toContain('migrate');
    expect(east.allowedOperations).toContain('resizeDisk');
    expect(east.unavailableOperations).toEqual({
      addVolume: HOTPLUG_REASON,
      removeVolume: HOTPLUG_REASON,
      snapshot: 'cluster prod-east has no Snapshot feature gate',
      restore: 'cluster prod-east has no Snapshot feature gate',
      hotplugResources:
        'cluster prod-east does not roll VM changes out live (vmRolloutStrategy is Stage, not LiveUpdate)',
    });
    const onFull = (
      await request(server)
        .get('/api/kubevirt/vms/full/payments/payments-db-0')
        .expect(200)
    ).body.summary;
    expect(onFull.allowedOperations).toEqual(
      expect.arrayContaining(['addVolume', 'snapshot', 'hotplugResources']),
    );
    expect(onFull.unavailableOperations).toBeUndefined();
    // lists carry the same, so menus on list rows gate alike
    const row = (
      await request(server)
        .get('/api/kubevirt/vms?cluster=prod-east&text=payments-db-0')
        .expect(200)
    ).body.items[0];
    expect(row.unavailableOperations.addVolume).toBe(HOTPLUG_REASON);
  });

  it('refuses such an operation with 409 (a gate off: the cluster is configured not to) and the reason before any cluster call', async () => {
    await clusters();
    prodEast.clearReceived();
    const res = await request(server)
      .post('/api/kubevirt/vms/prod-east/payments/payments-db-0/volumes')
      .send({ name: 'scratch', size: '10Gi' })
      .expect(409);
    expect(res.body.error.message).toBe(
      `Cannot addVolume virtual machine payments/payments-db-0: ${HOTPLUG_REASON}`,
    );
    const snap = await request(server)
      .post('/api/kubevirt/vms/prod-east/payments/payments-db-0/snapshots')
      .send({})
      .expect(409);
    expect(snap.body.error.message).toContain(
      'cluster prod-east has no Snapshot feature gate',
    );
    // watches of the caches may run; no write and no DataVolume reached the cluster
    expect(
      prodEast
        .received()
        .filter(r => r.method !== 'GET')
        .map(r => `${r.method} ${r.url}`),
    ).toEqual([]);
  });

  it('follows a changed KubeVirt CR; an unset vmRolloutStrategy is Stage (virt-config.go DefaultVMRolloutStrategy)', async () => {
    await clusters();
    const kv = '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt';
    const patch = (vmRolloutStrategy: string | null) =>
      adminClient(full).request(
        'PATCH',
        kv,
        { spec: { configuration: { vmRolloutStrategy } } },
        'application/merge-patch+json',
      );
    await patch(null);
    try {
      let caps: any;
      for (let i = 0; i < 100; i++) {
        caps = (await clusters()).find(c => c.name === 'full').capabilities;
        if (!caps.cpuMemoryHotplug) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(caps).toMatchObject({
        vmRolloutStrategy: 'Stage',
        cpuMemoryHotplug: false,
      });
      const vm = (
        await request(server)
          .get('/api/kubevirt/vms/full/payments/payments-db-0')
          .expect(200)
      ).body.summary;
      expect(vm.unavailableOperations.hotplugResources).toBe(
        'cluster full does not roll VM changes out live (vmRolloutStrategy is Stage, not LiveUpdate)',
      );
    } finally {
      await patch('LiveUpdate');
    }
  });

  it('assumes nothing missing when the broker may not read the KubeVirt CR, and says so', async () => {
    // the viewer's token lists VMs but not kubevirts.kubevirt.io (kubevirt.io:view)
    const restrictedStart = brokerHarness().start;
    const backend = await restrictedStart({}, undefined, {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                ...clusterConfig('restricted', prodEast),
                serviceAccountToken: prodEast.tokens.viewer,
              },
            ],
          },
        ],
      },
    });
    try {
      let capabilities: any;
      for (let i = 0; i < 100 && !capabilities; i++) {
        capabilities = (
          await request(backend.server).get('/api/kubevirt/clusters')
        ).body.items.find((c: any) => c.name === 'restricted')?.capabilities;
        if (!capabilities) await new Promise(r => setTimeout(r, 50));
      }
      expect(capabilities).toMatchObject({
        hotplugVolumes: true,
        snapshots: true,
        cpuMemoryHotplug: true,
      });
      expect(capabilities.featureGates).toBeUndefined();
      expect(capabilities.warnings).toEqual([
        expect.stringMatching(
          /^cannot read the KubeVirt CR on cluster restricted \(403 .*\): feature gates unknown, none assumed missing$/,
        ),
      ]);
    } finally {
      await backend.stop();
    }
  });
});
