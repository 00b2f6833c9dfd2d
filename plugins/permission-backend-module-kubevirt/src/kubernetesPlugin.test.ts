import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { parse } from 'yaml';
import { readRepoFile } from './__testUtils__/testBackend';
import { readKubevirtRolesConfig } from './config';
import { KubevirtPolicy } from './KubevirtPolicy';

/**
 * The Kubernetes plugin's permissions, as `@backstage/plugin-kubernetes-common`
 * declares them (`kubernetesPermissions`); the integration test in
 * packages/backend/src/security/kubernetesPlugin.test.ts runs the real plugin.
 */
const proxy = createPermission({ name: 'kubernetes.proxy', attributes: {} });
const resourcesRead = createPermission({
  name: 'kubernetes.resources.read',
  attributes: { action: 'read' },
});
const clustersRead = createPermission({
  name: 'kubernetes.clusters.read',
  attributes: { action: 'read' },
});
const kubernetesPermissions = [proxy, resourcesRead, clustersRead];

const TEAM = 'group:default/team-payments';
const PLATFORM = 'group:default/platform';
const SRE = 'group:default/sre';

/** The demo's bindings: team-payments power user on its own VMs and viewer on all, platform admin on all. */
const demoBindings = [
  { subjects: [TEAM], role: 'vm-power-user', scope: 'owned' },
  { subjects: [TEAM], role: 'vm-viewer', scope: 'all' },
  { subjects: [PLATFORM], role: 'vm-admin', scope: 'all' },
];

function policyFor(
  roles: object | undefined,
  ownershipEntityRefs: string[],
  delegate?: PermissionPolicy,
) {
  return new KubevirtPolicy({
    roles: readKubevirtRolesConfig(new ConfigReader({ kubevirt: { roles } })),
    userInfo: mockServices.userInfo({ ownershipEntityRefs }),
    delegate,
  });
}

const signedIn = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [ref] },
});

/** Each of the three permissions → the decision, for one user. */
async function decisions(
  roles: object | undefined,
  ownershipEntityRefs: string[],
  delegate?: PermissionPolicy,
) {
  const policy = policyFor(roles, ownershipEntityRefs, delegate);
  const user = signedIn(ownershipEntityRefs[0]);
  const entries = await Promise.all(
    kubernetesPermissions.map(
      async permission =>
        [
          permission.name,
          (await policy.handle({ permission }, user)).result,
        ] as const,
    ),
  );
  return Object.fromEntries(entries);
}

const { ALLOW, DENY } = AuthorizeResult;

