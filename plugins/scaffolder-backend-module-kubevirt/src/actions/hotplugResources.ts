import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ChangeApplied,
  VmRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtActionError, vmLabel } from '../util/errors';
import { readVm } from '../util/waitForVm';
import { KubevirtActionDeps, vmRefSchema, Z } from './deps';

export function createVmResourcesAction(deps: KubevirtActionDeps) {
  return createTemplateAction({
    id: 'kubevirt:vm:resources',
    description:
      "Changes a KubeVirt VM's CPU sockets and guest memory with the initiator's permissions. More on a running VM applies live (KubeVirt live-migrates it); less needs a restart; a stopped VM gets them at its next start. VMs sized by an instancetype are refused (change the instancetype).",
    examples: [
      {
        description: 'Give a VM 4 sockets and 16Gi of memory',
        example: `steps:
  - id: resources
    name: Change CPU and memory
    action: kubevirt:vm:resources
    input:
      cluster: local-sim
      namespace: payments
      name: payments-worker
      sockets: 4
      memory: 16Gi`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        ...vmRefSchema,
        sockets: (z: Z) =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('vCPU sockets, up to domain.cpu.maxSockets'),
        memory: (z: Z) =>
          z
            .string()
            .regex(/^\d+(\.\d+)?(Mi|Gi|Ti)$/, 'a size such as 8Gi')
            .optional()
            .describe('Guest memory, up to domain.memory.maxGuest, e.g. 8Gi'),
      },
      output: {
        applied: (z: Z) =>
          z
            .enum(['live', 'restart', 'next-start'])
            .describe(
              'live, restart (takes effect at a restart) or next-start (the VM is stopped)',
            ),
        liveMigration: (z: Z) =>
          z
            .boolean()
            .describe('Whether KubeVirt live-migrates the VM to apply it'),
      },
    },
    async handler(ctx) {
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      const { sockets, memory } = ctx.input;
      if (sockets === undefined && memory === undefined)
        throw new InputError(
          `Give sockets, memory or both for ${vmLabel(ref)}`,
        );
      const what = 'change CPU / memory of';
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
          const r = await client.hotplugResources(ref, {
            ...(sockets !== undefined ? { sockets } : {}),
            ...(memory ? { memory } : {}),
            ...(ctx.isDryRun ? { dryRun: true } : {}),
          });
          // a checkpoint keeps JSON: a plain object type, not the response interface
          const answer: { applied: ChangeApplied; liveMigration: boolean } = {
            applied: r.applied,
            liveMigration: r.liveMigration,
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
            key: `kubevirt-vm-resources:${ref.cluster}/${ref.namespace}/${
              ref.name
            }:${sockets ?? ''}:${memory ?? ''}:${ctx.step?.id ?? ''}`,
            fn: call,
          });
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: ' : ''}${vmLabel(ref)}: ${[
          sockets !== undefined && `${sockets} sockets`,
          memory && `${memory} memory`,
        ]
          .filter(Boolean)
          .join(', ')}; applies ${answer.applied}${
          answer.liveMigration ? ' by a live migration' : ''
        }`,
      );
      ctx.output('applied', answer.applied);
      ctx.output('liveMigration', answer.liveMigration);
    },
  });
}
