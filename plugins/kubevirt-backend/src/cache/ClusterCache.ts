import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterStatus,
  KUBERNETES_ID_LABEL,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ApiPath, apiGroups, apiPath } from '../clusters/apiPath';
import { ClusterClient } from '../clusters/ClusterClient';
import { CacheChange, KubeObject, ResourceCache } from './ResourceCache';

export type RelatedKind =
  | 'VirtualMachineInstanceMigration'
  | 'VirtualMachineSnapshot'
  | 'VirtualMachineRestore'
  | 'DataVolume'
  | 'Pod';

/**
 * A change of a VM or its instance. A change of something that belongs to a
 * VM (its snapshot, restore, migration, DataVolume or launcher pod) arrives as
 * a MODIFIED of that VM with `related` naming what changed, so whoever shows
 * the VM knows to refresh it.
 */
export type ClusterChange = CacheChange & {
  cluster: string;
  kind: 'VirtualMachine' | 'VirtualMachineInstance';
  related?: { kind: RelatedKind; name: string; type: CacheChange['type'] };
};

/** The index every VM-related cache has: `<namespace>/<vm name>`. */
const BY_VM = 'vm';

const vmKey = (namespace: string | undefined, vm: string | undefined) =>
  vm ? `${namespace ?? ''}/${vm}` : undefined;

/** Where each related kind says which VM it belongs to. */
const vmNameOf: Record<RelatedKind, (obj: KubeObject) => string | undefined> = {
  VirtualMachineInstanceMigration: o => o.spec?.vmiName,
  VirtualMachineSnapshot: o =>
    (o.spec?.source?.kind ?? 'VirtualMachine') === 'VirtualMachine'
      ? o.spec?.source?.name
      : undefined,
  VirtualMachineRestore: o => o.spec?.target?.name,
  // DataVolumes are found by the name a volume names; the owner is a hint for templates
  DataVolume: o =>
    (
      o.metadata.ownerReferences as { kind: string; name: string }[] | undefined
    )?.find(r => r.kind === 'VirtualMachine')?.name,
  Pod: o => o.metadata.labels?.['vm.kubevirt.io/name'],
};

const { core, kubevirt, snapshot, cdi } = apiGroups;

const relatedPaths: Record<RelatedKind, ApiPath> = {
  VirtualMachineInstanceMigration: apiPath({
    ...kubevirt,
    resource: 'virtualmachineinstancemigrations',
  }),
  VirtualMachineSnapshot: apiPath({
    ...snapshot,
    resource: 'virtualmachinesnapshots',
  }),
  VirtualMachineRestore: apiPath({
    ...snapshot,
    resource: 'virtualmachinerestores',
  }),
  DataVolume: apiPath({ ...cdi, resource: 'datavolumes' }),
  // only virt-launcher pods: a cluster's other pods are none of the broker's business
  Pod: apiPath(
    { ...core, resource: 'pods' },
    { labelSelector: 'kubevirt.io=virt-launcher' },
  ),
};

/** The watch caches of one cluster: its VMs, their instances and what belongs to them. */
export class ClusterCache {
  readonly vms: ResourceCache;
  readonly vmis: ResourceCache;
  readonly migrations: ResourceCache;
  readonly snapshots: ResourceCache;
  readonly restores: ResourceCache;
  readonly dataVolumes: ResourceCache;
  readonly launcherPods: ResourceCache;

