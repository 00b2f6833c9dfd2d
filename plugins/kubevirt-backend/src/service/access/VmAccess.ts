import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  ClusterStatus,
  UnavailableOperations,
  vmCreatePermission,
  VmOperation,
  vmOperationPermissions,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  KubevirtVmResource,
  namespaceResourceRef,
} from '@kubevirt-backstage/plugin-kubevirt-node';
import { ClusterCache } from '../../cache/ClusterCache';
import { ClusterCapabilityRegistry } from '../../clusters/capabilities/ClusterCapabilityRegistry';
import { KubeObject } from '../../cache/ResourceCache';
import { assertName, assertVmRef, isValidVmRef } from '../names';
import { OwnershipIndex } from '../OwnershipIndex';
import { VmRef } from '../VmRef';
import {
  DecisionSet,
  PermissionDecisionCache,
} from './PermissionDecisionCache';
import { VmRowAccess } from './VmRowAccess';

/**
 * Every access decision of the broker: one VM operation on one VM, creating
 * in a namespace, the namespaces where the caller may create, what a caller
 * may do on any VM (a predicate from one conditional decision), and the
 * operations a caller may run on a VM as lists and details show them.
 */
export class VmAccess {
  private matches: (
    decision: PolicyDecision,
    vm: KubevirtVmResource,
  ) => boolean = () => false;
  private capabilities?: ClusterCapabilityRegistry;

  constructor(
    private readonly clusters: Map<string, ClusterCache>,
    private readonly ownership: OwnershipIndex,
    private readonly permissions: PermissionsService,
    /** Each principal's VM decisions for a short time (PermissionDecisionCache); default: asked per request. */
    private readonly decisionCache = new PermissionDecisionCache({
      permissions,
      ttlMs: 0,
    }),
  ) {}

  /** The registry's ruleset exists once the resource type is registered, which needs this module. */
  setRuleset(ruleset: PermissionRuleset<KubevirtVmResource>) {
    this.matches = createConditionAuthorizer(ruleset);
  }

  /** What each cluster can do: operations it cannot perform are neither allowed nor run. */
  setCapabilities(capabilities: ClusterCapabilityRegistry) {
    this.capabilities = capabilities;
  }

  /** A cluster's status with its capabilities, as GET /clusters shows it. */
  statusOf(cache: ClusterCache): ClusterStatus {
    const capabilities = this.capabilities?.get(cache.name);
    return { ...cache.status(), ...(capabilities ? { capabilities } : {}) };
  }

  /** The operations the caller may run on a VM, and those its cluster cannot perform with the reason. */
  operationsOn(
    decisions: Map<string, PolicyDecision>,
    resource: KubevirtVmResource,
  ): {
    allowedOperations: VmOperation[];
    unavailableOperations?: UnavailableOperations;
  } {
    const unavailable = this.capabilities?.unavailable(resource.cluster) ?? {};
    return {
      allowedOperations: this.allowedOperations(decisions, resource).filter(
        op => !unavailable[op],
      ),
      ...(Object.keys(unavailable).length
        ? { unavailableOperations: unavailable }
        : {}),
    };
  }

  /** Refuses an operation the VM's cluster cannot perform (409 configured off, 501 not installed, with the reason), before any cluster call. */
  assertCapable(ref: VmRef, operation: VmOperation) {
    this.capabilities?.assertAvailable(
      ref.cluster,
      operation,
      `virtual machine ${ref.namespace}/${ref.name}`,
    );
  }

  /** A cluster's refusal may mean its feature gates changed. */
  noteClusterRefusal(cluster: string, error: unknown) {
    this.capabilities?.noteRefusal(cluster, error);
  }

  /** The cache of a configured cluster, or a 404 naming it. */
  mustCluster(ref: { cluster: string }) {
    assertName('cluster', ref.cluster);
    const cache = this.clusters.get(ref.cluster);
    if (!cache) throw new NotFoundError(`No cluster named ${ref.cluster}`);
    return cache;
  }

  /** The permission-rule view of a VM, or undefined when the cache has no such VM. */
  async resource(ref: VmRef): Promise<KubevirtVmResource | undefined> {
    if (!isValidVmRef(ref)) return undefined;
    const vm = this.clusters.get(ref.cluster)?.vms.get(ref.namespace, ref.name);
    if (!vm) return undefined;
    return this.toResource(ref.cluster, vm);
  }

  /** The permission-rule view of a VM object (also of one no longer in the cache, e.g. just deleted). */
  async toResource(
    cluster: string,
    vm: KubeObject,
  ): Promise<KubevirtVmResource> {
    const labels = vm.metadata.labels ?? {};
    return {
      cluster,
      namespace: vm.metadata.namespace ?? '',
      name: vm.metadata.name,
      labels,
      owners: await this.ownership.ownersOf(
        labels['backstage.io/kubernetes-id'],
      ),
    };
  }

