import {
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Simulator } from '@kubevirt-backstage/kubevirt-simulator';
import request from 'supertest';
import { RawPathClient } from '../bench/RawPathClient';
import { kubevirtPlugin } from '../plugin';

export { RawPathClient };

export const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
    },
    spec: {
      owner: 'group:default/team-payments',
      type: 'service',
      lifecycle: 'production',
    },
  },
];

export const clusterConfig = (name: string, sim: Simulator) => ({
  name,
  url: sim.url,
  authProvider: 'serviceAccount',
  serviceAccountToken: sim.tokens.broker,
  caData: Buffer.from(sim.caCert).toString('base64'),
});

/** The simulator as an admin sees it: to check what reached the cluster, bypassing the broker. */
export const adminClient = (sim: Simulator) =>
  new RawPathClient({
    name: 'admin',
    url: sim.url,
    serviceAccountToken: sim.tokens.admin,
    caData: Buffer.from(sim.caCert).toString('base64'),
    skipTLSVerify: false,
  });

export async function eventually<T>(
  fn: () => Promise<T>,
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

export type AuditRecord = {
  eventId: string;
  outcome: 'success' | 'fail';
  meta: Record<string, unknown>;
};

/** Starts the broker in a real backend against the given clusters, recording audit events. */
export function brokerHarness() {
  const auditEvents: AuditRecord[] = [];
  const published = jest.fn(async (_: unknown) => {});
  const auditor = mockServices.auditor.mock({
    createEvent: async ({
      eventId,
      meta,
    }: {
      eventId: string;
      meta?: Record<string, unknown>;
    }) => ({
      success: async () => {
        auditEvents.push({ eventId, outcome: 'success', meta: meta ?? {} });
      },
      fail: async () => {
        auditEvents.push({ eventId, outcome: 'fail', meta: meta ?? {} });
      },
    }),
  } as any);

  const start = async (
    clusters: Record<string, Simulator>,
    permissions: ServiceFactory = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
    extraConfig: Record<string, unknown> = {},
  ) => {
    const backend = await startTestBackend({
      features: [
        kubevirtPlugin,
        permissions,
        auditor.factory,
        catalogServiceMock.factory({ entities }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: published }),
        }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: Object.entries(clusters).map(([n, s]) =>
                    clusterConfig(n, s),
                  ),
                },
              ],
            },
            ...extraConfig,
          },
        }),
      ],
    });
    await eventually(
      () => request(backend.server).get('/api/kubevirt/clusters'),
      r => r.body.items?.every((c: any) => c.state === 'synced'),
    );
    return backend;
  };
  return { start, auditEvents, published };
}
