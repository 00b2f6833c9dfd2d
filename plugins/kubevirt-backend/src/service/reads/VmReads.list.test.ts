import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { VmListQuery } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { VmAccess } from '../access/VmAccess';
import { OwnershipIndex } from '../OwnershipIndex';
import { summarize } from '../summarize';
import { ClusterReads } from './ClusterReads';
import { VmReads } from './VmReads';

/** A cache as lists read it: VMs by label and namespace, instances by name. */
function fakeCluster(name: string, vms: KubeObject[], vmis: KubeObject[]) {
  const byName = (objs: KubeObject[]) =>
    new Map(objs.map(o => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  const vmiMap = byName(vmis);
  return {
    name,
    status: () => ({ name, state: 'synced', vmCount: vms.length }),
    vms: {
      all: () => vms.values(),
      withLabel: (label: string, value: string) =>
        vms.filter(v => v.metadata.labels?.[label] === value),
      inNamespace: (ns: string) => vms.filter(v => v.metadata.namespace === ns),
    },
    vmis: {
      get: (ns: string | undefined, n: string) => vmiMap.get(`${ns}/${n}`),
    },
  } as unknown as ClusterCache;
}

const statuses = ['Stopped', 'Running', 'Paused'];
const vm = (i: number): KubeObject => ({
  metadata: {
    // names with case and digits, so the collator's order is not the code-point order
    name: `${i % 3 ? 'vm' : 'VM'}-${(i * 7) % 23}-${i}`,
    namespace: ['payments', 'orders', 'Data'][i % 3],
    labels: { 'backstage.io/kubernetes-id': `svc-${i % 2}`, group: 'g' },
    annotations: { 'vm.kubevirt.io/os': ['fedora', 'ubuntu'][i % 2] },
    creationTimestamp: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  },
  spec: { runStrategy: statuses[i % 3] === 'Stopped' ? 'Halted' : 'Always' },
  status: {
    printableStatus: statuses[i % 3],
    ready: statuses[i % 3] === 'Running',
  },
});
const vmiOf = (v: KubeObject): KubeObject => ({
  metadata: { name: v.metadata.name, namespace: v.metadata.namespace },
  status: {
    nodeName: `node-${v.metadata.name.length % 3}`,
    interfaces: [{ ipAddress: `10.0.0.${v.metadata.name.length}` }],
  },
});

describe('VmReads.list', () => {
  const east = Array.from({ length: 40 }, (_, i) => vm(i));
  const west = Array.from({ length: 30 }, (_, i) => vm(100 + i));
  const clusters = new Map([
    [
      'east',
      fakeCluster('east', east, east.filter((_, i) => i % 3 === 1).map(vmiOf)),
    ],
    ['west', fakeCluster('west', west, west.map(vmiOf))],
  ]);
  const ownership = new OwnershipIndex(
    { getEntities: async () => ({ items: [] }) } as any,
    mockServices.auth(),
    mockServices.logger.mock(),
  );
  const access = new VmAccess(
    clusters,
    ownership,
    mockServices.permissions({ result: AuthorizeResult.ALLOW }),
  );
  access.setRuleset({ getRuleByName: () => undefined } as any);
  const reads = new VmReads(
    clusters,
    access,
    ownership,
    new ClusterReads(),
    mockServices.logger.mock(),
  );

  /** What the list must answer: every matching VM summarized, sorted with localeCompare, then paged. */
  function expected(query: VmListQuery) {
    const rows = [...clusters.values()].flatMap(cache =>
      [...cache.vms.all()]
        .filter(
          v =>
            !query.labelSelector ||
            v.metadata.labels?.['backstage.io/kubernetes-id'] ===
              query.labelSelector.split('=')[1],
        )
        .map(v =>
          summarize(
            cache.name,
            v,
            cache.vmis.get(v.metadata.namespace, v.metadata.name),
          ),
        )
        .filter(
          s =>
            !query.status ||
            query.status
              .map(x => x.toLowerCase())
              .includes(s.status.toLowerCase()),
        )
        .filter(
          s =>
            !query.text ||
            [
              s.name,
              s.namespace,
              s.os ?? '',
              s.node ?? '',
              ...s.ipAddresses,
            ].some(f => f.toLowerCase().includes(query.text!.toLowerCase())),
        ),
    );
    const key = query.sort ?? 'name';
    const dir = query.order === 'desc' ? -1 : 1;
    rows.sort(
      (a, b) =>
        dir *
        (String(a[key] ?? '').localeCompare(String(b[key] ?? '')) ||
          a.name.localeCompare(b.name)),
    );
    const offset = query.offset ?? 0;
    return {
      names: rows
        .slice(offset, offset + (query.limit ?? 500))
        .map(r => `${r.cluster}/${r.namespace}/${r.name}`),
      total: rows.length,
      first: rows[offset],
    };
  }

  it.each<[string, VmListQuery]>([
    ['by name', {}],
    [
      'by name, descending, a middle page',
      { order: 'desc', offset: 7, limit: 9 },
    ],
    ['by namespace', { sort: 'namespace' }],
    ['by cluster, descending', { sort: 'cluster', order: 'desc', limit: 15 }],
    ['by status', { sort: 'status', limit: 20 }],
    ['by creation time, descending', { sort: 'created', order: 'desc' }],
    [
      'filtered by status',
      { status: ['running', 'Paused'], limit: 10, offset: 3 },
    ],
    ['filtered by text', { text: 'FEDORA', sort: 'namespace' }],
    ['filtered by an IP address', { text: '10.0.0.1', sort: 'name' }],
    [
      'of one entity',
      { labelSelector: 'backstage.io/kubernetes-id=svc-1', limit: 20 },
    ],
  ])('answers %s as summarizing every VM first would', async (_, query) => {
    const want = expected(query);
    const res = await reads.list(query, mockCredentials.user());
    expect(res.items.map(r => `${r.cluster}/${r.namespace}/${r.name}`)).toEqual(
      want.names,
    );
    expect(res.totalItems).toBe(want.total);
    // the first row whole, as summarize makes it, with the caller's operations
    const operations = expect.arrayContaining(['read', 'start']);
    expect(res.items[0]).toEqual(
      want.first && { ...want.first, allowedOperations: operations },
    );
  });
});