  constructor(
    readonly client: ClusterClient,
    logger: LoggerService,
    onChange: (change: ClusterChange) => void,
  ) {
    const cluster = client.cluster.name;
    this.vms = new ResourceCache(
      client,
      apiPath({ ...kubevirt, resource: 'virtualmachines' }),
      logger,
      c => onChange({ ...c, cluster, kind: 'VirtualMachine' }),
      [KUBERNETES_ID_LABEL],
    );
    this.vmis = new ResourceCache(
      client,
      apiPath({ ...kubevirt, resource: 'virtualmachineinstances' }),
      logger,
      c => onChange({ ...c, cluster, kind: 'VirtualMachineInstance' }),
    );
    const related = (kind: RelatedKind) => {
      const cache = new ResourceCache(
        client,
        relatedPaths[kind],
        logger,
        change => {
          const vmName = vmNameOf[kind](change.object);
          const vm =
            vmName && this.vms.get(change.object.metadata.namespace, vmName);
          if (vm)
            onChange({
              type: 'MODIFIED',
              object: vm,
              cluster,
              kind: 'VirtualMachine',
              related: {
                kind,
                name: change.object.metadata.name,
                type: change.type,
              },
            });
        },
        [],
        undefined,
        { [BY_VM]: o => vmKey(o.metadata.namespace, vmNameOf[kind](o)) },
      );
      cache.optional = true;
      return cache;
    };
    this.migrations = related('VirtualMachineInstanceMigration');
    this.snapshots = related('VirtualMachineSnapshot');
    this.restores = related('VirtualMachineRestore');
    this.dataVolumes = related('DataVolume');
    this.launcherPods = related('Pod');
    // one cache hearing from the cluster again is news for all of them: none waits out its backoff
    for (const cache of this.caches)
      cache.onClusterAnswers = () => {
        for (const other of this.caches) if (other !== cache) other.retryNow();
      };
  }

  get name() {
    return this.client.cluster.name;
  }

  private get caches() {
    return [
      this.vms,
      this.vmis,
      this.migrations,
      this.snapshots,
      this.restores,
      this.dataVolumes,
      this.launcherPods,
    ];
  }

  /** What belongs to one VM in one of the related caches. */
  ofVm(cache: ResourceCache, namespace: string, name: string) {
    return cache.indexed(BY_VM, `${namespace}/${name}`);
  }

  start() {
    for (const cache of this.caches) cache.start();
  }

  stop() {
    for (const cache of this.caches) cache.stop();
  }

  /**
   * Why the broker cannot tell whether a VM that is not in its cache exists:
   * it has not listed the cluster's VMs (no rights, no answer) or lost their
   * watch since; undefined while the VM cache is current.
   */
  vmLookupUnavailable(): string | undefined {
    const { synced, staleSince, lastError } = this.vms;
    if (synced && !staleSince) return undefined;
    const state = synced
      ? `stale since ${staleSince!.toISOString()}`
      : 'not synced';
    return `cluster ${this.name} is ${state}${
      lastError ? ` (${lastError})` : ''
    }`;
  }

  /**
   * Synced only when every cache has listed; stale since the first of them lost
   * its watch. A related kind the cluster does not serve (no CDI, no snapshot
   * API) or the broker may not list does not hold the cluster back: it is named
   * in `unavailableKinds`. Without VMs or instances the cluster is not synced.
   */
  status(): ClusterStatus {
    const caches = this.caches.filter(c => !c.notServed);
    const notServed = this.caches
      .filter(c => c.notServed)
      .map(c => c.kindPath.split('?')[0].split('/').pop()!);
    const synced = caches.every(c => c.synced);
    const stale = caches.map(c => c.staleSince).filter(Boolean) as Date[];
    let state: ClusterStatus['state'] = 'synced';
    if (!synced) state = 'not-synced';
    else if (stale.length) state = 'stale';
    const failing = caches.find(c => c.lastError);
    return {
      name: this.name,
      title: this.client.cluster.title,
      state,
      ...(stale.length
        ? {
            staleSince: new Date(
              Math.min(...stale.map(d => d.getTime())),
            ).toISOString(),
          }
        : {}),
      ...(failing ? { error: failing.lastError } : {}),
      ...(notServed.length ? { unavailableKinds: notServed } : {}),
      ...(synced ? { vmCount: this.vms.size } : {}),
    };
  }
}
