import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { VmDetail, VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtActionError, statusOf, vmLabel } from '../util/errors';
import { readVm, VmTarget, waitForVm } from '../util/waitForVm';
import { DEFAULT_POLL_MS, KubevirtActionDeps, timeoutMs, Z } from './deps';

const VM_ACTIONS = [
  'start',
  'stop',
  'restart',
  'softReboot',
  'pause',
  'unpause',
  'migrate',
] as const;
type Action = (typeof VM_ACTIONS)[number];

/** Where each action leaves the VM, and when it is there already (so a re-run has nothing to do). */
const outcomes: Record<
  Action,
  { target: VmTarget; alreadyThere?: (d: VmDetail) => boolean }
> = {
  start: {
    target: { status: ['Running'], ready: true },
    alreadyThere: d => ['Running', 'Starting'].includes(d.summary.status),
  },
  stop: {
    target: { status: ['Stopped'] },
    alreadyThere: d => ['Stopped', 'Stopping'].includes(d.summary.status),
  },
  restart: { target: { status: ['Running'], ready: true } },
  // the guest reboots inside the running instance: the VM stays Running throughout
  softReboot: { target: { status: ['Running'] } },
  pause: {
    target: { status: ['Paused'] },
    alreadyThere: d => d.summary.status === 'Paused',
  },
  unpause: {
    target: { status: ['Running'] },
    alreadyThere: d => d.summary.status !== 'Paused',
  },
  migrate: { target: { status: ['Running'] } },
};

export function createVmActionAction(deps: KubevirtActionDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:vm:action',
    description:
      "Starts, stops, restarts, soft-reboots, pauses, unpauses or live-migrates a KubeVirt VM with the initiator's permissions, and waits until it got there. Start/stop/pause/unpause on a VM already in that state do nothing; restart, softReboot and migrate run once per task, also when it is resumed.",
    examples: [
      {
        description: 'Stop a VM and wait until it is Stopped',
        example: `steps:
  - id: stop
    name: Stop VM
    action: kubevirt:vm:action
    input:
      cluster: local-sim
      namespace: payments
      name: payments-batch
      action: stop
      timeoutSeconds: 300`,
      },
      {
        description: 'Live-migrate a VM to another node without waiting',
        example: `steps:
  - id: migrate
    name: Migrate VM
    action: kubevirt:vm:action
    input: { cluster: local-sim, namespace: payments, name: payments-db-0, action: migrate, wait: false }`,
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
        action: (z: Z) =>
          z
            .enum(VM_ACTIONS)
            .describe(
              'start, stop, restart, softReboot, pause, unpause or migrate',
            ),
        wait: (z: Z) =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait until the VM reached the state the action leads to; default true',
            ),
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
        changed: (z: Z) =>
          z.boolean().describe('False when the VM was already in that state'),
      },
    },
    async handler(ctx) {
      const { action } = ctx.input;
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      const client = deps.kubevirt.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      const outcome = outcomes[action];

      const before = await readVm(client, ref);
      if (!before)
        throw new KubevirtActionError(
          action,
          ref,
          new Error('the VM does not exist or you may not see it'),
        );
      if (outcome.alreadyThere?.(before)) {
        ctx.logger.info(
          `${vmLabel(ref)} is ${before.summary.status}: nothing to ${action}`,
        );
        ctx.output('status', before.summary.status);
        ctx.output('changed', false);
        return;
      }
      if (ctx.isDryRun) {
        try {
          await client.act(ref, action, { dryRun: true });
        } catch (error) {
          throw new KubevirtActionError(action, ref, error);
        }
        ctx.logger.info(
          `Dry run: ${action} of ${vmLabel(ref)} accepted; nothing changed`,
        );
        ctx.output('status', before.summary.status);
        ctx.output('changed', false);
        return;
      }
      await ctx.checkpoint({
        key: `kubevirt-vm-${action}:${ref.cluster}/${ref.namespace}/${
          ref.name
        }:${ctx.step?.id ?? ''}`,
        fn: async () => {
          try {
            await client.act(ref, action);
          } catch (error) {
            // a 409 may just mean another request got there first
            const now =
              statusOf(error) === 409 ? await readVm(client, ref) : undefined;
            if (!(now && outcome.alreadyThere?.(now)))
              throw new KubevirtActionError(action, ref, error);
          }
          ctx.logger.info(`${action} of ${vmLabel(ref)} accepted`);
        },
      });
      const after =
        ctx.input.wait === false
          ? await readVm(client, ref)
          : await waitForVm(client, ref, outcome.target, {
              timeoutMs: timeoutMs(ctx.input.timeoutSeconds),
              intervalMs,
              signal: ctx.signal,
              logger: ctx.logger,
            });
      ctx.output('status', after?.summary.status ?? 'Unknown');
      ctx.output('changed', true);
    },
  });
}
