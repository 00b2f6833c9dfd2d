import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  KUBEVIRT_NAMESPACE_RESOURCE_TYPE,
  KUBEVIRT_VM_RESOURCE_TYPE,
  kubevirtActionsPermission,
  roleGrants,
} from '@internal/plugin-kubevirt-common';
import {
  createKubevirtNamespaceConditionalDecision,
  createKubevirtVmConditionalDecision,
  kubevirtNamespaceConditions,
  kubevirtVmConditions,
} from '@internal/plugin-kubevirt-node';
import { KubevirtRolesConfig, VmRoleBinding, VmScope } from './config';

/** What non-VM permissions get when nobody set a delegate: the allow-all policy's answer. */
export const allowAllPolicy: PermissionPolicy = {
  async handle() {
    return { result: AuthorizeResult.ALLOW };
  },
};

type Criteria<T extends string> = PermissionCriteria<PermissionCondition<T>>;

/** `undefined` = unconditional: the scope covers every VM (or namespace). */
type ScopeCriteria<T extends string> = Criteria<T> | undefined;

type VmCriteria = Criteria<typeof KUBEVIRT_VM_RESOURCE_TYPE>;
type NamespaceCriteria = Criteria<typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE>;

const DENY: PolicyDecision = { result: AuthorizeResult.DENY };
const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };

function isKubevirtPermission(permission: Permission) {
  return (
    isResourcePermission(permission, KUBEVIRT_VM_RESOURCE_TYPE) ||
    isResourcePermission(permission, KUBEVIRT_NAMESPACE_RESOURCE_TYPE) ||
    permission.name.startsWith('kubevirt.')
  );
}

function combine<T extends string>(parts: Criteria<T>[]): ScopeCriteria<T> {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { allOf: parts as [Criteria<T>, ...Criteria<T>[]] };
}

function vmScopeCriteria(scope: VmScope, owners: string[]): ScopeCriteria<typeof KUBEVIRT_VM_RESOURCE_TYPE> {
  const parts: VmCriteria[] = [];
  if (scope.owned) parts.push(kubevirtVmConditions.isOwnedBy({ owners }));
  if (scope.clusters) parts.push(kubevirtVmConditions.isInCluster({ clusters: scope.clusters }));
  if (scope.namespaces) parts.push(kubevirtVmConditions.isInNamespace({ namespaces: scope.namespaces }));
  return combine(parts);
}

/**
 * Creating has no VM to own yet, so the `owned` part of a scope cannot apply:
 * only its clusters and namespaces do. An `owned` scope with neither grants no
 * create at all (fail closed) instead of "create anywhere".
 */
function namespaceScopeCriteria(scope: VmScope): ScopeCriteria<typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE> | 'none' {
  const parts: NamespaceCriteria[] = [];
  if (scope.clusters) parts.push(kubevirtNamespaceConditions.isInCluster({ clusters: scope.clusters }));
  if (scope.namespaces) parts.push(kubevirtNamespaceConditions.isInNamespace({ namespaces: scope.namespaces }));
  if (parts.length === 0 && scope.owned) return 'none';
  return combine(parts);
}

export interface KubevirtPolicyOptions {
  roles: KubevirtRolesConfig;
  userInfo: UserInfoService;
  /** Answers every permission that is not a KubeVirt one; allow-all when unset. */
  delegate?: PermissionPolicy;
}

/**
 * VM roles as a permission policy: users and groups → role (vm-viewer … vm-admin)
 * → the role's permissions, limited to the binding's scope. VM permissions get
 * conditional decisions built from the broker's rules (owned by, in cluster, in
 * namespace), so the broker resolves them against its cached VMs and filters
 * lists with them; a user in several bindings gets their union. Everything
 * else goes to the delegate, so the module can replace allow-all in a portal
 * that has no other policy without changing any other plugin's behaviour.
 */
export class KubevirtPolicy implements PermissionPolicy {
  private readonly roles: KubevirtRolesConfig;
  private readonly userInfo: UserInfoService;
  private readonly delegate: PermissionPolicy;

  constructor(options: KubevirtPolicyOptions) {
    this.roles = options.roles;
    this.userInfo = options.userInfo;
    this.delegate = options.delegate ?? allowAllPolicy;
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (!isKubevirtPermission(permission)) return this.delegate.handle(request, user);
    // no user (unauthenticated): no VM rights. Service principals never reach a policy.
    if (!user) return DENY;

    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(user.credentials);
    // the VM tools of the actions registry are visible to whoever holds any VM role
    if (isPermission(permission, kubevirtActionsPermission)) {
      return this.bindingsFor(ownershipEntityRefs).length ? ALLOW : DENY;
    }
    const bindings = this.bindingsFor(ownershipEntityRefs).filter(b => roleGrants(b.role, permission));
    if (bindings.length === 0) return DENY;

    if (isResourcePermission(permission, KUBEVIRT_VM_RESOURCE_TYPE)) {
      // the catalog may spell owners with other case than the identity does
      const owners = [...new Set([...ownershipEntityRefs, ...ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'))])];
      return this.union(
        bindings.map(b => vmScopeCriteria(b.scope, owners)),
        conditions => createKubevirtVmConditionalDecision(permission, conditions),
      );
    }
    if (isResourcePermission(permission, KUBEVIRT_NAMESPACE_RESOURCE_TYPE)) {
      const scopes = bindings
        .map(b => namespaceScopeCriteria(b.scope))
        .filter((s): s is ScopeCriteria<typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE> => s !== 'none');
      if (scopes.length === 0) return DENY;
      return this.union(scopes, conditions => createKubevirtNamespaceConditionalDecision(permission, conditions));
    }
    // a KubeVirt permission without a resource: only an unscoped binding can grant it
    return bindings.some(b => !b.scope.owned && !b.scope.clusters && !b.scope.namespaces) ? ALLOW : DENY;
  }

  /** The bindings naming the user or one of their ownership refs, then the default role. */
  private bindingsFor(ownershipEntityRefs: string[]): Omit<VmRoleBinding, 'subjects'>[] {
    const refs = new Set(ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')));
    const matched: Omit<VmRoleBinding, 'subjects'>[] = this.roles.bindings.filter(b => b.subjects.some(s => refs.has(s)));
    if (this.roles.defaultBinding) matched.push(this.roles.defaultBinding);
    return matched;
  }

  private union<T extends string>(
    scopes: ScopeCriteria<T>[],
    decide: (conditions: Criteria<T>) => PolicyDecision,
  ): PolicyDecision {
    if (scopes.some(s => s === undefined)) return ALLOW;
    const criteria = scopes as Criteria<T>[];
    return decide(criteria.length === 1 ? criteria[0] : { anyOf: criteria as [Criteria<T>, ...Criteria<T>[]] });
  }
}
