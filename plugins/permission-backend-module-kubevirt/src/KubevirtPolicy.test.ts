import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionPolicy,
} from '@backstage/plugin-permission-node';
import {
  kubevirtPermissions,
  kubevirtVmPermissions,
  nodeMaintenancePermission,
  roleGrants,
  vmCreatePermission,
  vmReadPermission,
  VmRole,
  vmRoles,
  vmPowerPermission,
  vmMigratePermission,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  KubevirtNamespaceResource,
  kubevirtNamespaceRules,
  KubevirtVmResource,
  kubevirtVmRules,
} from '@kubevirt-backstage/plugin-kubevirt-node';
import { readKubevirtRolesConfig, VmScope } from './config';
import { KubevirtPolicy } from './KubevirtPolicy';

const ALICE = 'user:default/alice';
const TEAM = 'group:default/team-payments';

const vm = (
  cluster: string,
  namespace: string,
  owners: string[],
): KubevirtVmResource => ({
  cluster,
  namespace,
  name: `${namespace}-vm`,
  labels: {},
  owners,
});

/** Owned or not × east (in the cluster scopes below) or west. */
const vms = {
  ownedEast: vm('east', 'payments', [TEAM]),
  ownedWest: vm('west', 'payments', [TEAM]),
  otherEast: vm('east', 'orders', ['group:default/team-orders']),
  otherWest: vm('west', 'orders', ['group:default/team-orders']),
};
const namespaces: KubevirtNamespaceResource[] = [
  { cluster: 'east', namespace: 'payments' },
  { cluster: 'west', namespace: 'payments' },
  { cluster: 'east', namespace: 'orders' },
];

const vmMatches = createConditionAuthorizer(Object.values(kubevirtVmRules));
const namespaceMatches = createConditionAuthorizer(
  Object.values(kubevirtNamespaceRules),
);

/** The test's own reading of a scope, independent of how the policy builds conditions. */
function covers(
  scope: VmScope,
  target: { cluster: string; namespace: string; owners?: string[] },
  owners: string[],
) {
  if (scope.owned && !target.owners?.some(o => owners.includes(o)))
    return false;
  if (scope.clusters && !scope.clusters.includes(target.cluster)) return false;
  if (
    scope.namespaces &&
    !scope.namespaces.some(
      n =>
        n === target.namespace || n === `${target.cluster}/${target.namespace}`,
    )
  ) {
    return false;
  }
  return true;
}

function policyFor(
  roles: object,
  ownershipEntityRefs = [ALICE, TEAM],
  delegate?: PermissionPolicy,
) {
  return new KubevirtPolicy({
    roles: readKubevirtRolesConfig(new ConfigReader({ kubevirt: { roles } })),
    userInfo: mockServices.userInfo({ ownershipEntityRefs }),
    delegate,
  });
}

const user = {
  credentials: mockCredentials.user(ALICE),
  info: { userEntityRef: ALICE, ownershipEntityRefs: [ALICE, TEAM] },
};

const scopes: { config: unknown; scope: VmScope }[] = [
  { config: 'all', scope: {} },
  { config: 'owned', scope: { owned: true } },
  { config: { clusters: ['east'] }, scope: { clusters: ['east'] } },
  {
    config: { namespaces: ['payments', 'west/orders'] },
    scope: { namespaces: ['payments', 'west/orders'] },
  },
  {
    config: { owned: true, clusters: ['east'] },
    scope: { owned: true, clusters: ['east'] },
  },
];

