import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AcceptedResponse,
  EvacuateNodeResponse,
  EvacuationResult,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { activeMigration } from '../details';
import { toBackstageError } from '../errors';
import { httpStatusOf } from '../httpStatus';
import { evacuateBody } from '../operationSchemas';
import { dryRunBody } from '../schemas';
import { vmLabel, VmRef } from '../VmRef';
import { isNotFound } from './clusterCalls';
import { PowerOperations } from './PowerOperations';
import { VmOperationRunner } from './VmOperationRunner';

const { core, kubevirt } = apiGroups;

/**
 * Live migration: migrate one VM, cancel its migration in progress, and
 * evacuate a node (migrate every VM running on it that the caller may).
 */
export class MigrationOperations {
  constructor(
    private readonly runner: VmOperationRunner,
    private readonly power: PowerOperations,
  ) {}

  /** Live-migrates one VM: the `migrate` action (a single subresource call, as the power actions). */
  migrate(ref: VmRef, body: unknown, credentials: BackstageCredentials) {
    return this.power.act(ref, 'migrate', body, credentials);
  }

  async cancelMigration(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<AcceptedResponse> {
    return this.runner.run(
      {
        event: 'vm-migration-cancel',
        ref,
        credentials,
        permission: 'cancelMigration',
        body: { schema: dryRunBody, value: body },
      },
      async ({ cache, input, call }) => {
        // ask the cluster, not the cache: a migration may have finished a moment ago
        const list = await call(() =>
          cache.client.request<{ items: KubeObject[] }>(
            'GET',
            apiPath({
              ...kubevirt,
              namespace: ref.namespace,
              resource: 'virtualmachineinstancemigrations',
            }),
          ),
        );
        const migration = activeMigration(
          list.items.filter(m => m.spec?.vmiName === ref.name),
        );
        if (!migration)
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } has no migration in progress`,
          );
        await call(() =>
          cache.client.request(
            'DELETE',
            apiPath(
              {
                ...kubevirt,
                namespace: ref.namespace,
                resource: 'virtualmachineinstancemigrations',
                name: migration.metadata.name,
              },
              dryRunQuery(input.dryRun),
            ),
          ),
        );
        return {
          accepted: true,
          dryRun: !!input.dryRun,
          migration: migration.metadata.name,
        };
      },
    );
  }

  /**
   * Live-migrates every VM running on a node, each authorized on its own
   * (kubevirt.vm.migrate), and says for each one that stays why.
   */
  async evacuateNode(
    cluster: string,
    node: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<EvacuateNodeResponse> {
    const ref = { cluster, namespace: '', name: node };
    return this.runner.run(
      {
        event: 'node-evacuate',
        ref,
        credentials,
        names: [
          ['cluster', cluster],
          ['node', node],
        ],
        // a caller whose role migrates no VM learns nothing about nodes, not even whether one exists
        permission: async () => {
          this.runner.access.mustCluster(ref);
          if (!(await this.runner.access.permitted('migrate', credentials))) {
            throw new NotAllowedError(
              `You may not migrate virtual machines on cluster ${cluster}`,
            );
          }
        },
        body: { schema: evacuateBody, value: body },
        meta: { node },
      },
      async ({ cache, input }) => {
        try {
          await cache.client.request(
            'GET',
            apiPath({ ...core, resource: 'nodes', name: node }),
          );
        } catch (error) {
          if (isNotFound(error))
            throw new NotFoundError(
              `No node named ${node} on cluster ${cluster}`,
            );
          throw toBackstageError(error, `Node ${node}`);
        }
        // only the VMs the caller may read are named, or counted
        const readable =
          (await this.runner.access.permitted('read', credentials)) ??
          (async () => false);
        const results: EvacuationResult[] = [];
        for (const vmi of cache.vmis.all()) {
          if (vmi.status?.nodeName !== node || vmi.status?.phase !== 'Running')
            continue;
          const vm = cache.vms.get(vmi.metadata.namespace, vmi.metadata.name);
          if (!vm || !(await readable(cluster, vm))) continue;
          const vmRef = {
            cluster,
            namespace: vmi.metadata.namespace ?? '',
            name: vmi.metadata.name,
          };
          results.push(
            await this.evacuateOne(
              cache,
              vmRef,
              vmi,
              !!input.dryRun,
              credentials,
            ),
          );
        }
        if (results.length && results.every(r => r.result === 'not-allowed')) {
          throw new NotAllowedError(
            `You may not migrate any of the virtual machines on node ${node} of cluster ${cluster}`,
          );
        }
        return { cluster, node, dryRun: !!input.dryRun, results };
      },
    );
  }

  private async evacuateOne(
    cache: ClusterCache,
    ref: VmRef,
    vmi: KubeObject,
    dryRun: boolean,
    credentials: BackstageCredentials,
  ): Promise<EvacuationResult> {
    const base = { namespace: ref.namespace, name: ref.name };
    try {
      await this.runner.access.authorize(ref, 'migrate', credentials);
    } catch {
      return {
        ...base,
        result: 'not-allowed',
        reason: 'your VM role does not allow migrating it',
      };
    }
    const migratable = (vmi.status?.conditions ?? []).find(
      (c: { type: string }) => c.type === 'LiveMigratable',
    );
    if (migratable?.status === 'False') {
      return {
        ...base,
        result: 'not-migratable',
        reason: `${migratable.reason ?? 'NotMigratable'}: ${
          migratable.message ?? 'KubeVirt says it cannot live-migrate'
        }`,
      };
    }
    if (
      activeMigration(cache.ofVm(cache.migrations, ref.namespace, ref.name))
    ) {
      return { ...base, result: 'migrating', reason: 'already migrating' };
    }
    if (vmi.spec?.evictionStrategy === 'None') {
      return {
        ...base,
        result: 'not-migratable',
        reason:
          'evictionStrategy is None: it is meant to stop, not move, when its node drains',
      };
    }
    try {
      await this.power.act(
        ref,
        'migrate',
        dryRun ? { dryRun: true } : {},
        credentials,
      );
      return { ...base, result: 'migrating' };
    } catch (error) {
      const status = httpStatusOf(error);
      return {
        ...base,
        result: status === 409 ? 'not-migratable' : 'failed',
        reason: (error as Error).message,
      };
    }
  }
}
