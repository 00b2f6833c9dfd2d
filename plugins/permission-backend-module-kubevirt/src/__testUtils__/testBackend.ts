import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Simulator } from '@kubevirt-backstage/kubevirt-simulator';
// test-only: the matrix runs the real broker next to this module (a devDependency)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kubevirtPlugin from '@kubevirt-backstage/plugin-kubevirt-backend';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import permissionModuleKubevirtPolicy from '../index';

const repoRoot = path.resolve(__dirname, '../../../..');

/** The demo organisation and services the portal ships (packages/backend/catalog). */
export function demoEntities(): Entity[] {
  return ['org.yaml', 'components.yaml'].flatMap(file =>
    parseAllDocuments(
      fs.readFileSync(
        path.join(repoRoot, 'packages/backend/catalog', file),
        'utf8',
      ),
    )
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean),
  );
}

export function readRepoFile(file: string) {
  return fs.readFileSync(path.join(repoRoot, file), 'utf8');
}

/**
 * The YAML documents of the root README's fenced block between
 * `<!-- <name>:start -->` and `<!-- <name>:end -->`, so tests apply what the
 * README tells adopters to apply.
 */
export function readmeYamlBlock(name: string): any[] {
  const readme = readRepoFile('README.md');
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start)
    throw new Error(`README.md has no block ${name}`);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start, end));
  if (!block) throw new Error(`README.md block ${name} holds no yaml`);
  return parseAllDocuments(block[1])
    .map(doc => doc.toJS())
    .filter(Boolean);
}

export function user(name: string, memberOf: string[]): Entity {
  const ref = parseEntityRef(name);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { memberOf },
  };
}

/**
 * The mock auth turns an on-behalf-of token into a plain user token and so
 * drops `actor`; the permission backend then refuses a user asking about a
 * resource permission without a resourceRef (400) and the broker's
 * apply-conditions endpoint refuses a user without an actor (403). This keeps
 * the mock token format but, like the real auth service, marks a token a
 * plugin obtains for a user with that plugin as actor, so the real
 * permission loop (broker → permission backend → policy → broker's
 * apply-conditions) runs inside startTestBackend.
 */
export const actorKeepingAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => inner.authenticate(token, options),
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef!, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return inner.getPluginRequestToken(options);
      },
    };
  },
});

/**
 * userInfo as the catalog sign-in resolver fills it: the user and the groups
 * it is a member of, read from `entities` at each call, so a test that changes
 * a User's memberOf gives that user new ownership refs (as a new token would).
 */
export function userInfoFromEntities(entities: Entity[]) {
  const membershipsNow = () => {
    const memberships = new Map<string, string[]>();
    for (const entity of entities) {
      if (entity.kind !== 'User') continue;
      const memberOf = (
        (entity.spec?.memberOf as string[] | undefined) ?? []
      ).map(g =>
        stringifyEntityRef(
          parseEntityRef(g, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
      memberships.set(stringifyEntityRef(entity), memberOf);
    }
    return memberships;
  };
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials: BackstageCredentials) {
        const { userEntityRef } =
          credentials.principal as BackstageUserPrincipal;
        const memberships = membershipsNow();
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(memberships.get(userEntityRef) ?? []),
          ],
        };
      },
    }),
  });
}

export const clusterConfig = (name: string, sim: Simulator) => ({
  name,
  url: sim.url,
  authProvider: 'serviceAccount',
  serviceAccountToken: sim.tokens.broker,
  caData: Buffer.from(sim.caCert).toString('base64'),
});

export async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (check(value) || Date.now() > until) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

export interface AuditRecord {
  eventId: string;
  outcome: 'success' | 'fail';
  meta?: Record<string, unknown>;
}

/**
 * The real broker, the real permission backend with this module as its only
 * policy, the real permissions service (HTTP to the permission backend) and
 * the given clusters; catalog and user info from `entities`.
 */
export async function startKubevirtBackend(options: {
  clusters: Record<string, Simulator>;
  roles: unknown;
  entities: Entity[];
}) {
  const audit: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({
      eventId,
      meta,
    }: {
      eventId: string;
      meta?: Record<string, unknown>;
    }) => ({
      success: async () => {
        audit.push({ eventId, outcome: 'success', meta });
      },
      fail: async () => {
        audit.push({ eventId, outcome: 'fail', meta });
      },
    }),
  } as any);
  const backend = await startTestBackend({
    features: [
      kubevirtPlugin,
      permissionPlugin,
      permissionModuleKubevirtPolicy,
      permissionsServiceFactory,
      actorKeepingAuthFactory,
      userInfoFromEntities(options.entities),
      catalogServiceMock.factory({ entities: options.entities }),
      auditor.factory,
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: Object.entries(options.clusters).map(([name, sim]) =>
                  clusterConfig(name, sim),
                ),
              },
            ],
          },
          kubevirt: { roles: options.roles as any },
        },
      }),
    ],
  });
  const { server } = backend;
  const clusterNames = Object.keys(options.clusters);
  const synced = await eventually(
    () =>
      request(server)
        .get('/api/kubevirt/clusters')
        .set('Authorization', mockCredentials.user.header()),
    r =>
      r.body.items?.length === clusterNames.length &&
      r.body.items.every((c: { state: string }) => c.state === 'synced'),
    120_000,
  );
  if (
    !synced.body.items?.every((c: { state: string }) => c.state === 'synced')
  ) {
    throw new Error(`clusters never synced: ${JSON.stringify(synced.body)}`);
  }
  return { backend, server, audit };
}

/** A request to the simulator as its admin, past the broker. */
export function simRequest(
  sim: Simulator,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<any> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.url}${apiPath}`,
      {
        method,
        ca: sim.caCert,
        headers: {
          authorization: `Bearer ${sim.tokens.admin}`,
          ...(payload
            ? {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }
            : {}),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve(JSON.parse(text))
            : reject(
                new Error(`${method} ${apiPath}: ${res.statusCode} ${text}`),
              ),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const simGet = (sim: Simulator, apiPath: string) =>
  simRequest(sim, 'GET', apiPath);

/**
 * The cluster's global revision (every write, anywhere, moves it) and the
 * VMs and instances as the simulator holds them.
 */
export async function clusterState(sim: Simulator) {
  const [vms, vmis] = await Promise.all([
    simGet(sim, '/apis/kubevirt.io/v1/virtualmachines'),
    simGet(sim, '/apis/kubevirt.io/v1/virtualmachineinstances'),
  ]);
  const describe = (o: any) =>
    `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`;
  return {
    revision: Math.max(
      Number(vms.metadata.resourceVersion),
      Number(vmis.metadata.resourceVersion),
    ),
    objects: [
      ...vms.items.map(describe),
      ...vmis.items.map((o: any) => `vmi:${describe(o)}`),
    ].sort(),
  };
}
