import { mockServices } from '@backstage/backend-test-utils';
import { ApiPath } from '../clusters/apiPath';
import {
  ClusterClient,
  KubernetesStatusError,
} from '../clusters/ClusterClient';
import { UnreachableError } from '../clusters/httpJson';
import { ResourceCache } from './ResourceCache';

/** A cluster whose answer to a list is set by the test; watches open and stay quiet. */
function fakeCluster() {
  const state: { answer: () => unknown; lists: number } = {
    answer: () => ({ items: [], metadata: { resourceVersion: '1' } }),
    lists: 0,
  };
  const client = {
    cluster: { name: 'east' },
    request: async () => {
      state.lists++;
      return state.answer();
    },
    watch: async (
      _path: ApiPath,
      _query: Record<string, string>,
      handlers: { onOpen(): void },
    ) => {
      handlers.onOpen();
      return () => {};
    },
  } as unknown as ClusterClient;
  return { client, state };
}

const cacheOf = (client: ClusterClient, initialMs: number) =>
  new ResourceCache(
    client,
    '/apis/kubevirt.io/v1/virtualmachines' as ApiPath,
    mockServices.logger.mock(),
    () => {},
    [],
    { initialMs, maxMs: 60_000 },
  );

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end)
    await new Promise(r => setTimeout(r, 10));
  return check();
};

const refused = () => {
  throw new UnreachableError('cluster east', {
    code: 'ECONNREFUSED',
    message: 'connect ECONNREFUSED',
  });
};

describe('ResourceCache retries', () => {
  const caches: ResourceCache[] = [];
  afterEach(() => caches.splice(0).forEach(c => c.stop()));

  it('waits what Retry-After asks, not its backoff, and does not count it as a failure', async () => {
    const { client, state } = fakeCluster();
    state.answer = () => {
      throw new KubernetesStatusError(
        429,
        {
          reason: 'TooManyRequests',
          message: 'storage is (re)initializing',
          details: { retryAfterSeconds: 1 },
        },
        'east',
        undefined,
        // the header wins over the body: a short wait keeps the test short
        { retryAfter: '0.05' },
      );
    };
    // a counted failure would wait a minute
    const cache = cacheOf(client, 60_000);
    caches.push(cache);
    cache.start();
    expect(await until(() => state.lists >= 3)).toBe(true);
    expect(cache.synced).toBe(false);
    expect(cache.lastError).toContain('storage is (re)initializing');
    state.answer = () => ({ items: [], metadata: { resourceVersion: '1' } });
    expect(await until(() => cache.synced && !cache.staleSince)).toBe(true);
  });

  it('brings forward a retry waiting out its backoff once the cluster answers another cache', async () => {
    const { client, state } = fakeCluster();
    state.answer = refused;
    const quick = cacheOf(client, 20);
    const slow = cacheOf(client, 60_000);
    caches.push(quick, slow);
    quick.onClusterAnswers = () => slow.retryNow();
    quick.start();
    slow.start();
    expect(await until(() => state.lists >= 4)).toBe(true);
    // the cluster is back: the quick cache hears it first, the slow one would wait a minute
    state.answer = () => ({ items: [], metadata: { resourceVersion: '1' } });
    expect(await until(() => quick.synced)).toBe(true);
    expect(await until(() => slow.synced, 1000)).toBe(true);
  });

  it('does not bring forward a retry whose last failure was an answer (a refusal is no outage)', async () => {
    const { client, state } = fakeCluster();
    state.answer = () => {
      throw new KubernetesStatusError(
        403,
        { reason: 'Forbidden', message: 'no' },
        'east',
      );
    };
    const refusedCache = cacheOf(client, 60_000);
    caches.push(refusedCache);
    refusedCache.start();
    expect(await until(() => state.lists === 1)).toBe(true);
    state.answer = () => ({ items: [], metadata: { resourceVersion: '1' } });
    refusedCache.retryNow();
    await new Promise(r => setTimeout(r, 100));
    expect(state.lists).toBe(1);
    expect(refusedCache.synced).toBe(false);
  });
});
