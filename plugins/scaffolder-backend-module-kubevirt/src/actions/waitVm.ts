import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { vmLabel } from '../util/errors';
import { describeTarget, readVm, VmTarget, waitForVm } from '../util/waitForVm';
import { DEFAULT_POLL_MS, KubevirtActionDeps, timeoutMs, Z } from './deps';

export function createVmWaitAction(deps: KubevirtActionDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:vm:wait',
    description:
      'Waits until a KubeVirt VM has one of the given printableStatus values and/or a condition, or fails after timeoutSeconds. Stops at once when the task is cancelled. In a dry run it only reports what it would wait for.',
    examples: [
      {
        description: 'Wait until a VM runs and KubeVirt reports it ready',
        example: `steps:
  - id: wait
    name: Wait for VM
    action: kubevirt:vm:wait
    input:
      cluster: local-sim
      namespace: payments
      name: payments-db-2
      status: [Running]
      condition: Ready
      timeoutSeconds: 600`,
      },
      {
        description: 'Wait until a VM is stopped or paused',
        example: `steps:
  - id: wait
    name: Wait for VM
    action: kubevirt:vm:wait
    input: { cluster: local-sim, namespace: payments, name: payments-batch, status: [Stopped, Paused], timeoutSeconds: 120 }`,
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
        status: (z: Z) =>
          z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe(
              'printableStatus to wait for, one or several (Running, Stopped, Paused, ...)',
            ),
        condition: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'A VM condition type to wait for, e.g. Ready or AgentConnected',
            ),
        conditionStatus: (z: Z) =>
          z
            .enum(['True', 'False', 'Unknown'])
            .optional()
            .describe('The status of that condition; default True'),
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
        status: (z: Z) =>
          z.string().describe('printableStatus when the step ended'),
        ready: (z: Z) => z.boolean().describe("KubeVirt's ready flag"),
        ipAddress: (z: Z) => z.string().describe('First IP address, or empty'),
      },
    },
    async handler(ctx) {
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      const status =
        ctx.input.status === undefined
          ? undefined
          : ([] as string[]).concat(ctx.input.status);
      if (!status?.length && !ctx.input.condition)
        throw new InputError('Give a status or a condition to wait for');
      const target: VmTarget = {
        status,
        ...(ctx.input.condition
          ? {
              condition: {
                type: ctx.input.condition,
                status: ctx.input.conditionStatus ?? 'True',
              },
            }
          : {}),
      };
      const client = deps.kubevirt.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      if (ctx.isDryRun) {
        // an earlier step's dry run created nothing to wait for
        const now = await readVm(client, ref);
        ctx.logger.info(
          `Dry run: would wait for ${vmLabel(ref)} to be ${describeTarget(
            target,
          )}`,
        );
        ctx.output('status', now?.summary.status ?? 'DryRun');
        ctx.output('ready', !!now?.summary.ready);
        ctx.output('ipAddress', now?.summary.ipAddresses[0] ?? '');
        return;
      }
      const detail = await waitForVm(client, ref, target, {
        timeoutMs: timeoutMs(ctx.input.timeoutSeconds),
        intervalMs,
        signal: ctx.signal,
        logger: ctx.logger,
      });
      ctx.output('status', detail!.summary.status);
      ctx.output('ready', detail!.summary.ready);
      ctx.output('ipAddress', detail!.summary.ipAddresses[0] ?? '');
    },
  });
}