  /** One batch of conditional decisions for all VM permissions: the frontend contract's source. */
  async decisions(
    credentials: BackstageCredentials,
  ): Promise<Map<string, PolicyDecision>> {
    return (await this.decisionCache.decisions(credentials)).byPermission;
  }

  /** The caller's decisions with their content key (see PermissionDecisionCache). */
  decisionSet(credentials: BackstageCredentials): Promise<DecisionSet> {
    return this.decisionCache.decisions(credentials);
  }

  /** One request's judge of many VMs: read and operations per VM, decided locally and synchronously. */
  async rowAccess(credentials: BackstageCredentials): Promise<VmRowAccess> {
    const [decisions] = await Promise.all([
      this.decisionCache.decisions(credentials),
      this.ownership.ready(),
    ]);
    return new VmRowAccess({
      decisions,
      matches: (decision, resource) => this.matches(decision, resource),
      ownersOf: id => this.ownership.ownersNow(id),
      unavailableOf: cluster => this.capabilities?.unavailable(cluster) ?? {},
    });
  }

  /** Whether a (conditional) decision allows it on this VM. */
  allows(decision: PolicyDecision, resource: KubevirtVmResource) {
    return this.matches(decision, resource);
  }

  /** The operations that one batch of decisions allows on a VM. */
  allowedOperations(
    decisions: Map<string, PolicyDecision>,
    resource: KubevirtVmResource,
  ): VmOperation[] {
    return (Object.keys(vmOperationPermissions) as VmOperation[]).filter(op => {
      const decision = decisions.get(vmOperationPermissions[op].name);
      return (
        !!decision &&
        decision.result !== AuthorizeResult.DENY &&
        this.matches(decision, resource)
      );
    });
  }

  /**
   * What the caller may do with `operation` on any VM: a predicate over cached
   * VMs from one conditional decision, or undefined when the role allows it on
   * no VM at all.
   */
  async permitted(
    operation: VmOperation,
    credentials: BackstageCredentials,
  ): Promise<
    ((cluster: string, vm: KubeObject) => Promise<boolean>) | undefined
  > {
    const decision = (await this.decisions(credentials)).get(
      vmOperationPermissions[operation].name,
    );
    if (!decision || decision.result === AuthorizeResult.DENY) return undefined;
    if (decision.result === AuthorizeResult.ALLOW) return async () => true;
    return async (cluster, vm) =>
      this.matches(decision, await this.toResource(cluster, vm));
  }

  /** Authorizes one operation on one VM; a VM the caller may not see is a 403 like any other denial. */
  async authorize(
    ref: VmRef,
    operation: VmOperation,
    credentials: BackstageCredentials,
  ) {
    // names first: a name that is not one never reaches a permission check or a cluster
    assertVmRef(ref);
    const cache = this.mustCluster(ref);
    // a VM the cache cannot vouch for (not synced, stale) is answered with the cluster's state, not a denial
    const unknown =
      !cache.vms.get(ref.namespace, ref.name) && cache.vmLookupUnavailable();
    if (unknown)
      throw new ServiceUnavailableError(
        `Cannot look up virtual machine ${ref.namespace}/${ref.name}: ${unknown}`,
      );
    // the caller's cached decision, its conditions applied here to the VM as the permission backend
    // would have them applied (it calls back this plugin's apply-conditions, which reads `resource`)
    const decision = (await this.decisions(credentials)).get(
      vmOperationPermissions[operation].name,
    );
    let allowed = decision?.result === AuthorizeResult.ALLOW;
    if (decision?.result === AuthorizeResult.CONDITIONAL) {
      const resource = await this.resource(ref);
      allowed = !!resource && this.matches(decision, resource);
    }
    if (!allowed) {
      throw new NotAllowedError(
        `You may not ${operation} virtual machine ${ref.namespace}/${ref.name} on cluster ${ref.cluster}`,
      );
    }
  }

  /** Creating has no VM yet: the create permission is decided on `<cluster>/<namespace>`. */
  async authorizeCreate(
    target: { cluster: string; namespace: string },
    credentials: BackstageCredentials,
  ) {
    assertName('cluster', target.cluster);
    assertName('namespace', target.namespace);
    this.mustCluster(target);
    const [decision] = await this.permissions.authorize(
      [
        {
          permission: vmCreatePermission,
          resourceRef: namespaceResourceRef(target),
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not create virtual machines in namespace ${target.namespace} on cluster ${target.cluster}`,
      );
    }
  }

  /** The namespaces, of those given, where the caller may create VMs: one batch of decisions. */
  async creatableNamespaces(
    cluster: string,
    namespaces: string[],
    credentials: BackstageCredentials,
  ) {
    assertName('cluster', cluster);
    if (!namespaces.length) return [];
    const decisions = await this.permissions.authorize(
      namespaces.map(namespace => ({
        permission: vmCreatePermission,
        resourceRef: namespaceResourceRef({ cluster, namespace }),
      })),
      { credentials },
    );
    return namespaces.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }
}
