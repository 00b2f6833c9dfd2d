import { errors } from './api/errors';
import { Store } from './store/store';

export interface FaultSpec {
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  /** Share of requests per verb (get, list, watch, create, update, patch, delete) answered with a 500. */
  errorRate?: Record<string, number>;
  /** Every connection is dropped, as with a cluster that is down. */
  down?: boolean;
  /** Open watches are cut now, and new ones as soon as they start. */
  dropWatches?: boolean;
  /**
   * KubeVirt's subresource API (virt-api, aggregated as
   * subresources.kubevirt.io) without a server: `missing` when its APIService
   * is not registered (the apiserver's plain-text "404 page not found", the
   * group absent from discovery), `unavailable` when it is registered but
   * virt-api does not answer (kube-aggregator's plain-text 503 "service
   * unavailable").
   */
  subresourcesDown?: 'missing' | 'unavailable';
  /**
   * For this many milliseconds from now the watch cache is (re)initializing,
   * as after an apiserver restart: open watches are cut, and lists and
   * watches answer 429 "storage is (re)initializing" with `Retry-After: 1`
   * (apiserver's cacher with ResilientWatchCacheInitialization, on from 1.31);
   * gets and writes go to storage and succeed.
   */
  storageInitializingMs?: number;
}

/** Faults on demand, for the tests of the layers above. */
export class FaultController {
  private spec: FaultSpec = {};
  private initializingUntil = 0;
  private readonly dropListeners = new Set<() => void>();

  constructor(private readonly store: Store) {}

  get(): FaultSpec {
    return { ...this.spec };
  }

  set(spec: FaultSpec) {
    if (
      spec.subresourcesDown !== undefined &&
      !['missing', 'unavailable'].includes(spec.subresourcesDown)
    )
      throw errors.badRequest(
        `subresourcesDown must be "missing" or "unavailable", not ${JSON.stringify(
          spec.subresourcesDown,
        )}`,
      );
    this.spec = { ...this.spec, ...spec };
    if (spec.storageInitializingMs !== undefined)
      this.initializingUntil = Date.now() + spec.storageInitializingMs;
    if (spec.dropWatches || spec.down || spec.storageInitializingMs)
      for (const l of [...this.dropListeners]) l();
  }

  clear() {
    this.spec = {};
    this.initializingUntil = 0;
  }

  /** Forgets watch history: every watch resumed from an older version gets 410 Gone. */
  forceExpire() {
    this.store.compact();
    for (const l of [...this.dropListeners]) l();
  }

  isDown() {
    return !!this.spec.down;
  }

  /**
   * What the apiserver answers on subresources.kubevirt.io while virt-api is
   * absent, as plain text (http.Error, not a Status): the NotFound handler's
   * page for an API group nothing serves, or kube-aggregator's proxy error for
   * an APIService that is not available (handler_proxy.go).
   */
  subresourcesAnswer(): { code: number; text: string } | undefined {
    switch (this.spec.subresourcesDown) {
      case 'missing':
        return { code: 404, text: '404 page not found' };
      case 'unavailable':
        return { code: 503, text: 'service unavailable' };
      default:
        return undefined;
    }
  }

  /**
   * Refuses a list or watch while the watch cache initializes, as the
   * apiserver's cacher does: only a list it may delegate to storage (a limit
   * and no selectors, delegator.go shouldDelegateListOnNotReadyCache) passes.
   */
  checkStorageReady(request: { watch: boolean; delegable: boolean }) {
    if (Date.now() >= this.initializingUntil) return;
    if (!request.watch && request.delegable) return;
    throw errors.tooManyRequests('storage is (re)initializing', 1);
  }

  async delay() {
    if (this.spec.latencyMs)
      await new Promise(r => setTimeout(r, this.spec.latencyMs));
  }

  maybeFail(verb: string) {
    const rate = this.spec.errorRate?.[verb] ?? 0;
    if (rate > 0 && Math.random() < rate)
      throw errors.internal(`injected fault for ${verb}`);
  }

  onDropWatches(listener: () => void) {
    if (this.spec.dropWatches) {
      setImmediate(listener);
    }
    this.dropListeners.add(listener);
    return () => {
      this.dropListeners.delete(listener);
    };
  }
}
