import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import https from 'node:https';

/** What a provider has in the catalog, after applying its mutations the way the catalog does. */
export class FakeConnection implements EntityProviderConnection {
  readonly entities = new Map<string, Entity>();
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
    if (mutation.type === 'full') {
      this.entities.clear();
      for (const { entity } of mutation.entities)
        this.entities.set(stringifyEntityRef(entity), entity);
      return;
    }
    for (const { entity } of mutation.added)
      this.entities.set(stringifyEntityRef(entity), entity);
    for (const r of mutation.removed)
      this.entities.delete(
        'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
      );
  }

  async refresh() {}

  get(name: string) {
    return this.entities.get(`resource:default/${name}`);
  }
}

/** A request to a simulator's Kubernetes API as its admin. */
export function kube(
  sim: { url: string; caCert: string; tokens: { admin: string } },
  method: string,
  path: string,
  body?: unknown,
) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method,
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.admin}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        let data = '';
        res.on('data', d => {
          data += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: data ? JSON.parse(data) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export async function eventually<T>(
  fn: () => T | Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > until) return value;
    await new Promise(r => setTimeout(r, 50));
  }
}
