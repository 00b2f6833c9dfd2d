import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  UnavailableOperations,
  VmOperation,
  vmOperationPermissions,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtVmResource } from '@kubevirt-backstage/plugin-kubevirt-node';
import { KubeObject } from '../../cache/ResourceCache';
import { DecisionSet } from './PermissionDecisionCache';

const operations = Object.keys(vmOperationPermissions) as VmOperation[];

/** The operations of a decision set grouped by equal decision, so each distinct condition is tested once per VM. */
interface DecisionGroups {
  read: PolicyDecision;
  groups: { decision: PolicyDecision; operations: Set<VmOperation> }[];
}

const groupsOf = new WeakMap<DecisionSet, DecisionGroups>();

/**
 * The rule view of each cached VM object, kept while its owners are the same
 * array of the ownership index (a reload makes new ones): a count or an
 * all-VMs page judges every VM, and one object per VM per request was most
 * of the garbage at 100k VMs. A changed VM is a new object.
 */
const resources = new WeakMap<
  KubeObject,
  { cluster: string; owners: string[]; resource: KubevirtVmResource }
>();

function decisionGroups(set: DecisionSet): DecisionGroups {
  let known = groupsOf.get(set);
  if (known) return known;
  const byJson = new Map<
    string,
    { decision: PolicyDecision; operations: Set<VmOperation> }
  >();
  for (const op of operations) {
    const decision = set.byPermission.get(vmOperationPermissions[op].name);
    if (!decision || decision.result === AuthorizeResult.DENY) continue;
    const json = JSON.stringify(decision);
    let group = byJson.get(json);
    if (!group) byJson.set(json, (group = { decision, operations: new Set() }));
    group.operations.add(op);
  }
  known = {
    read: set.byPermission.get(vmOperationPermissions.read.name) ?? {
      result: AuthorizeResult.DENY,
    },
    groups: [...byJson.values()],
  };
  groupsOf.set(set, known);
  return known;
}

export interface VmRowAccessOptions {
  decisions: DecisionSet;
  matches: (decision: PolicyDecision, vm: KubevirtVmResource) => boolean;
  /** The owners of a kubernetes-id as the ownership index holds them now. */
  ownersOf: (kubernetesId: string | undefined) => string[];
  /** What a cluster cannot perform, asked once per cluster for the whole request. */
  unavailableOf: (cluster: string) => UnavailableOperations;
}

/**
 * One request's view of many VMs: whether the caller may read each, and the
 * operations it may run on it, decided locally from one cached decision set
 * without a promise per VM. Each distinct condition of the set is tested once
 * per VM (a role's permissions mostly share one scope), and a cluster's
 * unavailable operations are computed once per request, not once per row.
 */
export class VmRowAccess {
  private readonly groups: DecisionGroups;
  private readonly unavailable = new Map<string, UnavailableOperations>();

  constructor(private readonly options: VmRowAccessOptions) {
    this.groups = decisionGroups(options.decisions);
  }

  /** Equal for callers whose decisions are equal: what follows from the decisions alone may be shared. */
  get decisionsKey() {
    return this.options.decisions.contentKey;
  }

  /** Whether the caller may read no VM at all. */
  get readsNothing() {
    return this.groups.read.result === AuthorizeResult.DENY;
  }

  /** Whether the caller may read every VM. */
  get readsAll() {
    return this.groups.read.result === AuthorizeResult.ALLOW;
  }

  resourceOf(cluster: string, vm: KubeObject): KubevirtVmResource {
    const labels = vm.metadata.labels ?? {};
    const owners = this.options.ownersOf(labels['backstage.io/kubernetes-id']);
    const known = resources.get(vm);
    if (known && known.owners === owners && known.cluster === cluster)
      return known.resource;
    const resource = {
      cluster,
      namespace: vm.metadata.namespace ?? '',
      name: vm.metadata.name,
      labels,
      owners,
    };
    resources.set(vm, { cluster, owners, resource });
    return resource;
  }

  canRead(resource: KubevirtVmResource) {
    return this.test(this.groups.read, resource);
  }

  /** The operations the caller may run on a readable VM, and those its cluster cannot perform. */
  operationsOn(resource: KubevirtVmResource): {
    allowedOperations: VmOperation[];
    unavailableOperations?: UnavailableOperations;
  } {
    let unavailable = this.unavailable.get(resource.cluster);
    if (!unavailable) {
      unavailable = this.options.unavailableOf(resource.cluster);
      this.unavailable.set(resource.cluster, unavailable);
    }
    const allowed = new Set<VmOperation>();
    for (const group of this.groups.groups)
      if (this.test(group.decision, resource))
        for (const op of group.operations) allowed.add(op);
    return {
      allowedOperations: operations.filter(
        op => allowed.has(op) && !unavailable![op],
      ),
      ...(Object.keys(unavailable).length
        ? { unavailableOperations: unavailable }
        : {}),
    };
  }

  private test(decision: PolicyDecision, resource: KubevirtVmResource) {
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result === AuthorizeResult.DENY) return false;
    return this.options.matches(decision, resource);
  }
}
