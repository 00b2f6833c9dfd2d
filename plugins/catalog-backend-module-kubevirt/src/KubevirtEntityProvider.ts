import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  ClusterStatus,
  KUBEVIRT_VM_EVENTS_TOPIC,
  KubevirtApiClient,
  VM_CLUSTER_ANNOTATION,
  VM_ENTITY_TYPE,
  VM_LOCATION_TYPE,
  VmChangeEvent,
  vmEntityRef,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtService } from '@kubevirt-backstage/plugin-kubevirt-node';
import { ComponentIndex } from './ComponentIndex';
import { KubevirtProviderConfig } from './config';
import { vmToEntity } from './vmToEntity';

export interface KubevirtEntityProviderOptions {
  config: KubevirtProviderConfig;
  kubevirt: KubevirtService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
  events: EventsService;
  /** Changes gathered before a delta is applied. */
  deltaDelayMs?: number;
  /** Above this many changed VMs in one batch (a cluster's initial list, a re-list) a full mutation is cheaper. */
  maxDeltaSize?: number;
  /** First delay before a full mutation is retried while a cluster is not synced; doubles up to 2 minutes. */
  unsyncedRetryMs?: number;
}

type VmRef = { cluster: string; namespace: string; name: string };
/** Per cluster: entity ref → the entity last applied. */
type Emitted = Map<string, Map<string, Entity>>;

const keyOf = (ref: VmRef) => `${ref.cluster}/${ref.namespace}/${ref.name}`;
const locationKey = (cluster: string) => `${VM_LOCATION_TYPE}:${cluster}`;

// the processed entity back into what a provider emits
function unprocessed(entity: Entity): Entity {
  const {
    relations: _r,
    status: _s,
    ...rest
  } = entity as Entity & { status?: unknown };
  const { uid: _u, etag: _e, ...metadata } = rest.metadata;
  return { ...rest, metadata };
}

/**
 * KubeVirt VMs as `Resource` entities of type `virtual-machine`, read from
 * the broker with the catalog's own service credentials.
 *
 * Deltas follow the broker's `kubevirt.vm` events; a scheduled full mutation
 * is the safety net. A cluster the broker does not report as `synced` keeps
 * the entities it had (from memory, or after a restart from the catalog), so
 * an outage never empties the catalog; a deleted VM loses its entity.
 */
