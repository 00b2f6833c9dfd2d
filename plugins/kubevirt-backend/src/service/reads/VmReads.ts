import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ClusterStatus,
  VmDetail,
  VmListQuery,
  VmListResponse,
  vmPrintableStatus,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtVmResource } from '@kubevirt-backstage/plugin-kubevirt-node';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath } from '../../clusters/apiPath';
import { VmAccess } from '../access/VmAccess';
import { VmRowAccess } from '../access/VmRowAccess';
import {
  launcherPodInfo,
  migrationInfo,
  restoreInfo,
  snapshotInfo,
  volumesOf,
} from '../details';
import { clusterRead, vmNotInCache } from '../operations/clusterCalls';
import { OwnershipIndex } from '../OwnershipIndex';
import { summarize } from '../summarize';
import { VmRef } from '../VmRef';
import { ClusterReads } from './ClusterReads';
import { parseSelector } from './labelSelector';
import { compareText, firstSorted } from './sortOrder';

// newest first; undated (in progress) before dated
const byTime =
  <T>(at: (item: T) => string | undefined) =>
  (a: T, b: T) =>
    String(at(b) ?? '~').localeCompare(String(at(a) ?? '~'));

/** How long a count of readable VMs per cluster is reused for callers with the same decisions. */
const COUNT_REUSE_MS = 2_000;

function entityName(ref: string) {
  return ref.split('/').pop()!;
}

/**
 * What callers may read: the VM list (filtered, sorted, with each row's
 * allowed operations), one VM's details, each cluster's state, and the
 * namespaces where the caller may create VMs. Reads come from the watch
 * caches, and only what the caller may read is shown or counted.
 */
export class VmReads {
  private readonly readableCounts = new Map<
    string,
    { at: number; size: number; count: number }
  >();

  constructor(
    private readonly clusters: Map<string, ClusterCache>,
    private readonly access: VmAccess,
    private readonly ownership: OwnershipIndex,
    private readonly clusterReads: ClusterReads,
    private readonly logger: LoggerService,
    /** Clusters found but not usable (bad config, credentials), each with its problem. */
    private readonly unusable: () => ClusterStatus[] = () => [],
  ) {}

  /** Each cluster's state, counting only the VMs the caller may read (none for a caller who may read none). */
  async clusterStatuses(credentials: BackstageCredentials) {
    const access = await this.access.rowAccess(credentials);
    const statuses = [];
    for (const cache of this.clusters.values()) {
      const { vmCount, ...status } = this.access.statusOf(cache);
      if (access.readsNothing || vmCount === undefined) {
        statuses.push(status);
        continue;
      }
      if (access.readsAll) {
        statuses.push({ ...status, vmCount });
        continue;
      }
      statuses.push({ ...status, vmCount: this.readableCount(cache, access) });
    }
    return [...statuses, ...this.unusable()];
  }

  /**
   * How many of a cluster's VMs a caller with conditions on read may see: a
   * pass over every VM (100,000 at scale), which the entity tab asks for on
   * every mount, so it is kept for `COUNT_REUSE_MS` for callers with the same
   * decisions (a count follows from the decisions, the VMs and their owners
   * alone) while the cluster holds as many VMs.
   */
  private readableCount(cache: ClusterCache, access: VmRowAccess) {
    const key = `${cache.name}\n${access.decisionsKey}`;
    const now = Date.now();
    const known = this.readableCounts.get(key);
    if (
      known &&
      now - known.at < COUNT_REUSE_MS &&
      known.size === cache.vms.size
    )
      return known.count;
    let count = 0;
    for (const vm of cache.vms.all())
      if (access.canRead(access.resourceOf(cache.name, vm))) count++;
    if (this.readableCounts.size >= 1000) this.readableCounts.clear();
    this.readableCounts.set(key, { at: now, size: cache.vms.size, count });
    return count;
  }

