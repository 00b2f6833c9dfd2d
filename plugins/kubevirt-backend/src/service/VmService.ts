import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError, InputError } from '@backstage/errors';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer, PermissionRuleset } from '@backstage/plugin-permission-node';
import {
  kubevirtVmPermissions,
  vmCreatePermission,
  VmAction,
  VmDetail,
  VmListQuery,
  VmListResponse,
  VmOperation,
  vmOperationPermissions,
  VmSummary,
} from '@internal/plugin-kubevirt-common';
import { KubevirtVmResource, namespaceResourceRef, vmResourceRef } from '@internal/plugin-kubevirt-node';
import { ClusterCache } from '../cache/ClusterCache';
import { KubeObject } from '../cache/ResourceCache';
import { launcherPodInfo, migrationInfo, restoreInfo, snapshotInfo, volumesOf } from './details';
import { toBackstageError } from './errors';
import { OwnershipIndex } from './OwnershipIndex';
import { dryRunBody, parseInput } from './schemas';
import { summarize } from './summarize';

export interface VmRef {
  cluster: string;
  namespace: string;
  name: string;
}

// newest first; undated (in progress) before dated
const byTime = <T>(at: (item: T) => string | undefined) => (a: T, b: T) => String(at(b) ?? '~').localeCompare(String(at(a) ?? '~'));

/** How each action reaches KubeVirt: its subresource and request body. */
const actionCalls: Record<VmAction, { resource: 'virtualmachines' | 'virtualmachineinstances'; sub: string; body?: object }> = {
  start: { resource: 'virtualmachines', sub: 'start' },
  stop: { resource: 'virtualmachines', sub: 'stop' },
  forceStop: { resource: 'virtualmachines', sub: 'stop', body: { gracePeriod: 0 } },
  restart: { resource: 'virtualmachines', sub: 'restart' },
  pause: { resource: 'virtualmachineinstances', sub: 'pause' },
  unpause: { resource: 'virtualmachineinstances', sub: 'unpause' },
  migrate: { resource: 'virtualmachines', sub: 'migrate' },
};

/**
 * Every VM read and operation, knowing nothing of HTTP. Reads come from the
 * watch caches; each operation passes one authorization point before any
 * validation or cluster call, and every write is audited.
 */
export class VmService {
  private matches: (decision: PolicyDecision, vm: KubevirtVmResource) => boolean = () => false;