export class KubevirtEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly components: ComponentIndex;
  private emitted: Emitted = new Map();
  /** Clusters whose entities in `emitted` are all of them (a full mutation listed them), not just deltas. */
  private complete = new Set<string>();
  /** The component index the last full mutation used. */
  private componentsAtFull = '';
  /** Mutations run one at a time, so an older full never overwrites a newer delta. */
  private queue: Promise<void> = Promise.resolve();
  private fullQueued = false;
  private pending = new Map<string, VmChangeEvent>();
  private flushTimer?: NodeJS.Timeout;
  private readonly deltaDelayMs: number;
  private readonly maxDeltaSize: number;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs: number;
  private stopped = false;

  constructor(private readonly options: KubevirtEntityProviderOptions) {
    this.components = new ComponentIndex(
      options.catalog,
      options.auth,
      options.logger,
    );
    this.deltaDelayMs = options.deltaDelayMs ?? 250;
    this.maxDeltaSize = options.maxDeltaSize ?? 200;
    this.retryDelayMs = options.unsyncedRetryMs ?? 5000;
  }

  getProviderName() {
    return 'kubevirt-vm-provider';
  }

  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
    const { config, scheduler, events, logger } = this.options;
    if (!config.enabled) {
      // disabled: withdraw whatever an earlier run emitted
      await connection.applyMutation({ type: 'full', entities: [] });
      logger.info(
        'KubeVirt VM entities are disabled (catalog.providers.kubevirt.enabled: false)',
      );
      return;
    }
    await events.subscribe({
      id: this.getProviderName(),
      topics: [KUBEVIRT_VM_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) =>
        this.onChange(eventPayload as VmChangeEvent),
    });
    // the broker's first list may have been announced before this subscription:
    // one full mutation now, so VMs never wait for the first scheduled run
    this.full().catch(error =>
      logger.error(`KubeVirt VM full mutation failed: ${error}`),
    );
    await scheduler.scheduleTask({
      id: `${this.getProviderName()}:full-mutation`,
      ...config.schedule,
      fn: () => this.full(),
    });
    // components come and go (or are not processed yet at startup): when the
    // owners, systems or kubernetes-ids change, VM entities are recomputed
    await scheduler.scheduleTask({
      id: `${this.getProviderName()}:components`,
      scope: 'local',
      frequency: { seconds: 30 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 20 },
      fn: async () => {
        await this.components.refresh({ force: true });
        if (
          this.complete.size &&
          this.components.version !== this.componentsAtFull
        ) {
          logger.info(
            'Components with backstage.io/kubernetes-id changed: recomputing VM entities',
          );
          await this.full();
        }
      },
    });
  }

  /** Stops the timers; the backend is shutting down. */
  stop() {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.retryTimer = undefined;
    this.flushTimer = undefined;
  }

  /** Runs a full mutation (after whatever mutation is in progress). */
  full(): Promise<void> {
    if (this.fullQueued) return this.queue;
    this.fullQueued = true;
    return this.enqueue(async () => {
      this.fullQueued = false;
      await this.fullMutation();
    });
  }

  /** Applies the changes received so far without waiting for the delay; for tests and benchmarks. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (!batch.length) return this.queue;
    if (batch.length > this.maxDeltaSize) return this.full();
    return this.enqueue(() => this.delta(batch));
  }

  private onChange(change: VmChangeEvent) {
    if (!this.connection || this.stopped || !this.wanted(change.cluster))
      return;
    this.pending.set(keyOf(change), change);
    this.flushTimer ??= setTimeout(() => {
      this.flush().catch(error =>
        this.options.logger.error(`KubeVirt VM delta failed: ${error}`),
      );
    }, this.deltaDelayMs);
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private wanted(cluster: string) {
    return (
      !this.options.config.clusters ||
      this.options.config.clusters.includes(cluster)
    );
  }

  private async client(): Promise<KubevirtApiClient> {
    return this.options.kubevirt.forCredentials(
      await this.options.auth.getOwnServiceCredentials(),
    );
  }

  private toEntity(vm: VmSummary) {
    const { config, logger } = this.options;
    return vmToEntity(vm, this.components.componentsOf(vm.kubernetesId), {
      namespaceOwners: config.namespaceOwners,
      defaultOwner: config.defaultOwner,
      appBaseUrl: config.appBaseUrl,
      warn: message => logger.warn(message),
    });
  }

  /** Every VM of one cluster, page by page; `synced` only if the cluster stayed synced on every page. */
  private async listCluster(client: KubevirtApiClient, cluster: string) {
    const { pageSize } = this.options.config;
    const items = new Map<string, VmSummary>();
    let status: ClusterStatus | undefined;
    let synced = true;
    for (let offset = 0; ; offset += pageSize) {
      const page = await client.listVms({
        cluster,
        sort: 'name',
        offset,
        limit: pageSize,
      });
      status = page.clusters.find(c => c.name === cluster);
      if (status?.state !== 'synced') synced = false;
      for (const vm of page.items) items.set(keyOf(vm), vm);
      if (page.items.length < pageSize || offset + pageSize >= page.totalItems)
        break;
    }
    return { items: [...items.values()], status, synced };
  }

  private async lastKnown(cluster: string): Promise<Map<string, Entity>> {
    const remembered = this.emitted.get(cluster) ?? new Map<string, Entity>();
    if (this.complete.has(cluster)) return remembered;
    // after a restart the catalog itself remembers what this provider emitted
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'resource',
          'spec.type': VM_ENTITY_TYPE,
          [`metadata.annotations.${VM_CLUSTER_ANNOTATION}`]: cluster,
          'metadata.annotations.backstage.io/managed-by-location':
            locationKey(cluster),
        },
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    // deltas applied since are newer than what the catalog has processed
    return new Map([
      ...items.map(e => [stringifyEntityRef(e), unprocessed(e)] as const),
      ...remembered,
    ]);
  }

  private async fullMutation() {
    const { logger } = this.options;
    const started = Date.now();
    const client = await this.client();
    let clusters: ClusterStatus[];
    try {
      [{ items: clusters }] = await Promise.all([
        client.listClusters(),
        this.components.refresh({ force: true }),
      ]);
    } catch (error) {
      this.retryWhileUnsynced(['(broker)']);
      throw error;
    }
    this.componentsAtFull = this.components.version;
    const next: Emitted = new Map();
    const unsynced: string[] = [];
    for (const configured of this.options.config.clusters ?? []) {
      if (!clusters.some(c => c.name === configured)) {
        logger.warn(
          `KubeVirt cluster ${configured} in catalog.providers.kubevirt.clusters is unknown to the broker; it has no VM entities`,
        );
      }
    }
    for (const { name: cluster } of clusters.filter(c => this.wanted(c.name))) {
      let listed:
        | Awaited<ReturnType<KubevirtEntityProvider['listCluster']>>
        | undefined;
      try {
        listed = await this.listCluster(client, cluster);
      } catch (error) {
        logger.warn(
          `Could not list the VMs of cluster ${cluster} from the broker: ${error}`,
        );
      }
      if (listed?.synced) {
        next.set(
          cluster,
          new Map(
            listed.items.map(vm => {
              const entity = this.toEntity(vm);
              return [stringifyEntityRef(entity), entity];
            }),
          ),
        );
        continue;
      }
      unsynced.push(cluster);
      const kept = await this.lastKnown(cluster);
      const state = listed?.status
        ? `${listed.status.state}${
            listed.status.error ? ` (${listed.status.error})` : ''
          }`
        : 'unreachable';
      if (kept.size || !listed) {
        logger.info(
          `KubeVirt cluster ${cluster} is ${state}: keeping its ${kept.size} last known VM entities`,
        );
        next.set(cluster, kept);
      } else {
        // nothing known yet: what the broker has so far beats nothing
        next.set(
          cluster,
          new Map(
            listed.items.map(vm => {
              const entity = this.toEntity(vm);
              return [stringifyEntityRef(entity), entity];
            }),
          ),
        );
      }
    }
    this.retryWhileUnsynced(unsynced);
    const entities: DeferredEntity[] = [];
    for (const [cluster, byRef] of next) {
      for (const entity of byRef.values())
        entities.push({ entity, locationKey: locationKey(cluster) });
    }
    await this.connection!.applyMutation({ type: 'full', entities });
    this.emitted = next;
    this.complete = new Set(next.keys());
    logger.info(
      `KubeVirt full mutation: ${entities.length} VM entities from ${
        next.size
      } clusters in ${Date.now() - started} ms`,
    );
  }

  /**
   * A cache that finishes its first list announces its VMs, but a cluster
   * whose other caches finish later becomes synced without a word: retry the
   * full mutation, backing off, until every cluster is synced.
   */
  private retryWhileUnsynced(unsynced: string[]) {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!unsynced.length || this.stopped) {
      this.retryDelayMs = this.options.unsyncedRetryMs ?? 5000;
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.full().catch(error =>
        this.options.logger.error(`KubeVirt VM full mutation failed: ${error}`),
      );
    }, this.retryDelayMs);
    this.retryTimer.unref?.();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 120_000);
  }

  private async delta(batch: VmChangeEvent[]) {
    const { logger } = this.options;
    const client = await this.client();
    await this.components.refresh();
    const added: { cluster: string; entity: Entity }[] = [];
    const removed: { cluster: string; entityRef: string }[] = [];
    const work = [...batch];
    const fetchOne = async (change: VmChangeEvent) => {
      const ref = vmEntityRef(change);
      const known = this.emitted.get(change.cluster);
      if (change.type !== 'deleted') {
        try {
          const { summary } = await client.getVm(change);
          const entity = this.toEntity(summary);
          if (JSON.stringify(known?.get(ref)) === JSON.stringify(entity))
            return;
          added.push({ cluster: change.cluster, entity });
          return;
        } catch (error) {
          if (
            !(error instanceof ResponseError && error.response.status === 404)
          ) {
            // the scheduled full mutation repairs what a failed fetch missed
            logger.warn(
              `Could not read VM ${change.namespace}/${change.name} on cluster ${change.cluster} for the catalog: ${error}`,
            );
            return;
          }
        }
      }
      removed.push({ cluster: change.cluster, entityRef: ref });
    };
    // a few reads at a time; the broker answers from its cache
    await Promise.all(
      Array.from({ length: Math.min(8, work.length) }, async () => {
        for (let change = work.shift(); change; change = work.shift())
          await fetchOne(change);
      }),
    );
    if (!added.length && !removed.length) return;
    await this.connection!.applyMutation({
      type: 'delta',
      added: added.map(({ cluster, entity }) => ({
        entity,
        locationKey: locationKey(cluster),
      })),
      removed: removed.map(({ cluster, entityRef }) => ({
        entityRef,
        locationKey: locationKey(cluster),
      })),
    });
    for (const { cluster, entity } of added) {
      if (!this.emitted.has(cluster)) this.emitted.set(cluster, new Map());
      this.emitted.get(cluster)!.set(stringifyEntityRef(entity), entity);
    }
    for (const { cluster, entityRef } of removed)
      this.emitted.get(cluster)?.delete(entityRef);
    logger.debug(
      `KubeVirt delta: ${added.length} VM entities added or changed, ${removed.length} removed`,
    );
  }
}
