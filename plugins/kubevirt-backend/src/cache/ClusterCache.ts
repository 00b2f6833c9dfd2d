import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterStatus, KUBERNETES_ID_LABEL } from '@internal/plugin-kubevirt-common';
import { ClusterClient } from '../clusters/ClusterClient';
import { CacheChange, ResourceCache } from './ResourceCache';

export type ClusterChange = CacheChange & { cluster: string; kind: 'VirtualMachine' | 'VirtualMachineInstance' };

/** The watch caches of one cluster: its VMs and their instances. */
export class ClusterCache {
  readonly vms: ResourceCache;
  readonly vmis: ResourceCache;

  constructor(
    readonly client: ClusterClient,
    logger: LoggerService,
    onChange: (change: ClusterChange) => void,
  ) {
    const cluster = client.cluster.name;
    this.vms = new ResourceCache(client, '/apis/kubevirt.io/v1/virtualmachines', logger, c => onChange({ ...c, cluster, kind: 'VirtualMachine' }), [KUBERNETES_ID_LABEL]);
    this.vmis = new ResourceCache(client, '/apis/kubevirt.io/v1/virtualmachineinstances', logger, c => onChange({ ...c, cluster, kind: 'VirtualMachineInstance' }));
  }

  get name() {
    return this.client.cluster.name;
  }

  start() {
    this.vms.start();
    this.vmis.start();
  }

  stop() {
    this.vms.stop();
    this.vmis.stop();
  }

  status(): ClusterStatus {
    const caches = [this.vms, this.vmis];
    const synced = caches.every(c => c.synced);
    const stale = caches.map(c => c.staleSince).filter(Boolean) as Date[];
    let state: ClusterStatus['state'] = 'synced';
    if (!synced) state = 'not-synced';
    else if (stale.length) state = 'stale';
    return {
      name: this.name,
      title: this.client.cluster.title,
      state,
      ...(stale.length ? { staleSince: new Date(Math.min(...stale.map(d => d.getTime()))).toISOString() } : {}),
      ...(caches.find(c => c.lastError) ? { error: caches.find(c => c.lastError)!.lastError } : {}),
      ...(synced ? { vmCount: this.vms.size } : {}),
    };
  }
}