describe('KubevirtPolicy and the Kubernetes plugin', () => {
  it('denies the proxy and object reads to a user without a VM role, and lets them list clusters', async () => {
    await expect(
      decisions({ bindings: demoBindings }, [
        'user:default/zed',
        'group:default/team-orders',
      ]),
    ).resolves.toEqual({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
      'kubernetes.clusters.read': ALLOW,
    });
    // no kubevirt.roles at all: the same
    await expect(decisions(undefined, ['user:default/zed'])).resolves.toEqual({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
      'kubernetes.clusters.read': ALLOW,
    });
  });

  it('denies the proxy even to vm-admin with scope all unless kubernetesPlugin.proxy names them', async () => {
    await expect(
      decisions({ bindings: demoBindings }, ['user:default/pat', PLATFORM]),
    ).resolves.toEqual({
      'kubernetes.proxy': DENY,
      // reads every VM already: the objects routes reveal no VM it may not read
      'kubernetes.resources.read': ALLOW,
      'kubernetes.clusters.read': ALLOW,
    });
    const granted = {
      bindings: demoBindings,
      kubernetesPlugin: { proxy: [PLATFORM] },
    };
    await expect(
      decisions(granted, ['user:default/pat', PLATFORM]),
    ).resolves.toMatchObject({ 'kubernetes.proxy': ALLOW });
    // the grant is by subject, not by VM role: a granted user without any VM role gets it, others do not
    await expect(
      decisions(
        { bindings: [], kubernetesPlugin: { proxy: ['User:default/Ops-Bot'] } },
        ['user:default/ops-bot'],
      ),
    ).resolves.toEqual({
      'kubernetes.proxy': ALLOW,
      'kubernetes.resources.read': ALLOW,
      'kubernetes.clusters.read': ALLOW,
    });
    await expect(
      decisions(granted, ['user:default/amy', TEAM]),
    ).resolves.toMatchObject({ 'kubernetes.proxy': DENY });
  });

  it('gives object reads to VM roles with scope all only: a narrower scope would reveal the VMs outside it', async () => {
    const read = async (scope: unknown, role = 'vm-viewer') =>
      (
        await decisions({ bindings: [{ subjects: [TEAM], role, scope }] }, [
          'user:default/amy',
          TEAM,
        ])
      )['kubernetes.resources.read'];
    await expect(read('all')).resolves.toBe(ALLOW);
    await expect(read(undefined, 'vm-user')).resolves.toBe(ALLOW);
    await expect(read('owned', 'vm-admin')).resolves.toBe(DENY);
    await expect(read({ clusters: ['east'] }, 'vm-admin')).resolves.toBe(DENY);
    await expect(read({ namespaces: ['payments'] })).resolves.toBe(DENY);
    // the default role counts like a binding
    await expect(
      decisions({ bindings: [], defaultRole: 'vm-viewer' }, [
        'user:default/zed',
      ]),
    ).resolves.toMatchObject({
      'kubernetes.resources.read': ALLOW,
      'kubernetes.proxy': DENY,
    });
    await expect(
      decisions(
        { bindings: [], defaultRole: 'vm-viewer', defaultScope: 'owned' },
        ['user:default/zed'],
      ),
    ).resolves.toMatchObject({ 'kubernetes.resources.read': DENY });
  });

  it('grants object reads to kubernetesPlugin.resourcesRead and .proxy subjects, and nothing more', async () => {
    const roles = {
      bindings: [{ subjects: [TEAM], role: 'vm-power-user', scope: 'owned' }],
      kubernetesPlugin: { resourcesRead: [SRE], proxy: [PLATFORM] },
    };
    await expect(decisions(roles, ['user:default/sam', SRE])).resolves.toEqual({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': ALLOW,
      'kubernetes.clusters.read': ALLOW,
    });
    await expect(
      decisions(roles, ['user:default/pat', PLATFORM]),
    ).resolves.toMatchObject({
      'kubernetes.proxy': ALLOW,
      'kubernetes.resources.read': ALLOW,
    });
    await expect(
      decisions(roles, ['user:default/amy', TEAM]),
    ).resolves.toMatchObject({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
    });
  });

  it('denies every Kubernetes plugin permission to a caller without a user', async () => {
    const policy = policyFor(
      { bindings: demoBindings, kubernetesPlugin: { proxy: [PLATFORM] } },
      [PLATFORM],
    );
    for (const permission of kubernetesPermissions) {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: DENY,
      });
    }
  });

  it('treats a kubernetes.* permission it does not know like the proxy', async () => {
    const write = createPermission({
      name: 'kubernetes.resources.write',
      attributes: { action: 'update' },
    });
    const roles = {
      bindings: demoBindings,
      kubernetesPlugin: { proxy: [PLATFORM] },
    };
    await expect(
      policyFor(roles, [TEAM]).handle({ permission: write }, signedIn(TEAM)),
    ).resolves.toEqual({ result: DENY });
    await expect(
      policyFor(roles, [PLATFORM]).handle(
        { permission: write },
        signedIn(PLATFORM),
      ),
    ).resolves.toEqual({ result: ALLOW });
  });

  it('only narrows: what it allows, a delegate must allow too; it never asks the delegate about what it denies', async () => {
    const delegate = {
      handle: jest.fn(async (): Promise<PolicyDecision> => ({ result: DENY })),
    };
    const roles = {
      bindings: demoBindings,
      kubernetesPlugin: { proxy: [PLATFORM] },
    };
    await expect(
      decisions(roles, ['user:default/pat', PLATFORM], delegate),
    ).resolves.toEqual({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
      'kubernetes.clusters.read': DENY,
    });
    expect(delegate.handle).toHaveBeenCalledTimes(3);
    delegate.handle.mockClear();
    // the delegate's CONDITIONAL on a basic permission is not an ALLOW (the proxy lets anything but DENY through)
    delegate.handle.mockResolvedValue({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'x',
      resourceType: 'y',
      conditions: {},
    } as any);
    await expect(
      decisions(roles, ['user:default/pat', PLATFORM], delegate),
    ).resolves.toMatchObject({ 'kubernetes.proxy': DENY });
    delegate.handle.mockClear();
    await expect(
      decisions(roles, ['user:default/zed'], delegate),
    ).resolves.toMatchObject({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
    });
    // only clusters.read (allowed to every signed-in user) reached it
    expect(delegate.handle).toHaveBeenCalledTimes(1);
  });

  it('keeps the demo’s Kubernetes tab for the guest (app-config.yaml) without giving it the proxy', async () => {
    const demoRoles = parse(readRepoFile('app-config.yaml')).kubevirt.roles;
    await expect(
      decisions(demoRoles, ['user:development/guest', TEAM]),
    ).resolves.toEqual({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': ALLOW,
      'kubernetes.clusters.read': ALLOW,
    });
    // a signed-in user of no team: no VM role, so no objects either
    await expect(
      decisions(demoRoles, ['user:default/zed']),
    ).resolves.toMatchObject({
      'kubernetes.proxy': DENY,
      'kubernetes.resources.read': DENY,
    });
  });

  it('ignoreVmRoles: true hands the three to the delegate, as before the fix (allow-all by default)', async () => {
    const roles = {
      bindings: demoBindings,
      kubernetesPlugin: { ignoreVmRoles: true },
    };
    await expect(decisions(roles, ['user:default/zed'])).resolves.toEqual({
      'kubernetes.proxy': ALLOW,
      'kubernetes.resources.read': ALLOW,
      'kubernetes.clusters.read': ALLOW,
    });
    const delegate = {
      handle: jest.fn(async (): Promise<PolicyDecision> => ({ result: DENY })),
    };
    await expect(
      decisions(roles, ['user:default/zed'], delegate),
    ).resolves.toMatchObject({ 'kubernetes.proxy': DENY });
    // an explicit false is the default
    await expect(
      decisions(
        { bindings: demoBindings, kubernetesPlugin: { ignoreVmRoles: false } },
        ['user:default/zed'],
      ),
    ).resolves.toMatchObject({ 'kubernetes.proxy': DENY });
  });
});

