import { StatusError } from '../api/errors';
import {
  EVENT_FRESH_MS,
  WATCH_CACHE_MAX,
  WATCH_CACHE_MIN,
  WatchWindow,
} from './watchWindow';

/** storage/cacher/watch_cache.go: capacity bounds and freshness, and the 410 it answers. */
describe('WatchWindow', () => {
  it('keeps every event younger than eventFreshDuration, then shrinks to the lower bound', () => {
    const w = new WatchWindow<number>();
    for (let rv = 1; rv <= 300; rv++) w.add(rv, rv, 0);
    expect(w.size).toBe(300);
    expect(w.since(0)).toHaveLength(300);
    w.add(301, 301, EVENT_FRESH_MS + 1);
    expect(w.size).toBe(WATCH_CACHE_MIN);
    expect(w.since(250)).toEqual(Array.from({ length: 51 }, (_, i) => 251 + i));
    let error: unknown;
    try {
      w.since(100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).code).toBe(410);
    // the oldest held event is 202: from 201 on the window still answers
    expect((error as StatusError).message).toBe(
      'too old resource version: 100 (201)',
    );
    expect(w.since(201)).toHaveLength(100);
  });

  it('never holds more than the upper bound, however fresh', () => {
    const w = new WatchWindow<number>();
    for (let rv = 1; rv <= WATCH_CACHE_MAX + 10; rv++) w.add(rv, rv, 0);
    expect(w.size).toBe(WATCH_CACHE_MAX);
    expect(() => w.since(1)).toThrow('too old resource version: 1 (10)');
  });

  it('answers from any version while nothing was dropped', () => {
    const w = new WatchWindow<number>();
    w.add(500, 500, 0);
    expect(w.since(3)).toEqual([500]);
  });
});
