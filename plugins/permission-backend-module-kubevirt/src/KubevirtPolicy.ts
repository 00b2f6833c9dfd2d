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
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  KUBEVIRT_NAMESPACE_RESOURCE_TYPE,
  KUBEVIRT_VM_RESOURCE_TYPE,
  kubevirtActionsPermission,
  roleGrants,
  vmReadPermission,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  createKubevirtNamespaceConditionalDecision,
  createKubevirtVmConditionalDecision,
  kubevirtNamespaceConditions,
  kubevirtVmConditions,
} from '@kubevirt-backstage/plugin-kubevirt-node';
import {
  KubernetesPluginGrants,
  KubevirtRolesConfig,
  VmRoleBinding,
  VmScope,
} from './config';

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

/**
 * The permissions of the Kubernetes plugin (`kubernetesPermissions` of
 * `@backstage/plugin-kubernetes-common`), by name: the plugin reaches the same
 * clusters with the same credentials as the broker, so they are part of the VM
 * roles. The names are the contract; the integration test in
 * packages/backend/src/security runs the real plugin against them.
 */
const KUBERNETES_RESOURCES_READ = 'kubernetes.resources.read';
const KUBERNETES_CLUSTERS_READ = 'kubernetes.clusters.read';

/** Any `kubernetes.*` permission: kubernetes.proxy, the two above, and any a later version of the plugin adds. */
function isKubernetesPluginPermission(permission: Permission) {
  return permission.name.startsWith('kubernetes.');
}

const noKubernetesPluginGrants: KubernetesPluginGrants = {
  proxy: [],
  resourcesRead: [],
  ignoreVmRoles: false,
};

/** `scope: all`: every VM on every cluster. */
function isUnscoped(scope: VmScope) {
  return !scope.owned && !scope.clusters && !scope.namespaces;
}

function combine<T extends string>(parts: Criteria<T>[]): ScopeCriteria<T> {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { allOf: parts as [Criteria<T>, ...Criteria<T>[]] };
}

function vmScopeCriteria(
  scope: VmScope,
  owners: string[],
): ScopeCriteria<typeof KUBEVIRT_VM_RESOURCE_TYPE> {
  const parts: VmCriteria[] = [];
  if (scope.owned) parts.push(kubevirtVmConditions.isOwnedBy({ owners }));
  if (scope.clusters)
    parts.push(kubevirtVmConditions.isInCluster({ clusters: scope.clusters }));
  if (scope.namespaces)
    parts.push(
      kubevirtVmConditions.isInNamespace({ namespaces: scope.namespaces }),
    );
  return combine(parts);
}

/**
 * Creating has no VM to own yet, so the `owned` part of a scope cannot apply:
 * only its clusters and namespaces do. An `owned` scope with neither grants no
 * create at all (fail closed) instead of "create anywhere".
 */
function namespaceScopeCriteria(
  scope: VmScope,
): ScopeCriteria<typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE> | 'none' {
  const parts: NamespaceCriteria[] = [];
  if (scope.clusters)
    parts.push(
      kubevirtNamespaceConditions.isInCluster({ clusters: scope.clusters }),
    );
  if (scope.namespaces)
    parts.push(
      kubevirtNamespaceConditions.isInNamespace({
        namespaces: scope.namespaces,
      }),
    );
  if (parts.length === 0 && scope.owned) return 'none';
  return combine(parts);
}

export interface KubevirtPolicyOptions {
  roles: KubevirtRolesConfig;
  userInfo: UserInfoService;
  /**
   * Answers every permission that is neither a KubeVirt nor a Kubernetes plugin
   * one, and must also allow what this policy allows of the Kubernetes plugin's;
   * allow-all when unset.
   */
  delegate?: PermissionPolicy;
}

/**
 * VM roles as a permission policy: users and groups → role (vm-viewer … vm-admin)
 * → the role's permissions, limited to the binding's scope. VM permissions get
 * conditional decisions built from the broker's rules (owned by, in cluster, in
 * namespace), so the broker resolves them against its cached VMs and filters
 * lists with them; a user in several bindings gets their union. The
 * Kubernetes plugin's permissions (`kubernetes.*`) are part of the VM story:
 * that plugin reaches the same clusters with the same token, so its proxy is
 * denied unless `kubevirt.roles.kubernetesPlugin` grants it, and its object
 * reads follow the VM roles (see `handleKubernetesPlugin`). Everything else
 * goes to the delegate, so the module can replace allow-all in a portal that
 * has no other policy without changing any other plugin's behaviour.
 */
export class KubevirtPolicy implements PermissionPolicy {
  private readonly roles: KubevirtRolesConfig;
  private readonly userInfo: UserInfoService;
  private readonly delegate: PermissionPolicy;
  private readonly kubernetesPlugin: KubernetesPluginGrants;

