import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  LoggerService,
  PermissionsService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Simulator } from '@kubevirt-backstage/kubevirt-simulator';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the tests run the real broker, as the portal does
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import {
  KubevirtService,
  kubevirtServiceRef,
} from '@kubevirt-backstage/plugin-kubevirt-node';
import https from 'node:https';

export const GUEST = 'user:development/guest';
export const APP_URL = 'http://portal.test';
export const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHNjYWZmb2xkZXItdGVzdC1rZXktbm90LXJlYWw guest@laptop';

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
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'no-k8s-id', namespace: 'default' },
    spec: {
      owner: 'group:default/team-payments',
      type: 'service',
      lifecycle: 'production',
    },
  },
];

/** What the actions get from a real backend: the broker's service ref, the catalog and permissions. */
export interface BrokerDeps {
  kubevirt: KubevirtService;
  catalog: CatalogService;
  permissions: PermissionsService;
}

/**
 * The real broker plugin in a real test backend, reading the given simulators
 * over HTTPS; the actions get the same kubevirtServiceRef the scaffolder
 * module gets, so every call goes over the broker's HTTP API as the user.
 */
export async function startBroker(
  clusters: Record<string, Simulator>,
  permissions: ServiceFactory = mockServices.permissions.factory({
    result: AuthorizeResult.ALLOW,
  }),
) {
  let deps: BrokerDeps | undefined;
  const capture = createBackendPlugin({
    pluginId: 'capture',
    register(reg) {
      reg.registerInit({
        deps: {
          kubevirt: kubevirtServiceRef,
          catalog: catalogServiceRef,
          permissions: coreServices.permissions,
        },
        async init(d) {
          deps = d;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      capture,
      permissions,
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_URL },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: Object.entries(clusters).map(([name, sim]) => ({
                  name,
                  url: sim.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: sim.tokens.broker,
                  caData: Buffer.from(sim.caCert).toString('base64'),
                })),
              },
            ],
          },
        },
      }),
    ],
  });
  // the broker serves reads from its caches: wait until they hold the clusters
  const client = deps!.kubevirt.forCredentials(mockCredentials.user(GUEST));
  for (let i = 0; i < 300; i++) {
    const { items } = await client.listClusters();
    if (items.every(c => c.state === 'synced')) break;
    await new Promise(r => setTimeout(r, 50));
  }
  return { backend, deps: deps! };
}

/** A logger that keeps every line, to check what reached the task log. */
export function recordingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    info: (m: string, meta?: unknown) =>
      void lines.push(`info ${m}${meta ? ` ${JSON.stringify(meta)}` : ''}`),
    warn: (m: string, meta?: unknown) =>
      void lines.push(`warn ${m}${meta ? ` ${JSON.stringify(meta)}` : ''}`),
    error: (m: string, meta?: unknown) =>
      void lines.push(`error ${m}${meta ? ` ${JSON.stringify(meta)}` : ''}`),
    debug: (m: string, meta?: unknown) =>
      void lines.push(`debug ${m}${meta ? ` ${JSON.stringify(meta)}` : ''}`),
    child: () => logger,
  };
  return { logger, lines };
}

/** A mock action context acting as `user`, with the parts createMockActionContext does not take. */
export function actionContext<T extends Record<string, any>>(
  input: T,
  options: {
    user?: string;
    dryRun?: boolean;
    signal?: AbortSignal;
    workspacePath?: string;
  } = {},
) {
  const { logger, lines } = recordingLogger();
  const ctx = {
    ...createMockActionContext({
      input: input as any,
      logger,
      ...(options.workspacePath
        ? { workspacePath: options.workspacePath }
        : {}),
    }),
    getInitiatorCredentials: async () =>
      mockCredentials.user(options.user ?? GUEST),
    isDryRun: options.dryRun,
    signal: options.signal,
  };
  const outputs = () =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  return { ctx, lines, outputs };
}

/** The cluster as its admin sees it, bypassing the broker: what really got created. */
export function adminGet(
  sim: Simulator,
  path: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, sim.url);
    https
      .get(
        url,
        {
          ca: sim.caCert,
          headers: { Authorization: `Bearer ${sim.tokens.admin}` },
        },
        res => {
          let data = '';
          res.on('data', chunk => (data += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: data ? JSON.parse(data) : undefined,
            }),
          );
        },
      )
      .on('error', reject);
  });
}

export const vmPath = (ns: string, name: string) =>
  `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/${name}`;
export const secretPath = (ns: string, name: string) =>
  `/api/v1/namespaces/${ns}/secrets/${name}`;
