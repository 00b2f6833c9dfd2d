import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NodeMaintenanceResponse,
  NodeMaintenanceStatus,
  nodeMaintenancePermission,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { activeMigration } from '../details';
import { toBackstageError } from '../errors';
import { assertName } from '../names';
import { dryRunBody } from '../schemas';
import { isNotFound } from './clusterCalls';
import { MigrationOperations } from './MigrationOperations';
import { VmOperationRunner } from './VmOperationRunner';

const finalPhases = ['Succeeded', 'Failed'];

/**
 * Node maintenance, as operators know it from VM platforms (Palette's "Turn
 * on maintenance mode", `kubectl cordon` then drain): cordon the node
 * (spec.unschedulable), live-migrate every VM instance off it as evacuation
 * does (a result per VM), report what is still on it until it is empty,
 * and uncordon it. Cordoning needs `patch` on nodes, which the broker may
 * lack on a cluster: that is a 403 naming the right.
 */
export class NodeMaintenanceOperations {
  constructor(
    private readonly runner: VmOperationRunner,
    private readonly migration: MigrationOperations,
    private readonly permissions: PermissionsService,
  ) {}

  /** The node's state and the VM instances still on it; the caller needs the maintenance permission. */
  async status(
    cluster: string,
    node: string,
    credentials: BackstageCredentials,
  ): Promise<NodeMaintenanceStatus> {
    assertName('cluster', cluster);
    assertName('node', node);
    await this.authorize(cluster, credentials);
    const cache = this.runner.access.mustCluster({ cluster });
    const object = await this.node(cache, cluster, node);
    return this.statusOf(cache, object, credentials);
  }

  /** Cordons the node, then live-migrates its VMs; audited as node-maintenance-start (and node-evacuate). */
  async start(
    cluster: string,
    node: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<NodeMaintenanceResponse> {
    return this.runner.run(
      {
        event: 'node-maintenance-start',
        ref: { cluster, namespace: '', name: node },
        credentials,
        names: [
          ['cluster', cluster],
          ['node', node],
        ],
        permission: () => this.authorize(cluster, credentials),
        body: { schema: dryRunBody, value: body },
        meta: { node },
      },
      async ({ cache, input }) => {
        const dryRun = !!input.dryRun;
        let object = await this.node(cache, cluster, node);
        // cordoned first, so that no migration (and no new VM) picks this node as its target
        if (!object.spec?.unschedulable)
          object = await this.setUnschedulable(
            cache,
            cluster,
            node,
            true,
            dryRun,
          );
        const evacuation = await this.migration.evacuateNode(
          cluster,
          node,
          dryRun ? { dryRun: true } : {},
          credentials,
        );
        return {
          ...(await this.statusOf(cache, object, credentials)),
          dryRun,
          results: evacuation.results,
        };
      },
    );
  }

  /** Uncordons the node; audited as node-maintenance-stop. */
  async stop(
    cluster: string,
    node: string,
    options: { dryRun?: boolean },
    credentials: BackstageCredentials,
  ): Promise<NodeMaintenanceResponse> {
    return this.runner.run(
      {
        event: 'node-maintenance-stop',
        ref: { cluster, namespace: '', name: node },
        credentials,
        names: [
          ['cluster', cluster],
          ['node', node],
        ],
        permission: () => this.authorize(cluster, credentials),
        meta: { node, dryRun: !!options.dryRun },
      },
      async ({ cache }) => {
        const dryRun = !!options.dryRun;
        let object = await this.node(cache, cluster, node);
        if (object.spec?.unschedulable)
          object = await this.setUnschedulable(
            cache,
            cluster,
            node,
            false,
            dryRun,
          );
        return { ...(await this.statusOf(cache, object, credentials)), dryRun };
      },
    );
  }

  private async authorize(cluster: string, credentials: BackstageCredentials) {
    this.runner.access.mustCluster({ cluster });
    const [decision] = await this.permissions.authorize(
      [{ permission: nodeMaintenancePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `You may not put nodes of cluster ${cluster} into maintenance: it needs kubevirt.node.maintenance (vm-admin, on every VM)`,
      );
  }

  private async node(cache: ClusterCache, cluster: string, node: string) {
    try {
      return await cache.client.request<KubeObject>(
        'GET',
        apiPath({ ...apiGroups.core, resource: 'nodes', name: node }),
      );
    } catch (error) {
      if (isNotFound(error))
        throw new NotFoundError(`No node named ${node} on cluster ${cluster}`);
      throw this.refusal(error, cluster, node, 'get');
    }
  }

  private async setUnschedulable(
    cache: ClusterCache,
    cluster: string,
    node: string,
    unschedulable: boolean,
    dryRun: boolean,
  ) {
    try {
      // as kubectl cordon/uncordon: uncordoned is the field unset
      return await cache.client.request<KubeObject>(
        'PATCH',
        apiPath(
          { ...apiGroups.core, resource: 'nodes', name: node },
          dryRunQuery(dryRun),
        ),
        { spec: { unschedulable: unschedulable ? true : null } },
        'application/merge-patch+json',
      );
    } catch (error) {
      throw this.refusal(error, cluster, node, 'patch');
    }
  }

  /** A 403 on a node is a right the broker (or the user it acts as) lacks: said with the right to grant. */
  private refusal(error: unknown, cluster: string, node: string, verb: string) {
    if (error instanceof KubernetesStatusError && error.statusCode === 403) {
      const who = error.actingAs
        ? `${error.actingAs}, whom the broker acts as,`
        : "The broker's service account";
      return new NotAllowedError(
        `${who} may not ${verb} nodes on cluster ${cluster}: node maintenance needs the right "${verb}" on "nodes" (core API group, cluster-wide; see docs/broker-rbac.yaml). The cluster said: ${error.message}`,
      );
    }
    return toBackstageError(error, `Node ${node}`);
  }

  private async statusOf(
    cache: ClusterCache,
    node: KubeObject,
    credentials: BackstageCredentials,
  ): Promise<NodeMaintenanceStatus> {
    const name = node.metadata.name;
    const onNode = [...cache.vmis.all()].filter(
      vmi =>
        vmi.status?.nodeName === name &&
        !finalPhases.includes(vmi.status?.phase),
    );
    // only the VMs the caller may read are named
    const readable =
      (await this.runner.access.permitted('read', credentials)) ??
      (async () => false);
    const vms = [];
    for (const vmi of onNode) {
      const namespace = vmi.metadata.namespace ?? '';
      const vm = cache.vms.get(namespace, vmi.metadata.name);
      if (!vm || !(await readable(cache.name, vm))) continue;
      vms.push({
        namespace,
        name: vmi.metadata.name,
        migrating: !!activeMigration(
          cache.ofVm(cache.migrations, namespace, vmi.metadata.name),
        ),
      });
    }
    const unschedulable = !!node.spec?.unschedulable;
    return {
      cluster: cache.name,
      node: name,
      unschedulable,
      ready: (node.status?.conditions ?? []).some(
        (c: { type: string; status: string }) =>
          c.type === 'Ready' && c.status === 'True',
      ),
      vmCount: onNode.length,
      vms,
      drained: unschedulable && onNode.length === 0,
    };
  }
}
