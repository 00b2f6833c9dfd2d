import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  AcceptedResponse,
  CreateSnapshotResponse,
  RestoreResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { KubeObject } from '../../cache/ResourceCache';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { restoreInfo, snapshotInfo } from '../details';
import { toBackstageError } from '../errors';
import { restoreBody, snapshotBody } from '../schemas';
import { vmLabel, VmRef } from '../VmRef';
import { generatedName, isNotFound, mustVm, stamp } from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';

const snapshots = apiGroups.snapshot;

/** Snapshots of a VM (take, delete) and restores of a VM from one of its snapshots. */
export class SnapshotOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  async snapshot(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<CreateSnapshotResponse> {
    return this.runner.run(
      {
        event: 'vm-snapshot',
        ref,
        credentials,
        permission: 'snapshot',
        body: { schema: snapshotBody, value: body },
      },
      async ({ cache, input, call }) => {
        mustVm(cache, ref);
        const name = input.name ?? generatedName(`${ref.name}-${stamp()}`);
        const created = await call(() =>
          cache.client.request<KubeObject>(
            'POST',
            apiPath(
              {
                ...snapshots,
                namespace: ref.namespace,
                resource: 'virtualmachinesnapshots',
              },
              dryRunQuery(input.dryRun),
            ),
            {
              apiVersion: 'snapshot.kubevirt.io/v1beta1',
              kind: 'VirtualMachineSnapshot',
              metadata: { name, namespace: ref.namespace },
              spec: {
                source: {
                  apiGroup: 'kubevirt.io',
                  kind: 'VirtualMachine',
                  name: ref.name,
                },
              },
            },
          ),
        );
        return { snapshot: snapshotInfo(created), dryRun: !!input.dryRun };
      },
    );
  }

  /** A snapshot of this VM, from the cluster: a snapshot of another VM is not found here. */
  private async snapshotOf(cache: ClusterCache, ref: VmRef, snapshot: string) {
    let snap: KubeObject | undefined;
    try {
      snap = await cache.client.request<KubeObject>(
        'GET',
        apiPath({
          ...snapshots,
          namespace: ref.namespace,
          resource: 'virtualmachinesnapshots',
          name: snapshot,
        }),
      );
    } catch (error) {
      if (!isNotFound(error)) throw toBackstageError(error, vmLabel(ref));
    }
    if (!snap || snap.spec?.source?.name !== ref.name) {
      throw new NotFoundError(
        `${vmLabel(ref)} on cluster ${
          ref.cluster
        } has no snapshot named ${snapshot}`,
      );
    }
    return snap;
  }

  async deleteSnapshot(
    ref: VmRef,
    snapshot: string,
    options: { dryRun?: boolean },
    credentials: BackstageCredentials,
  ): Promise<AcceptedResponse> {
    return this.runner.run(
      {
        event: 'vm-snapshot-delete',
        ref,
        credentials,
        names: [['snapshot', snapshot]],
        permission: 'deleteSnapshot',
        meta: { snapshot, dryRun: !!options.dryRun },
      },
      async ({ cache, call }) => {
        await this.snapshotOf(cache, ref, snapshot);
        await call(() =>
          cache.client.request(
            'DELETE',
            apiPath(
              {
                ...snapshots,
                namespace: ref.namespace,
                resource: 'virtualmachinesnapshots',
                name: snapshot,
              },
              dryRunQuery(options.dryRun),
            ),
          ),
        );
        return { accepted: true, dryRun: !!options.dryRun, snapshot };
      },
    );
  }

  async restore(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<RestoreResponse> {
    return this.runner.run(
      {
        event: 'vm-restore',
        ref,
        credentials,
        permission: 'restore',
        body: { schema: restoreBody, value: body },
        meta: {
          snapshot: (body as { snapshot?: unknown } | undefined)?.snapshot,
        },
      },
      async ({ cache, input, call }) => {
        const vm = mustVm(cache, ref);
        const snap = await this.snapshotOf(cache, ref, input.snapshot);
        if (!snap.status?.readyToUse) {
          throw new ConflictError(
            `Snapshot ${input.snapshot} of ${vmLabel(ref)} on cluster ${
              ref.cluster
            } is not ready to use (${snap.status?.phase ?? 'pending'})`,
          );
        }
        // KubeVirt's restore admitter refuses only a target whose instance exists ("VM must be stopped
        // before restore"), whatever its runStrategy; say so before asking
        if (cache.vmis.get(ref.namespace, ref.name)) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${ref.cluster} is running (${
              vm.status?.printableStatus ?? 'it has an instance'
            }); stop it before restoring snapshot ${input.snapshot}`,
          );
        }
        const name =
          input.name ?? generatedName(`${input.snapshot}-restore-${stamp()}`);
        const created = await call(() =>
          cache.client.request<KubeObject>(
            'POST',
            apiPath(
              {
                ...snapshots,
                namespace: ref.namespace,
                resource: 'virtualmachinerestores',
              },
              dryRunQuery(input.dryRun),
            ),
            {
              apiVersion: 'snapshot.kubevirt.io/v1beta1',
              kind: 'VirtualMachineRestore',
              metadata: { name, namespace: ref.namespace },
              spec: {
                target: {
                  apiGroup: 'kubevirt.io',
                  kind: 'VirtualMachine',
                  name: ref.name,
                },
                virtualMachineSnapshotName: input.snapshot,
              },
            },
          ),
        );
        return { restore: restoreInfo(created), dryRun: !!input.dryRun };
      },
    );
  }
}
