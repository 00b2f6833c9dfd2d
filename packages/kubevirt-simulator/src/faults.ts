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
}

/** Faults on demand, for the tests of the layers above. */
export class FaultController {
  private spec: FaultSpec = {};
  private readonly dropListeners = new Set<() => void>();

  constructor(private readonly store: Store) {}

  get(): FaultSpec {
    return { ...this.spec };
  }

  set(spec: FaultSpec) {
    this.spec = { ...this.spec, ...spec };
    if (spec.dropWatches || spec.down)
      for (const l of [...this.dropListeners]) l();
  }

  clear() {
    this.spec = {};
  }

  /** Forgets watch history: every watch resumed from an older version gets 410 Gone. */
  forceExpire() {
    this.store.compact();
    for (const l of [...this.dropListeners]) l();
  }

  isDown() {
    return !!this.spec.down;
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