describe('kubevirt.roles.kubernetesPlugin config', () => {
  const read = (kubernetesPlugin: unknown) => () =>
    readKubevirtRolesConfig(
      new ConfigReader({
        kubevirt: { roles: { bindings: [], kubernetesPlugin } },
      } as any),
    );

  it('normalizes subjects; unset or empty lists grant nothing', () => {
    expect(
      read({
        proxy: ['group:Platform'],
        resourcesRead: ['user:default/Sam', 'group:ops/SRE'],
      })().kubernetesPlugin,
    ).toEqual({
      proxy: ['group:default/platform'],
      resourcesRead: ['user:default/sam', 'group:ops/sre'],
      ignoreVmRoles: false,
    });
    expect(read({ proxy: [] })().kubernetesPlugin).toEqual({
      proxy: [],
      resourcesRead: [],
      ignoreVmRoles: false,
    });
    expect(
      readKubevirtRolesConfig(
        new ConfigReader({ kubevirt: { roles: { bindings: [] } } }),
      ).kubernetesPlugin,
    ).toBeUndefined();
  });

  it.each([
    [
      { proxy: 'group:default/platform' },
      'Invalid kubevirt.roles.kubernetesPlugin.proxy: expected a list of user and group entity refs',
    ],
    [
      { proxy: ['group:default/platform', 'platform team'] },
      'Invalid kubevirt.roles.kubernetesPlugin.proxy[1]: subject "platform team" is not an entity ref',
    ],
    [
      { resourcesRead: ['component:default/payments-api'] },
      'Invalid kubevirt.roles.kubernetesPlugin.resourcesRead[0]: subject "component:default/payments-api" must be a user or group entity ref',
    ],
    [
      { resourcesRead: [42] },
      'Invalid kubevirt.roles.kubernetesPlugin.resourcesRead[0]:',
    ],
    [
      { ignoreVmRoles: 'yes' },
      'Invalid kubevirt.roles.kubernetesPlugin.ignoreVmRoles: expected true or false, got "yes"',
    ],
    [
      { ignoreVmRoles: true, proxy: ['group:default/platform'] },
      "Invalid kubevirt.roles.kubernetesPlugin: ignoreVmRoles: true hands the Kubernetes plugin's permissions to the delegate policy",
    ],
    [
      { proxi: ['group:default/platform'] },
      'Invalid kubevirt.roles.kubernetesPlugin: unknown key "proxi"; one of proxy, resourcesRead, ignoreVmRoles',
    ],
    [
      ['group:default/platform'],
      'Invalid kubevirt.roles.kubernetesPlugin: expected an object { proxy?, resourcesRead?, ignoreVmRoles? }',
    ],
  ])('rejects %j naming the key', (kubernetesPlugin, message) => {
    expect(read(kubernetesPlugin)).toThrow(message);
  });
});
