import { errors } from '../api/errors';

/**
 * How many events of one resource the apiserver's watch cache keeps
 * (storage/cacher/watch_cache.go): at least defaultLowerBoundCapacity,
 * at most defaultUpperBoundCapacity, and in between as many as are younger
 * than eventFreshDuration (the cache grows while its oldest event is fresh
 * and shrinks when it is not).
 */
export const WATCH_CACHE_MIN = 100;
export const WATCH_CACHE_MAX = 100 * 1024;
export const EVENT_FRESH_MS = 75_000;

export interface Retained<T> {
  rv: number;
  at: number;
  event: T;
}

/** One resource's window of recent events, as its watch cache holds it. */
export class WatchWindow<T> {
  private events: Retained<T>[] = [];
  private start = 0;
  /** Set once an event was dropped: from then on the window's start is its oldest event. */
  private evicted = false;

  constructor(
    private readonly min = WATCH_CACHE_MIN,
    private readonly max = WATCH_CACHE_MAX,
    private readonly freshMs = EVENT_FRESH_MS,
  ) {}

  get size() {
    return this.events.length - this.start;
  }

  add(rv: number, event: T, now = Date.now()) {
    this.events.push({ rv, at: now, event });
    while (
      this.size > this.max ||
      (this.size > this.min && now - this.events[this.start].at > this.freshMs)
    ) {
      this.start++;
      this.evicted = true;
    }
    if (this.start > 1024 && this.start * 2 > this.events.length) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
  }

  /**
   * Events after `fromRv`. Once events were dropped, a version older than
   * the oldest held one is 410 Expired with the cache's message
   * (watch_cache.go getAllEventsSinceLocked: "too old resource version:
   * %d (%d)", the second being the oldest version it can answer from).
   */
  since(fromRv: number): T[] {
    const oldest = this.events[this.start];
    if (this.evicted && oldest && fromRv < oldest.rv - 1) {
      throw errors.expired(`${fromRv} (${oldest.rv - 1})`);
    }
    const out: T[] = [];
    for (let i = this.start; i < this.events.length; i++) {
      if (this.events[i].rv > fromRv) out.push(this.events[i].event);
    }
    return out;
  }
}