  async list(
    query: VmListQuery,
    credentials: BackstageCredentials,
  ): Promise<VmListResponse> {
    const access = await this.access.rowAccess(credentials);
    const clusterStatuses = [
      ...[...this.clusters.values()].map(c => this.access.statusOf(c)),
      ...this.unusable(),
    ].filter(c => !query.cluster || c.name === query.cluster);
    if (access.readsNothing) {
      // no VM rights at all: nothing to show, and nothing about how much is hidden
      return {
        items: [],
        totalItems: 0,
        clusters: clusterStatuses.map(({ vmCount, ...s }) => s),
      };
    }
    const kubernetesId =
      query.kubernetesId ??
      (query.entity
        ? (await this.ownership.kubernetesIdOf(query.entity)) ??
          entityName(query.entity)
        : undefined);
    const text = query.text?.toLowerCase();
    const statuses = query.status?.length
      ? new Set(query.status.map(s => s.toLowerCase()))
      : undefined;
    const selector = query.labelSelector
      ? parseSelector(query.labelSelector)
      : undefined;
    const key = query.sort ?? 'name';
    const dir = query.order === 'desc' ? -1 : 1;
    // a row is summarized only when a filter or the sort needs it, else only on the page returned;
    // operations are worked out only for the page returned
    const bySummary = !!text || !['name', 'namespace', 'cluster'].includes(key);
    const rows: {
      cache: ClusterCache;
      vm: KubeObject;
      resource: KubevirtVmResource;
      summary?: Omit<VmSummary, 'allowedOperations'>;
    }[] = [];
    for (const cache of this.clusters.values()) {
      if (query.cluster && cache.name !== query.cluster) continue;
      // the narrowest index that answers the query, so a 50-VM question costs 50 VMs at any cache size
      let candidates: Iterable<KubeObject>;
      if (kubernetesId)
        candidates = cache.vms.withLabel(
          'backstage.io/kubernetes-id',
          kubernetesId,
        );
      else if (selector?.equality)
        candidates = cache.vms.withLabel(
          selector.equality[0],
          selector.equality[1],
        );
      else if (query.namespace)
        candidates = cache.vms.inNamespace(query.namespace);
      else candidates = cache.vms.all();
      for (const vm of candidates) {
        if (query.namespace && vm.metadata.namespace !== query.namespace)
          continue;
        if (selector && !selector.matches(vm.metadata.labels ?? {})) continue;
        const resource = access.resourceOf(cache.name, vm);
        if (!access.canRead(resource)) continue;
        if (statuses && !statuses.has(vmPrintableStatus(vm).toLowerCase()))
          continue;
        if (!bySummary) {
          rows.push({ cache, vm, resource });
          continue;
        }
        const summary = summarize(
          cache.name,
          vm,
          cache.vmis.get(vm.metadata.namespace, vm.metadata.name),
        );
        if (
          text &&
          ![
            summary.name,
            summary.namespace,
            summary.os ?? '',
            summary.node ?? '',
            ...summary.ipAddresses,
          ].some(f => f.toLowerCase().includes(text))
        )
          continue;
        rows.push({ cache, vm, resource, summary });
      }
    }
    // the summary's name, namespace and cluster are the VM's and its cache's
    const sortKey = (row: (typeof rows)[number]): string => {
      if (row.summary) return String(row.summary[key] ?? '');
      if (key === 'namespace') return row.resource.namespace;
      if (key === 'cluster') return row.resource.cluster;
      return row.resource.name;
    };
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 500;
    const page = firstSorted(
      rows,
      offset + limit,
      (a, b) =>
        dir *
        (compareText(sortKey(a), sortKey(b)) ||
          compareText(a.resource.name, b.resource.name)),
    ).slice(offset);
    return {
      items: page.map(({ cache, vm, resource, summary }) => ({
        ...(summary ??
          summarize(
            cache.name,
            vm,
            cache.vmis.get(vm.metadata.namespace, vm.metadata.name),
          )),
        ...access.operationsOn(resource),
      })),
      totalItems: rows.length,
      // per-cluster counts only of what the caller may see
      clusters: clusterStatuses.map(s => ({
        ...s,
        vmCount:
          s.vmCount === undefined
            ? undefined
            : rows.filter(r => r.resource.cluster === s.name).length,
      })),
    };
  }

  /** A row as lists show it, with the caller's operations on it. */
  async summaryOf(
    cluster: string,
    vm: KubeObject,
    credentials: BackstageCredentials,
  ): Promise<VmSummary> {
    const decisions = await this.access.decisions(credentials);
    const vmi = this.clusters
      .get(cluster)
      ?.vmis.get(vm.metadata.namespace, vm.metadata.name);
    return {
      ...summarize(cluster, vm, vmi),
      ...this.access.operationsOn(
        decisions,
        await this.access.toResource(cluster, vm),
      ),
    };
  }

