import { DefaultAuditorService } from '@backstage/backend-defaults/auditor';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Simulator } from '@kubevirt-backstage/kubevirt-simulator';
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import permissionModuleKubevirtPolicy from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt';
// the real permission loop inside startTestBackend needs the policy module's test auth and catalog helpers: shared, not copied
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  actorKeepingAuthFactory,
  demoEntities,
  user,
  userInfoFromEntities,
} from '@kubevirt-backstage/plugin-permission-backend-module-kubevirt/src/__testUtils__/testBackend';
import request from 'supertest';

/** Every VM role, each with every kind of scope, and a user with no role at all. */
export const roles = [
  'vm-viewer',
  'vm-user',
  'vm-power-user',
  'vm-admin',
] as const;
type Scope = 'all' | 'owned' | { namespaces: string[] };
type Binding = { subjects: string[]; role: string; scope: Scope };

export const scopes: Record<string, Scope> = {
  all: 'all',
  owned: 'owned',
  payments: { namespaces: ['payments'] },
};

export const subjects = [
  ...roles.flatMap(role =>
    Object.keys(scopes).map(scope => `${role}-${scope}`),
  ),
  'nobody',
];

/** The audit events as the real auditor writes them: actor included. */
export interface WrittenAuditEvent {
  plugin: string;
  eventId: string;
  status: string;
  actor: { actorId?: string };
  meta?: Record<string, unknown>;
}

/**
 * The real broker, the real MCP actions backend, the real permission backend
 * with the KubeVirt policy (one user per role and scope, all in team-payments),
 * and the real DefaultAuditorService writing to a list, against `sim`.
 */
export async function startSecurityBackend(sim: Simulator) {
  const audit: WrittenAuditEvent[] = [];
  const entities = [
    ...demoEntities(),
    ...subjects.map(name =>
      user(`user:default/${name}`, ['group:default/team-payments']),
    ),
  ];
  const bindings: Binding[] = roles.flatMap(role =>
    Object.entries(scopes).map(([scope, value]) => ({
      subjects: [`user:default/${role}-${scope}`],
      role,
      scope: value,
    })),
  );
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      mcpActionsPlugin,
      permissionPlugin,
      permissionModuleKubevirtPolicy,
      permissionsServiceFactory,
      actorKeepingAuthFactory,
      userInfoFromEntities(entities),
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: coreServices.auditor,
        deps: {
          auth: coreServices.auth,
          httpAuth: coreServices.httpAuth,
          plugin: coreServices.pluginMetadata,
        },
        factory: ({ auth, httpAuth, plugin }) =>
          DefaultAuditorService.create(
            event => {
              audit.push(event as unknown as WrittenAuditEvent);
            },
            { auth, httpAuth, plugin },
          ),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      mockServicesRootConfig(sim, bindings),
    ],
  });
  const server = backend.server;
  for (let i = 0; i < 300; i++) {
    const res = await request(server)
      .get('/api/kubevirt/clusters')
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/vm-admin-all'),
      );
    if (res.body.items?.[0]?.state === 'synced') break;
    await new Promise(r => setTimeout(r, 100));
  }
  return { backend, server, audit };
}

function mockServicesRootConfig(sim: Simulator, bindings: Binding[]) {
  return mockServices.rootConfig.factory({
    data: {
      backend: { actions: { pluginSources: ['kubevirt'] } },
      permission: { enabled: true },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local-sim',
                url: sim.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: sim.tokens.broker,
                caData: Buffer.from(sim.caCert).toString('base64'),
              },
            ],
          },
        ],
      },
      // no periodic capability probe inside a test that counts what reaches the cluster
      kubevirt: {
        roles: { bindings },
        capabilities: { refreshSeconds: 86400 },
      },
    },
  });
}

export const asUser = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

const brokersOwn = (r: { method: string; url: string }) =>
  /[?&]watch=true/.test(r.url) ||
  (r.method === 'GET' &&
    ['/apis', '/apis/kubevirt.io/v1/kubevirts'].includes(r.url)) ||
  (r.method === 'POST' &&
    /^\/apis\/authorization\.k8s\.io\/v1\/selfsubject(access|rules)reviews$/.test(
      r.url,
    ));

/**
 * What reached the cluster beyond the broker's own watches and its own
 * capability and rights probes (discovery, the KubeVirt CR, self reviews),
 * which run on their own schedule and carry nothing a user sent.
 */
export const requestsBeyondWatches = (sim: Simulator) =>
  sim.received().filter(r => !brokersOwn(r));
