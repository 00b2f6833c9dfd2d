import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtActionError, statusOf, vmLabel } from '../util/errors';
import { waitForVm } from '../util/waitForVm';
import { DEFAULT_POLL_MS, KubevirtActionDeps, timeoutMs, Z } from './deps';

export function createVmDeleteAction(deps: KubevirtActionDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:vm:delete',
    description:
      "Deletes a KubeVirt VM (with the disks and SSH key Secret it owns) with the initiator's permissions, and waits until it is gone. A VM that is already gone is success.",
    examples: [
      {
        description: 'Delete a VM and wait until it is gone',
        example: `steps:
  - id: delete
    name: Delete VM
    action: kubevirt:vm:delete
    input: { cluster: local-sim, namespace: payments, name: scratch-vm, timeoutSeconds: 300 }`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z: Z) =>
          z
            .string()
            .min(1)
            .describe(
              'Cluster name as configured under kubernetes.clusterLocatorMethods',
            ),
        namespace: (z: Z) => z.string().min(1).describe('Namespace of the VM'),
        name: (z: Z) => z.string().min(1).describe('Name of the VM'),
        wait: (z: Z) =>
          z
            .boolean()
            .optional()
            .describe('Wait until the VM is gone; default true'),
        timeoutSeconds: (z: Z) =>
          z
            .number()
            .int()
            .min(1)
            .max(86400)
            .optional()
            .describe('How long to wait; default 600'),
      },
      output: {
        deleted: (z: Z) =>
          z
            .boolean()
            .describe('False when the VM was already gone (or in a dry run)'),
      },
    },
    async handler(ctx) {
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      const client = deps.kubevirt.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      try {
        await client.deleteVm(ref, { dryRun: !!ctx.isDryRun });
      } catch (error) {
        if (statusOf(error) !== 404)
          throw new KubevirtActionError('delete', ref, error);
        ctx.logger.info(`${vmLabel(ref)} does not exist: nothing to delete`);
        ctx.output('deleted', false);
        return;
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: deleting ${vmLabel(ref)} accepted; nothing deleted`,
        );
        ctx.output('deleted', false);
        return;
      }
      ctx.logger.info(`Deleting ${vmLabel(ref)}`);
      if (ctx.input.wait !== false) {
        await waitForVm(
          client,
          ref,
          { gone: true },
          {
            timeoutMs: timeoutMs(ctx.input.timeoutSeconds),
            intervalMs,
            signal: ctx.signal,
            logger: ctx.logger,
          },
        );
      }
      ctx.output('deleted', true);
    },
  });
}