  async get(ref: VmRef, credentials: BackstageCredentials): Promise<VmDetail> {
    await this.access.authorize(ref, 'read', credentials);
    const cache = this.access.mustCluster(ref);
    const vm = cache.vms.get(ref.namespace, ref.name);
    if (!vm) throw vmNotInCache(cache, ref);
    const vmi = cache.vmis.get(ref.namespace, ref.name);
    const decisions = await this.access.decisions(credentials);
    const launcherPods = cache.ofVm(
      cache.launcherPods,
      ref.namespace,
      ref.name,
    );
    let events: VmDetail['events'] = [];
    try {
      // the VM's and instance's events share its name; its launcher pods' events are asked for by pod name
      const names = [ref.name, ...launcherPods.map(p => p.metadata.name)];
      const lists = await Promise.all(
        names.map(n =>
          cache.client.request<{ items: any[] }>(
            'GET',
            apiPath(
              {
                ...apiGroups.core,
                namespace: ref.namespace,
                resource: 'events',
              },
              { fieldSelector: `involvedObject.name=${n}` },
            ),
          ),
        ),
      );
      events = lists
        .flatMap(list => list.items)
        .filter(e =>
          ['VirtualMachine', 'VirtualMachineInstance', 'Pod'].includes(
            e.involvedObject?.kind,
          ),
        )
        .map(e => ({
          type: e.type,
          reason: e.reason,
          message: e.message,
          lastTimestamp: e.lastTimestamp,
          count: e.count,
          involvedObject: {
            kind: e.involvedObject.kind,
            name: e.involvedObject.name,
          },
        }))
        .sort((a, b) =>
          String(b.lastTimestamp).localeCompare(String(a.lastTimestamp)),
        );
    } catch (error) {
      this.logger.warn(
        `Events of ${ref.namespace}/${ref.name} on ${ref.cluster} unavailable: ${error}`,
      );
    }
    return {
      summary: {
        ...summarize(ref.cluster, vm, vmi),
        ...this.access.operationsOn(
          decisions,
          await this.access.toResource(ref.cluster, vm),
        ),
      },
      vm,
      vmi,
      events,
      launcherPods: launcherPods.map(launcherPodInfo),
      snapshots: cache
        .ofVm(cache.snapshots, ref.namespace, ref.name)
        .map(snapshotInfo)
        .sort(byTime(s => s.creationTime)),
      restores: cache
        .ofVm(cache.restores, ref.namespace, ref.name)
        .map(restoreInfo)
        .sort(byTime(r => r.restoreTime)),
      migrations: cache
        .ofVm(cache.migrations, ref.namespace, ref.name)
        .map(m => migrationInfo(m, vmi))
        .sort(byTime(m => m.created)),
      volumes: volumesOf(vm, vmi, dv =>
        cache.dataVolumes.get(ref.namespace, dv),
      ),
    };
  }

  /** Namespaces of a cluster where the caller may create VMs. */
  async creatableNamespaces(
    cluster: string,
    credentials: BackstageCredentials,
  ) {
    const cache = this.access.mustCluster({ cluster });
    const all = await clusterRead(
      cluster,
      () => this.clusterReads.namespaces(cache),
      'Listing namespaces',
    );
    return (
      await this.access.creatableNamespaces(cluster, all, credentials)
    ).map(name => ({ name }));
  }

  /** The instancetypes a new VM in `namespace` may use (cluster-wide and the namespace's own): a form picker. */
  async instancetypes(cluster: string, namespace?: string) {
    const cache = this.access.mustCluster({ cluster });
    return clusterRead(
      cluster,
      () => this.clusterReads.instancetypes(cache, namespace),
      'Listing instancetypes',
    );
  }

  /** The preferences a new VM in `namespace` may use: a form picker. */
  async preferences(cluster: string, namespace?: string) {
    const cache = this.access.mustCluster({ cluster });
    return clusterRead(
      cluster,
      () => this.clusterReads.preferences(cache, namespace),
      'Listing preferences',
    );
  }

  /** The golden images (DataSources) a new VM may boot from: a form picker. */
  async goldenImages(cluster: string) {
    const cache = this.access.mustCluster({ cluster });
    return clusterRead(
      cluster,
      () => this.clusterReads.goldenImages(cache),
      'Listing golden images',
    );
  }
}
