import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterStatus } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../cache/ClusterCache';
import { ClusterConfig } from './ClusterConfig';
import { LocateDeps, locateClusters, UnusableCluster } from './locateClusters';

/**
 * The clusters the broker serves: one watch cache per usable cluster, and
 * the ones it found but cannot use, each reported once in the log and listed
 * with its problem. Located again on `refresh()` (catalog clusters come and
 * go); a cluster already served keeps its cache.
 */
export class ClusterRegistry {
  readonly caches = new Map<string, ClusterCache>();
  private unusable: UnusableCluster[] = [];
  private reported = new Set<string>();
  private started = false;

  constructor(
    private readonly deps: LocateDeps & { logger: LoggerService },
    private readonly cacheOf: (cluster: ClusterConfig) => ClusterCache,
  ) {}

  async refresh(options: { skipCatalog?: boolean } = {}) {
    const { clusters, unusable } = await locateClusters(this.deps, options);
    for (const cluster of clusters) {
      if (this.caches.has(cluster.name)) continue;
      const cache = this.cacheOf(cluster);
      this.caches.set(cluster.name, cache);
      this.deps.logger.info(
        `KubeVirt cluster ${cluster.name}: ${cluster.url} (${
          cluster.auth?.provider ?? 'serviceAccount'
        }${cluster.impersonate ? ', impersonating users' : ''})`,
      );
      if (this.started) cache.start();
    }
    this.unusable = unusable.filter(u => !this.caches.has(u.name));
    for (const u of this.unusable) {
      const key = `${u.name}\n${u.reason}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.deps.logger.error(
        `KubeVirt cluster ${u.name} (${u.locator} locator) cannot be used: ${u.reason}`,
      );
    }
  }

  /** Clusters found but not usable, as the cluster list shows them. */
  unusableStatuses(): ClusterStatus[] {
    return this.unusable.map(u => ({
      name: u.name,
      ...(u.title ? { title: u.title } : {}),
      state: 'not-synced',
      problem: u.reason,
    }));
  }

  start() {
    this.started = true;
    for (const cache of this.caches.values()) cache.start();
  }

  stop() {
    this.started = false;
    for (const cache of this.caches.values()) cache.stop();
  }
}
