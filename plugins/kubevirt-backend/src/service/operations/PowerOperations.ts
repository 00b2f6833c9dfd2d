import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { VmAction } from '@kubevirt-backstage/plugin-kubevirt-common';
import { apiGroups, apiPath, dryRunQuery } from '../../clusters/apiPath';
import { dryRunBody } from '../schemas';
import { KubeObject } from '../../cache/ResourceCache';
import { vmLabel, VmRef } from '../VmRef';
import { vmPath } from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';

/** How each action reaches KubeVirt: its subresource and request body. */
const actionCalls: Record<
  VmAction,
  {
    resource: 'virtualmachines' | 'virtualmachineinstances';
    sub: string;
    body?: object;
  }
> = {
  start: { resource: 'virtualmachines', sub: 'start' },
  stop: { resource: 'virtualmachines', sub: 'stop' },
  forceStop: {
    resource: 'virtualmachines',
    sub: 'stop',
    body: { gracePeriod: 0 },
  },
  restart: { resource: 'virtualmachines', sub: 'restart' },
  // the guest reboots (guest agent, else ACPI) inside the same instance (virt-api SoftRebootVMIRequestHandler)
  softReboot: { resource: 'virtualmachineinstances', sub: 'softreboot' },
  pause: { resource: 'virtualmachineinstances', sub: 'pause' },
  unpause: { resource: 'virtualmachineinstances', sub: 'unpause' },
  migrate: { resource: 'virtualmachines', sub: 'migrate' },
};

/** The action as the end of "only a running VM can be …", for the VMI actions' 409. */
const actionDone: Partial<Record<VmAction, string>> = {
  pause: 'paused',
  unpause: 'unpaused',
  softReboot: 'soft-rebooted',
};

/**
 * A VM's power: start, stop, force stop, restart, soft reboot, pause, unpause (and
 * migrate, the one other single-request action: MigrationOperations calls it
 * through `act`), and delete.
 */
export class PowerOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  /** One subresource call: authorized first, then the body is validated, then the cluster is asked. */
  async act(
    ref: VmRef,
    action: VmAction,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<{ dryRun: boolean }> {
    const call = actionCalls[action];
    if (!call) throw new InputError(`Unknown action ${action}`);
    return this.runner.run(
      {
        event: `vm-${action}`,
        ref,
        credentials,
        permission: action,
        body: { schema: dryRunBody, value: body },
      },
      async ({ cache, input, call: clusterCall }) => {
        if (
          call.resource === 'virtualmachineinstances' &&
          cache.vms.get(ref.namespace, ref.name) &&
          !cache.vmis.get(ref.namespace, ref.name)
        ) {
          // KubeVirt pauses, unpauses and soft-reboots only a running instance (virt-api: 409 "VMI is not running")
          const status =
            cache.vms.get(ref.namespace, ref.name)?.status?.printableStatus ??
            'Stopped';
          throw new ConflictError(
            `Virtual machine ${ref.namespace}/${ref.name} on cluster ${ref.cluster} is not running (${status}); only a running VM can be ${actionDone[action]}`,
          );
        }
        const path = apiPath({
          ...apiGroups.subresources,
          namespace: ref.namespace,
          resource: call.resource,
          name: ref.name,
          subresource: call.sub,
        });
        await clusterCall(() =>
          cache.client.request('PUT', path, {
            ...call.body,
            ...(input.dryRun ? { dryRun: ['All'] } : {}),
          }),
        );
        return { dryRun: !!input.dryRun };
      },
    );
  }

  async delete(
    ref: VmRef,
    options: { dryRun?: boolean },
    credentials: BackstageCredentials,
  ) {
    return this.runner.run(
      { event: 'vm-delete', ref, credentials, permission: 'delete' },
      async ({ cache, call }) => {
        // the apiserver answers a repeated delete of a terminating object as the first (200/202 with
        // it), so a user's second delete would look accepted again: say what is going on instead
        const current = await call(() =>
          cache.client.request<KubeObject>('GET', vmPath(ref)),
        );
        const since = current.metadata.deletionTimestamp;
        if (since) {
          const finalizers = (current.metadata.finalizers ?? []) as string[];
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } is already being deleted (since ${since}${
              finalizers.length ? `; waiting for ${finalizers.join(', ')}` : ''
            })`,
          );
        }
        await call(() =>
          cache.client.request(
            'DELETE',
            apiPath(
              {
                ...apiGroups.kubevirt,
                namespace: ref.namespace,
                resource: 'virtualmachines',
                name: ref.name,
              },
              dryRunQuery(options.dryRun),
            ),
            { propagationPolicy: 'Foreground' },
          ),
        );
      },
    );
  }
}