  constructor(
    private readonly clusters: Map<string, ClusterCache>,
    private readonly ownership: OwnershipIndex,
    private readonly permissions: PermissionsService,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /** The registry's ruleset exists once the resource type is registered, which needs this service. */
  setRuleset(ruleset: PermissionRuleset<KubevirtVmResource>) {
    this.matches = createConditionAuthorizer(ruleset);
  }

  /** The permission-rule view of a VM, or undefined when the cache has no such VM. */
  async resource(ref: VmRef): Promise<KubevirtVmResource | undefined> {
    const vm = this.clusters.get(ref.cluster)?.vms.get(ref.namespace, ref.name);
    if (!vm) return undefined;
    return this.toResource(ref.cluster, vm);
  }

  private async toResource(cluster: string, vm: KubeObject): Promise<KubevirtVmResource> {
    const labels = vm.metadata.labels ?? {};
    return {
      cluster,
      namespace: vm.metadata.namespace ?? '',
      name: vm.metadata.name,
      labels,
      owners: await this.ownership.ownersOf(labels['backstage.io/kubernetes-id']),
    };
  }

  /** One batch of conditional decisions for all VM permissions: the frontend contract's source. */
  private async decisions(credentials: BackstageCredentials) {
    const results = await this.permissions.authorizeConditional(
      kubevirtVmPermissions.map(permission => ({ permission })),
      { credentials },
    );
    return new Map(kubevirtVmPermissions.map((p, i) => [p.name, results[i] as PolicyDecision]));
  }

  private allowed(decisions: Map<string, PolicyDecision>, resource: KubevirtVmResource): VmOperation[] {
    return (Object.keys(vmOperationPermissions) as VmOperation[]).filter(op => {
      const decision = decisions.get(vmOperationPermissions[op].name);
      return !!decision && decision.result !== AuthorizeResult.DENY && this.matches(decision, resource);
    });
  }

  async list(query: VmListQuery, credentials: BackstageCredentials): Promise<VmListResponse> {
    const decisions = await this.decisions(credentials);
    const read = decisions.get(vmOperationPermissions.read.name)!;
    const clusterStatuses = [...this.clusters.values()]
      .filter(c => !query.cluster || c.name === query.cluster)
      .map(c => c.status());
    if (read.result === AuthorizeResult.DENY) {
      // no VM rights at all: nothing to show, and nothing about how much is hidden
      return { items: [], totalItems: 0, clusters: clusterStatuses.map(({ vmCount, ...s }) => s) };
    }
    const kubernetesId = query.kubernetesId ?? (query.entity ? await this.ownership.kubernetesIdOf(query.entity) ?? entityName(query.entity) : undefined);
    const text = query.text?.toLowerCase();
    const statuses = query.status?.length ? new Set(query.status.map(s => s.toLowerCase())) : undefined;
    const selector = query.labelSelector ? parseSelector(query.labelSelector) : undefined;
    const rows: VmSummary[] = [];
    for (const cache of this.clusters.values()) {
      if (query.cluster && cache.name !== query.cluster) continue;
      // the narrowest index that answers the query, so a 50-VM question costs 50 VMs at any cache size
      let candidates: Iterable<KubeObject>;
      if (kubernetesId) candidates = cache.vms.withLabel('backstage.io/kubernetes-id', kubernetesId);
      else if (selector?.equality) candidates = cache.vms.withLabel(selector.equality[0], selector.equality[1]);
      else if (query.namespace) candidates = cache.vms.inNamespace(query.namespace);
      else candidates = cache.vms.all();
      for (const vm of candidates) {
        if (query.namespace && vm.metadata.namespace !== query.namespace) continue;
        if (selector && !selector.matches(vm.metadata.labels ?? {})) continue;
        const summary = summarize(cache.name, vm, cache.vmis.get(vm.metadata.namespace, vm.metadata.name));
        if (statuses && !statuses.has(summary.status.toLowerCase())) continue;
        if (text && ![summary.name, summary.namespace, summary.os ?? '', summary.node ?? '', ...summary.ipAddresses].some(f => f.toLowerCase().includes(text))) continue;
        const resource = await this.toResource(cache.name, vm);
        if (!this.matches(read, resource)) continue;
        rows.push({ ...summary, allowedOperations: this.allowed(decisions, resource) });
      }
    }
    const key = query.sort ?? 'name';
    const dir = query.order === 'desc' ? -1 : 1;
    rows.sort((a, b) => dir * (String(a[key] ?? '').localeCompare(String(b[key] ?? '')) || a.name.localeCompare(b.name)));
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 500;
    return {
      items: rows.slice(offset, offset + limit),
      totalItems: rows.length,
      // per-cluster counts only of what the caller may see
      clusters: clusterStatuses.map(s => ({ ...s, vmCount: s.vmCount === undefined ? undefined : rows.filter(r => r.cluster === s.name).length })),
    };
  }

  /** Authorizes one operation on one VM; a VM the caller may not see is a 403 like any other denial. */
  async authorize(ref: VmRef, operation: VmOperation, credentials: BackstageCredentials) {
    const [decision] = await this.permissions.authorize(
      [{ permission: vmOperationPermissions[operation], resourceRef: vmResourceRef(ref) }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not ${operation} virtual machine ${ref.namespace}/${ref.name} on cluster ${ref.cluster}`);
    }
  }

  /** Creating has no VM yet: the create permission is decided on `<cluster>/<namespace>`. */
  async authorizeCreate(target: { cluster: string; namespace: string }, credentials: BackstageCredentials) {
    const [decision] = await this.permissions.authorize(
      [{ permission: vmCreatePermission, resourceRef: namespaceResourceRef(target) }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not create virtual machines in namespace ${target.namespace} on cluster ${target.cluster}`);
    }
  }

  /** The namespaces, of those given, where the caller may create VMs: one batch of decisions. */
  async creatableNamespaces(cluster: string, namespaces: string[], credentials: BackstageCredentials) {
    if (!namespaces.length) return [];
    const decisions = await this.permissions.authorize(
      namespaces.map(namespace => ({ permission: vmCreatePermission, resourceRef: namespaceResourceRef({ cluster, namespace }) })),
      { credentials },
    );
    return namespaces.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW);
  }