describe('KubevirtPolicy', () => {
  describe.each(vmRoles.map(role => [role]))('%s', (role: VmRole) => {
    it.each(scopes.map(s => [JSON.stringify(s.config), s] as const))(
      'with scope %s grants exactly the role’s permissions on exactly the VMs in scope',
      async (_name, { config, scope }) => {
        const policy = policyFor({
          bindings: [{ subjects: [TEAM], role, scope: config }],
        });
        const scoped = !!(scope.owned || scope.clusters || scope.namespaces);
        const grantedResult = scoped
          ? AuthorizeResult.CONDITIONAL
          : AuthorizeResult.ALLOW;
        const actual = [];
        const expected = [];
        for (const permission of kubevirtVmPermissions) {
          const decision = await policy.handle({ permission }, user);
          const granted = roleGrants(role, permission);
          actual.push({
            permission: permission.name,
            result: decision.result,
            vms: Object.values(vms).map(target => vmMatches(decision, target)),
          });
          expected.push({
            permission: permission.name,
            // a scoped grant must be conditional: an unconditional ALLOW would leak every VM into lists
            result: granted ? grantedResult : AuthorizeResult.DENY,
            vms: Object.values(vms).map(
              target => granted && covers(scope, target, [ALICE, TEAM]),
            ),
          });
        }
        expect(actual).toEqual(expected);

        const create = await policy.handle(
          { permission: vmCreatePermission },
          user,
        );
        const createAllowed =
          roleGrants(role, vmCreatePermission) &&
          // creating has no VM to own: the owned part is dropped, a bare `owned` scope grants no create
          !(scope.owned && !scope.clusters && !scope.namespaces);
        expect(namespaces.map(ns => namespaceMatches(create, ns))).toEqual(
          namespaces.map(
            ns => createAllowed && covers({ ...scope, owned: false }, ns, []),
          ),
        );
      },
    );
  });

  it('denies every VM permission to a user without a binding, and the decision names no rule', async () => {
    const policy = policyFor({
      bindings: [{ subjects: ['group:default/platform'], role: 'vm-admin' }],
    });
    for (const permission of kubevirtPermissions) {
      await expect(policy.handle({ permission }, user)).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
    // same with no kubevirt.roles at all
    const empty = policyFor(undefined as any);
    await expect(
      empty.handle({ permission: vmReadPermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('matches a binding by the user ref itself, and compares refs without case', async () => {
    const policy = policyFor(
      { bindings: [{ subjects: ['User:default/Alice'], role: 'vm-user' }] },
      ['user:default/alice'],
    );
    await expect(
      policy.handle({ permission: vmPowerPermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: vmMigratePermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('gives the union of several bindings: the demo guest is power user on owned VMs, viewer elsewhere', async () => {
    const policy = policyFor({
      bindings: [
        { subjects: [TEAM], role: 'vm-power-user', scope: 'owned' },
        { subjects: [TEAM], role: 'vm-viewer', scope: 'all' },
        {
          subjects: ['group:default/platform'],
          role: 'vm-admin',
          scope: 'all',
        },
      ],
    });
    const read = await policy.handle({ permission: vmReadPermission }, user);
    expect(read).toEqual({ result: AuthorizeResult.ALLOW });
    const migrate = await policy.handle(
      { permission: vmMigratePermission },
      user,
    );
    expect(Object.values(vms).map(v => vmMatches(migrate, v))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    await expect(
      policy.handle({ permission: vmCreatePermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });

    const twoScopes = policyFor({
      bindings: [
        { subjects: [TEAM], role: 'vm-user', scope: { clusters: ['west'] } },
        { subjects: [ALICE], role: 'vm-user', scope: 'owned' },
      ],
    });
    const power = (await twoScopes.handle(
      { permission: vmPowerPermission },
      user,
    )) as PolicyDecision & { conditions?: unknown };
    expect(power.conditions).toEqual({
      anyOf: [
        {
          rule: 'IS_IN_CLUSTER',
          resourceType: 'kubevirt-vm',
          params: { clusters: ['west'] },
        },
        {
          rule: 'IS_OWNED_BY',
          resourceType: 'kubevirt-vm',
          params: { owners: [ALICE, TEAM] },
        },
      ],
    });
    expect(Object.values(vms).map(v => vmMatches(power, v))).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it('applies the default role to every signed-in user, with its scope', async () => {
    const policy = policyFor(
      {
        bindings: [],
        defaultRole: 'vm-viewer',
        defaultScope: { namespaces: ['payments'] },
      },
      ['user:default/bob'],
    );
    const bob = {
      credentials: mockCredentials.user('user:default/bob'),
      info: { userEntityRef: 'user:default/bob', ownershipEntityRefs: [] },
    };
    const read = await policy.handle({ permission: vmReadPermission }, bob);
    expect(Object.values(vms).map(v => vmMatches(read, v))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    await expect(
      policy.handle({ permission: vmPowerPermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('creates in the namespaces of an owned scope that lists them', async () => {
    const policy = policyFor({
      bindings: [
        {
          subjects: [TEAM],
          role: 'vm-admin',
          scope: { owned: true, namespaces: ['east/payments'] },
        },
      ],
    });
    const create = await policy.handle(
      { permission: vmCreatePermission },
      user,
    );
    expect(namespaces.map(ns => namespaceMatches(create, ns))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('delegates every other permission (allow-all by default) and denies VMs to callers without a user', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    const policy = policyFor({ bindings: [] });
    await expect(
      policy.handle({ permission: catalogRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(policy.handle({ permission: catalogRead })).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(
      policyFor({ bindings: [{ subjects: [TEAM], role: 'vm-admin' }] }).handle({
        permission: vmReadPermission,
      }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });

    const delegate = {
      handle: jest.fn(
        async () => ({ result: AuthorizeResult.DENY } as PolicyDecision),
      ),
    };
    const wrapped = policyFor(
      { bindings: [{ subjects: [TEAM], role: 'vm-admin' }] },
      [ALICE, TEAM],
      delegate,
    );
    await expect(
      wrapped.handle({ permission: catalogRead }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    expect(delegate.handle).toHaveBeenCalledWith(
      { permission: catalogRead },
      user,
    );
    await expect(
      wrapped.handle({ permission: vmReadPermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    expect(delegate.handle).toHaveBeenCalledTimes(1);
  });

  it('grants node maintenance to vm-admin only, and only through a binding without a scope (a node holds every team’s VMs)', async () => {
    const decisions = [];
    for (const role of vmRoles)
      for (const { config, scope } of scopes) {
        const policy = policyFor({
          bindings: [{ subjects: [TEAM], role, scope: config }],
        });
        const scoped = !!(scope.owned || scope.clusters || scope.namespaces);
        decisions.push({
          role,
          scope: JSON.stringify(config),
          result: (
            await policy.handle({ permission: nodeMaintenancePermission }, user)
          ).result,
          expected:
            role === 'vm-admin' && !scoped
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        });
      }
    expect(decisions.map(d => [d.role, d.scope, d.result])).toEqual(
      decisions.map(d => [d.role, d.scope, d.expected]),
    );
  });

  it('fails closed on a KubeVirt permission no role grants', async () => {
    const unknown = createPermission({
      name: 'kubevirt.vm.export',
      attributes: {},
      resourceType: 'kubevirt-vm',
    });
    const policy = policyFor({
      bindings: [{ subjects: [TEAM], role: 'vm-admin' }],
    });
    await expect(policy.handle({ permission: unknown }, user)).resolves.toEqual(
      { result: AuthorizeResult.DENY },
    );
  });
});
