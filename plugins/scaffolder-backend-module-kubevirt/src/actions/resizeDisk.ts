import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtActionError, vmLabel } from '../util/errors';
import { readVm } from '../util/waitForVm';
import { KubevirtActionDeps, vmRefSchema, Z } from './deps';

export function createVmResizeDiskAction(deps: KubevirtActionDeps) {
  return createTemplateAction({
    id: 'kubevirt:vm:resize-disk',
    description:
      "Grows the claim behind a disk of a KubeVirt VM (DataVolume or PVC disks; only larger; the storage class must allow volume expansion) with the initiator's permissions. Runs once per task, also when it is resumed.",
    examples: [
      {
        description: 'Grow the data disk of a database VM to 100Gi',
        example: `steps:
  - id: resize
    name: Resize disk
    action: kubevirt:vm:resize-disk
    input:
      cluster: local-sim
      namespace: payments
      name: payments-db-0
      volume: data
      size: 100Gi`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        ...vmRefSchema,
        volume: (z: Z) =>
          z
            .string()
            .min(1)
            .describe('Name of the disk (volume) in the VM spec'),
        size: (z: Z) =>
          z
            .string()
            .regex(/^\d+(\.\d+)?(Mi|Gi|Ti)$/, 'a size such as 40Gi')
            .describe('The new size, larger than the current one, e.g. 40Gi'),
      },
      output: {
        claim: (z: Z) =>
          z.string().describe('The PersistentVolumeClaim that was grown'),
        from: (z: Z) =>
          z
            .string()
            .describe('The size the claim requested before, when known'),
        to: (z: Z) => z.string().describe('The size the claim requests now'),
      },
    },
    async handler(ctx) {
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      const { volume, size } = ctx.input;
      const what = `resize disk ${volume} of`;
      const client = deps.kubevirt.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      const vm = await readVm(client, ref);
      if (!vm)
        throw new KubevirtActionError(
          what,
          ref,
          new Error('the VM does not exist or you may not see it'),
        );
      const call = async () => {
        try {
          const r = await client.resizeDisk(ref, volume, {
            size,
            ...(ctx.isDryRun ? { dryRun: true } : {}),
          });
          // a checkpoint keeps JSON: a plain object type, not the response interface
          const answer: { claim: string; from: string; to: string } = {
            claim: r.claim,
            from: r.from ?? '',
            to: r.to,
          };
          return answer;
        } catch (error) {
          throw new KubevirtActionError(what, ref, error);
        }
      };
      // a dry run changes nothing, so it needs no checkpoint
      const answer = ctx.isDryRun
        ? await call()
        : await ctx.checkpoint({
            key: `kubevirt-vm-resize-disk:${ref.cluster}/${ref.namespace}/${
              ref.name
            }/${volume}:${size}:${ctx.step?.id ?? ''}`,
            fn: call,
          });
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: ' : ''}claim ${
          answer.claim
        } of disk ${volume} of ${vmLabel(ref)} ${
          ctx.isDryRun ? 'would request' : 'requests'
        } ${answer.to}${answer.from ? ` (was ${answer.from})` : ''}`,
      );
      ctx.output('claim', answer.claim);
      ctx.output('from', answer.from);
      ctx.output('to', answer.to);
    },
  });
}