  constructor(options: KubevirtPolicyOptions) {
    this.roles = options.roles;
    this.userInfo = options.userInfo;
    this.delegate = options.delegate ?? allowAllPolicy;
    this.kubernetesPlugin =
      options.roles.kubernetesPlugin ?? noKubernetesPluginGrants;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      isKubernetesPluginPermission(permission) &&
      !this.kubernetesPlugin.ignoreVmRoles
    ) {
      return this.handleKubernetesPlugin(request, user);
    }
    if (!isKubevirtPermission(permission))
      return this.delegate.handle(request, user);
    // no user (unauthenticated): no VM rights. Service principals never reach a policy.
    if (!user) return DENY;

    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    // the VM tools of the actions registry are visible to whoever holds any VM role
    if (isPermission(permission, kubevirtActionsPermission)) {
      return this.bindingsFor(ownershipEntityRefs).length ? ALLOW : DENY;
    }
    const bindings = this.bindingsFor(ownershipEntityRefs).filter(b =>
      roleGrants(b.role, permission),
    );
    if (bindings.length === 0) return DENY;

    if (isResourcePermission(permission, KUBEVIRT_VM_RESOURCE_TYPE)) {
      // the catalog may spell owners with other case than the identity does
      const owners = [
        ...new Set([
          ...ownershipEntityRefs,
          ...ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
        ]),
      ];
      return this.union(
        bindings.map(b => vmScopeCriteria(b.scope, owners)),
        conditions =>
          createKubevirtVmConditionalDecision(permission, conditions),
      );
    }
    if (isResourcePermission(permission, KUBEVIRT_NAMESPACE_RESOURCE_TYPE)) {
      const scopes = bindings
        .map(b => namespaceScopeCriteria(b.scope))
        .filter(
          (s): s is ScopeCriteria<typeof KUBEVIRT_NAMESPACE_RESOURCE_TYPE> =>
            s !== 'none',
        );
      if (scopes.length === 0) return DENY;
      return this.union(scopes, conditions =>
        createKubevirtNamespaceConditionalDecision(permission, conditions),
      );
    }
    // a KubeVirt permission without a resource: only an unscoped binding can grant it
    return bindings.some(b => isUnscoped(b.scope)) ? ALLOW : DENY;
  }

  /**
   * The Kubernetes plugin's permissions. Its proxy forwards any request to a
   * cluster with the plugin's credentials (the broker's token in a portal that
   * configures clusters once), and its objects routes return every object
   * labelled for any catalog entity the caller names, across namespaces: neither
   * carries a resource the VM scopes could filter, so
   * - `kubernetes.proxy`: only the subjects of `kubernetesPlugin.proxy`;
   * - `kubernetes.resources.read`: the subjects of `kubernetesPlugin.resourcesRead`
   *   or `.proxy`, and whoever holds a VM role with scope `all` (they may read
   *   every VM already; a narrower scope would leak the VMs outside it);
   * - `kubernetes.clusters.read` (cluster names and titles): every signed-in user;
   * - any other `kubernetes.*` permission (a later version of the plugin): as the proxy.
   * The policy only narrows: what it allows, a delegate set by another module must allow too.
   */
  private async handleKubernetesPlugin(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return DENY;
    const { permission } = request;
    if (permission.name !== KUBERNETES_CLUSTERS_READ) {
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        user.credentials,
      );
      const refs = new Set(
        ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
      );
      const named = (subjects: string[]) => subjects.some(s => refs.has(s));
      const proxy = named(this.kubernetesPlugin.proxy);
      const allowed =
        permission.name === KUBERNETES_RESOURCES_READ
          ? proxy ||
            named(this.kubernetesPlugin.resourcesRead) ||
            this.bindingsFor(ownershipEntityRefs).some(
              b => roleGrants(b.role, vmReadPermission) && isUnscoped(b.scope),
            )
          : proxy;
      if (!allowed) return DENY;
    }
    const delegated = await this.delegate.handle(request, user);
    return delegated.result === AuthorizeResult.ALLOW ? ALLOW : DENY;
  }

  /** The bindings naming the user or one of their ownership refs, then the default role. */
  private bindingsFor(
    ownershipEntityRefs: string[],
  ): Omit<VmRoleBinding, 'subjects'>[] {
    const refs = new Set(
      ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
    );
    const matched: Omit<VmRoleBinding, 'subjects'>[] =
      this.roles.bindings.filter(b => b.subjects.some(s => refs.has(s)));
    if (this.roles.defaultBinding) matched.push(this.roles.defaultBinding);
    return matched;
  }

  private union<T extends string>(
    scopes: ScopeCriteria<T>[],
    decide: (conditions: Criteria<T>) => PolicyDecision,
  ): PolicyDecision {
    if (scopes.some(s => s === undefined)) return ALLOW;
    const criteria = scopes as Criteria<T>[];
    return decide(
      criteria.length === 1
        ? criteria[0]
        : { anyOf: criteria as [Criteria<T>, ...Criteria<T>[]] },
    );
  }
}