  /** A row as lists show it, with the caller's operations on it. */
  async summaryOf(cluster: string, vm: KubeObject, credentials: BackstageCredentials): Promise<VmSummary> {
    const decisions = await this.decisions(credentials);
    const vmi = this.clusters.get(cluster)?.vmis.get(vm.metadata.namespace, vm.metadata.name);
    return { ...summarize(cluster, vm, vmi), allowedOperations: this.allowed(decisions, await this.toResource(cluster, vm)) };
  }

  async get(ref: VmRef, credentials: BackstageCredentials): Promise<VmDetail> {
    await this.authorize(ref, 'read', credentials);
    const cache = this.mustCluster(ref);
    const vm = cache.vms.get(ref.namespace, ref.name);
    if (!vm) throw new NotFoundError(`Virtual machine ${ref.namespace}/${ref.name} not found on cluster ${ref.cluster}`);
    const vmi = cache.vmis.get(ref.namespace, ref.name);
    const decisions = await this.decisions(credentials);
    const launcherPods = cache.ofVm(cache.launcherPods, ref.namespace, ref.name);
    let events: VmDetail['events'] = [];
    try {
      // the VM's and instance's events share its name; its launcher pods' events are asked for by pod name
      const names = [ref.name, ...launcherPods.map(p => p.metadata.name)];
      const lists = await Promise.all(
        names.map(n =>
          cache.client.request<{ items: any[] }>('GET', `/api/v1/namespaces/${ref.namespace}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${n}`)}`),
        ),
      );
      events = lists
        .flatMap(list => list.items)
        .filter(e => ['VirtualMachine', 'VirtualMachineInstance', 'Pod'].includes(e.involvedObject?.kind))
        .map(e => ({ type: e.type, reason: e.reason, message: e.message, lastTimestamp: e.lastTimestamp, count: e.count, involvedObject: { kind: e.involvedObject.kind, name: e.involvedObject.name } }))
        .sort((a, b) => String(b.lastTimestamp).localeCompare(String(a.lastTimestamp)));
    } catch (error) {
      this.logger.warn(`Events of ${ref.namespace}/${ref.name} on ${ref.cluster} unavailable: ${error}`);
    }
    return {
      summary: { ...summarize(ref.cluster, vm, vmi), allowedOperations: this.allowed(decisions, await this.toResource(ref.cluster, vm)) },
      vm,
      vmi,
      events,
      launcherPods: launcherPods.map(launcherPodInfo),
      snapshots: cache.ofVm(cache.snapshots, ref.namespace, ref.name).map(snapshotInfo).sort(byTime(s => s.creationTime)),
      restores: cache.ofVm(cache.restores, ref.namespace, ref.name).map(restoreInfo).sort(byTime(r => r.restoreTime)),
      migrations: cache.ofVm(cache.migrations, ref.namespace, ref.name).map(m => migrationInfo(m, vmi)).sort(byTime(m => m.created)),
      volumes: volumesOf(vm, vmi, dv => cache.dataVolumes.get(ref.namespace, dv)),
    };
  }

  /** One subresource call: authorized first, then the body is validated, then the cluster is asked. */
  async act(ref: VmRef, action: VmAction, body: unknown, credentials: BackstageCredentials): Promise<{ dryRun: boolean }> {
    const call = actionCalls[action];
    if (!call) throw new InputError(`Unknown action ${action}`);
    return this.audited(`vm-${action}`, ref, credentials, async () => {
      await this.authorize(ref, action, credentials);
      const options = parseInput(dryRunBody, body);
      const cache = this.mustCluster(ref);
      const path = `/apis/subresources.kubevirt.io/v1/namespaces/${ref.namespace}/${call.resource}/${ref.name}/${call.sub}`;
      await this.clusterCall(ref, () =>
        cache.client.request('PUT', path, { ...call.body, ...(options.dryRun ? { dryRun: ['All'] } : {}) }),
      );
      return { dryRun: !!options.dryRun };
    }, { dryRun: !!(body as { dryRun?: unknown } | undefined)?.dryRun });
  }

  async delete(ref: VmRef, options: { dryRun?: boolean }, credentials: BackstageCredentials) {
    return this.audited('vm-delete', ref, credentials, async () => {
      await this.authorize(ref, 'delete', credentials);
      const cache = this.mustCluster(ref);
      await this.clusterCall(ref, () =>
        cache.client.request('DELETE', `/apis/kubevirt.io/v1/namespaces/${ref.namespace}/virtualmachines/${ref.name}${options.dryRun ? '?dryRun=All' : ''}`, { propagationPolicy: 'Foreground' }),
      );
    });
  }

  /** Runs one cluster call and maps its failure to the Backstage error that names the target. */
  async clusterCall<T>(ref: VmRef, fn: () => Promise<T>) {
    try {
      return await fn();
    } catch (error) {
      throw toBackstageError(error, `Virtual machine ${ref.namespace}/${ref.name}`);
    }
  }

  mustCluster(ref: { cluster: string }) {
    const cache = this.clusters.get(ref.cluster);
    if (!cache) throw new NotFoundError(`No cluster named ${ref.cluster}`);
    return cache;
  }

  /** Every write runs inside one audit event: success, or failure with the error. */
  async audited<T>(eventId: string, ref: VmRef, credentials: BackstageCredentials, fn: () => Promise<T>, meta: Record<string, unknown> = {}) {
    const event = await this.auditor.createEvent({
      eventId,
      severityLevel: ['vm-delete', 'vm-restore', 'vm-update'].includes(eventId) ? 'high' : 'medium',
      meta: { cluster: ref.cluster, namespace: ref.namespace, name: ref.name, actor: principalOf(credentials), ...meta },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

function principalOf(credentials: BackstageCredentials) {
  const p = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
  return p.userEntityRef ?? p.subject ?? p.type;
}

function entityName(ref: string) {
  return ref.split('/').pop()!;
}

/**
 * Equality and set-based label selectors, evaluated against the cache; the
 * first `key=value` term, when there is one, picks candidates from an index.
 */
function parseSelector(selector: string): { matches: (labels: Record<string, string>) => boolean; equality?: [string, string] } {
  const parts = selector.split(/,(?![^(]*\))/).map(p => p.trim()).filter(Boolean);
  const tests = parts.map(part => {
    const set = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    if (set) {
      const values = set[3].split(',').map(v => v.trim());
      return (l: Record<string, string>) => (set[2] === 'in' ? values.includes(l[set[1]]) : !values.includes(l[set[1]]));
    }
    const eq = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/);
    if (eq) return (l: Record<string, string>) => (eq[2] === '!=' ? l[eq[1]] !== eq[3] : l[eq[1]] === eq[3]);
    const not = part.match(/^!([\w./-]+)$/);
    if (not) return (l: Record<string, string>) => !(not[1] in l);
    if (/^[\w./-]+$/.test(part)) return (l: Record<string, string>) => part in l;
    throw new InputError(`Invalid label selector: ${part}`);
  });
  const equality = parts.map(p => p.match(/^([\w./-]+)\s*==?\s*([\w.-]*)$/)).find(Boolean);
  return {
    matches: labels => tests.every(t => t(labels)),
    ...(equality ? { equality: [equality[1], equality[2]] as [string, string] } : {}),
  };
}
