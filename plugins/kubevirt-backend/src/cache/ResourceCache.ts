import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiPath } from '../clusters/apiPath';
import {
  ClusterClient,
  KubernetesStatusError,
} from '../clusters/ClusterClient';
import { statusErrorText } from '../clusters/httpJson';

export type KubeObject = {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: any;
};

export type CacheChange = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
};

/** Extra indexes of a cache: name → the keys an object is found under (e.g. its VM's `<namespace>/<name>`). */
export type CacheIndexers = Record<
  string,
  (obj: KubeObject) => string | undefined
>;

const key = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;

/** Label keys indexed on demand are capped, so queries cannot grow the cache's memory without bound. */
const MAX_LABEL_INDEXES = 16;

/**
 * One list + watch of one kind on one cluster, indexed by namespace and by
 * label. It resumes the watch from the last resourceVersion, re-lists on 410
 * Gone, backs off while the cluster does not answer, and says honestly whether
 * it is synced and since when it is stale.
 */
export class ResourceCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly byLabel = new Map<string, Set<string>>();
  private readonly byIndex = new Map<string, Set<string>>();
  /** Label keys with an index: those given, and any a query asked for by equality since. */
  private readonly indexedLabels: Set<string>;
  private resourceVersion?: string;
  private cancelWatch?: () => void;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  /** What the pending retry will run, so a retry can be brought forward. */
  private pending?: () => void;
  private failures = 0;
  /** The last failure was the cluster not answering at all (refused, reset, timed out). */
  private unreachable = false;
  /**
   * Called when the cluster answers this cache again after it did not answer:
   * the cluster is back, so its other caches need not sit out their backoff.
   */
  onClusterAnswers?: () => void;
  synced = false;
  staleSince?: Date;
  lastError?: string;
  /**
   * Set for kinds the broker can do without (snapshots, DataVolumes, pods...):
   * a 404 (not installed) or 403 (not granted) on list then means the feature
   * is absent on that cluster, not that the cluster is down.
   */
  optional = false;
  /** An optional kind the cluster does not serve or the broker may not list. */
  notServed = false;

  constructor(
    private readonly client: ClusterClient,
    private readonly path: ApiPath,
    private readonly logger: LoggerService,
    private readonly notify: (change: CacheChange) => void,
    indexedLabels: string[] = [],
    private readonly backoff = { initialMs: 500, maxMs: 30_000 },
    private readonly indexers: CacheIndexers = {},
  ) {
    this.indexedLabels = new Set(indexedLabels);
  }

  get kindPath() {
    return this.path;
  }

  // a listener's failure must not look like the cluster's
  private onChange(change: CacheChange) {
    try {
      this.notify(change);
    } catch (error) {
      this.logger.error(`VM change listener failed: ${error}`);
    }
  }

  start() {
    this.stopped = false;
    void this.list();
  }

  stop() {
    this.stopped = true;
    this.cancelWatch?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pending = undefined;
  }

  /**
   * Brings forward a retry that waits out a backoff because the cluster did
   * not answer, once the cluster is known to answer again.
   */
  retryNow() {
    if (this.stopped || !this.pending || !this.unreachable) return;
    const next = this.pending;
    clearTimeout(this.retryTimer);
    this.pending = undefined;
    this.failures = 0;
    next();
  }

  get size() {
    return this.objects.size;
  }

  get(namespace: string | undefined, name: string) {
    return this.objects.get(key(namespace, name));
  }

  all(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  inNamespace(namespace: string): KubeObject[] {
    return [...(this.byNamespace.get(namespace) ?? [])].map(
      k => this.objects.get(k)!,
    );
  }

  /**
   * Objects whose label equals value. The first question about a label key
   * builds its index in one pass; from then on it is kept with every change,
   * so a selector such as `app=x` costs what it matches, not the cache's size.
   */
  withLabel(label: string, value: string): KubeObject[] {
    if (
      !this.indexedLabels.has(label) &&
      this.indexedLabels.size >= MAX_LABEL_INDEXES
    ) {
      return [...this.objects.values()].filter(
        o => o.metadata.labels?.[label] === value,
      );
    }
    if (!this.indexedLabels.has(label)) {
      this.indexedLabels.add(label);
      for (const [k, obj] of this.objects) {
        const v = obj.metadata.labels?.[label];
        if (v !== undefined) this.addTo(this.byLabel, `${label}=${v}`, k);
      }
    }
    return [...(this.byLabel.get(`${label}=${value}`) ?? [])].map(
      k => this.objects.get(k)!,
    );
  }

  /** Objects under one value of one of the extra indexes. */
  indexed(index: string, value: string): KubeObject[] {
    return [...(this.byIndex.get(`${index}:${value}`) ?? [])].map(
      k => this.objects.get(k)!,
    );
  }

  private addTo(map: Map<string, Set<string>>, idx: string, k: string) {
    let set = map.get(idx);
    if (!set) map.set(idx, (set = new Set()));
    set.add(k);
  }

  private index(k: string, obj: KubeObject, add: boolean) {
    const touch = (map: Map<string, Set<string>>, idx: string) => {
      const set = map.get(idx);
      if (add) {
        this.addTo(map, idx, k);
      } else if (set) {
        set.delete(k);
        if (!set.size) map.delete(idx);
      }
    };
    touch(this.byNamespace, obj.metadata.namespace ?? '');
    for (const label of this.indexedLabels) {
      const value = obj.metadata.labels?.[label];
      if (value !== undefined) touch(this.byLabel, `${label}=${value}`);
    }
    for (const [name, indexer] of Object.entries(this.indexers)) {
      const value = indexer(obj);
      if (value !== undefined) touch(this.byIndex, `${name}:${value}`);
    }
  }

  private put(obj: KubeObject) {
    // server-side apply bookkeeping is often a third of an object on a real cluster and nothing
    // here reads it; an update sent without it keeps the server's copy
    delete obj.metadata.managedFields;
    const k = key(obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(k);
    if (old) this.index(k, old, false);
    this.objects.set(k, obj);
    this.index(k, obj, true);
    return old;
  }

  private remove(obj: KubeObject) {
    const k = key(obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(k);
    if (old) this.index(k, old, false);
    this.objects.delete(k);
    return old;
  }

  private async list() {
    if (this.stopped) return;
    try {
      const list = await this.client.request<{
        items: KubeObject[];
        metadata: { resourceVersion: string };
      }>('GET', this.path);
      // the first list tells nobody anything new: no one saw these objects before, so no one is notified
      // (100k "added" signals at startup would only flood the signals bus)
      const first = !this.synced;
      const seen = new Set<string>();
      for (const item of list.items) {
        seen.add(key(item.metadata.namespace, item.metadata.name));
        const old = this.put(item);
        if (
          !first &&
          (!old ||
            old.metadata.resourceVersion !== item.metadata.resourceVersion)
        ) {
          this.onChange({ type: old ? 'MODIFIED' : 'ADDED', object: item });
        }
      }
      for (const [k, obj] of [...this.objects]) {
        if (!seen.has(k)) {
          this.remove(obj);
          this.onChange({ type: 'DELETED', object: obj });
        }
      }
      this.resourceVersion = list.metadata.resourceVersion;
      this.markHealthy();
      void this.watch();
    } catch (error) {
      this.notServed =
        this.optional &&
        error instanceof KubernetesStatusError &&
        [403, 404].includes(error.statusCode);
      this.failed(error, () => this.list());
    }
  }

  private async watch() {
    if (this.stopped) return;
    try {
      this.cancelWatch = await this.client.watch(
        this.path,
        {
          resourceVersion: this.resourceVersion ?? '',
          allowWatchBookmarks: 'true',
        },
        {
          onOpen: () => this.markHealthy(),
          onEvent: (type, obj) => {
            if (obj?.metadata?.resourceVersion)
              this.resourceVersion = obj.metadata.resourceVersion;
            if (type === 'DELETED') {
              if (this.remove(obj))
                this.onChange({ type: 'DELETED', object: obj });
            } else if (type === 'ADDED' || type === 'MODIFIED') {
              this.put(obj);
              this.onChange({ type, object: obj });
            }
          },
          onDone: err => {
            this.cancelWatch = undefined;
            if (this.stopped) return;
            if (
              err instanceof KubernetesStatusError &&
              err.statusCode === 410
            ) {
              // history no longer reaches back: start over from a fresh list
              this.resourceVersion = undefined;
              void this.list();
            } else if (err) {
              this.failed(err, () => this.watch());
            } else {
              // the server ended the watch (a timeout): resume where we were
              void this.watch();
            }
          },
        },
      );
    } catch (error) {
      this.failed(error, () => this.list());
    }
  }

  /**
   * One failed list or watch, and when to try again. An answer that says
   * when (429 "storage is (re)initializing", a 503 with Retry-After) is the
   * cluster answering: its wait is honoured as given and the backoff starts
   * over. Anything else counts towards a growing backoff.
   */
  private failed(error: unknown, next: () => void) {
    const answered = error instanceof KubernetesStatusError;
    const retryAfter = answered ? error.retryAfterSeconds : undefined;
    const wasUnreachable = this.unreachable;
    this.unreachable = !answered;
    this.markFailed(error, retryAfter === undefined);
    if (answered && wasUnreachable) this.onClusterAnswers?.();
    if (retryAfter !== undefined) {
      this.failures = 0;
      this.schedule(next, Math.min(this.backoff.maxMs, retryAfter * 1000));
      return;
    }
    const delay = Math.min(
      this.backoff.maxMs,
      this.backoff.initialMs * 2 ** Math.min(this.failures, 10),
    );
    this.schedule(next, delay * (0.8 + Math.random() * 0.4));
  }

  private schedule(next: () => void, delayMs: number) {
    if (this.stopped) return;
    this.pending = next;
    this.retryTimer = setTimeout(() => {
      this.pending = undefined;
      next();
    }, delayMs);
  }

  private markHealthy() {
    if (this.unreachable) this.onClusterAnswers?.();
    this.unreachable = false;
    this.synced = true;
    this.notServed = false;
    this.staleSince = undefined;
    this.lastError = undefined;
    this.failures = 0;
  }

  private markFailed(error: unknown, counts = true) {
    if (counts) this.failures++;
    const message =
      error instanceof KubernetesStatusError
        ? statusErrorText(error)
        : String((error as Error)?.message ?? error);
    if (!this.staleSince) {
      this.staleSince = new Date();
      this.logger.warn(
        `Lost ${this.path} on cluster ${this.client.cluster.name}: ${message}`,
      );
    }
    this.lastError = message;
  }
}
