import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  VmRef,
  VmSnapshotInfo,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { checkName } from '../util/createRequest';
import { KubevirtActionError, vmLabel } from '../util/errors';
import { pollUntil } from '../util/poll';
import { readVm } from '../util/waitForVm';
import { DEFAULT_POLL_MS, KubevirtActionDeps, timeoutMs, Z } from './deps';

export function createVmSnapshotAction(deps: KubevirtActionDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:vm:snapshot',
    description:
      "Takes a snapshot of a KubeVirt VM with the initiator's permissions, optionally waiting until it is ready to use. A snapshot of that name of the same VM that already exists is success; without a name, a resumed task does not take a second one.",
    examples: [
      {
        description:
          'Snapshot before an upgrade and wait until it can be restored',
        example: `steps:
  - id: snapshot
    name: Snapshot VM
    action: kubevirt:vm:snapshot
    input:
      cluster: local-sim
      namespace: payments
      name: payments-db-0
      snapshotName: payments-db-0-before-upgrade
      waitForReady: true
      timeoutSeconds: 900`,
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
        snapshotName: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Name of the VirtualMachineSnapshot; default: the VM name and a timestamp',
            ),
        waitForReady: (z: Z) =>
          z
            .boolean()
            .optional()
            .describe('Wait until the snapshot is readyToUse; default false'),
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
        snapshotName: (z: Z) => z.string().describe('Name of the snapshot'),
        readyToUse: (z: Z) =>
          z.boolean().describe('Whether it can be restored from yet'),
        phase: (z: Z) =>
          z.string().describe('Snapshot phase when the step ended'),
      },
    },
    async handler(ctx) {
      const ref: VmRef = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        name: ctx.input.name,
      };
      if (ctx.input.snapshotName) checkName('snapshot', ctx.input.snapshotName);
      const client = deps.kubevirt.forCredentials(
        await ctx.getInitiatorCredentials(),
      );
      const vm = await readVm(client, ref);
      if (!vm)
        throw new KubevirtActionError(
          'snapshot',
          ref,
          new Error('the VM does not exist or you may not see it'),
        );
      const report = (s: VmSnapshotInfo) => {
        ctx.output('snapshotName', s.name);
        ctx.output('readyToUse', s.readyToUse);
        ctx.output('phase', s.phase ?? '');
      };
      const existing = ctx.input.snapshotName
        ? vm.snapshots.find(s => s.name === ctx.input.snapshotName)
        : undefined;
      if (ctx.isDryRun) {
        if (!existing) {
          try {
            await client.createSnapshot(ref, {
              name: ctx.input.snapshotName,
              dryRun: true,
            });
          } catch (error) {
            throw new KubevirtActionError('snapshot', ref, error);
          }
        }
        ctx.logger.info(
          `Dry run: snapshot of ${vmLabel(ref)} ${
            existing ? 'exists already' : 'accepted'
          }; nothing taken`,
        );
        report(
          existing ?? {
            name: ctx.input.snapshotName ?? '',
            readyToUse: false,
            phase: 'DryRun',
            indications: [],
          },
        );
        return;
      }
      const name = await ctx.checkpoint({
        key: `kubevirt-vm-snapshot:${ref.cluster}/${ref.namespace}/${
          ref.name
        }:${ctx.input.snapshotName ?? ctx.step?.id ?? ''}`,
        fn: async () => {
          if (existing) {
            ctx.logger.info(
              `${vmLabel(ref)} already has snapshot ${
                existing.name
              }; not taken again`,
            );
            return existing.name;
          }
          try {
            const res = await client.createSnapshot(
              ref,
              ctx.input.snapshotName ? { name: ctx.input.snapshotName } : {},
            );
            ctx.logger.info(
              `Snapshot ${res.snapshot.name} of ${vmLabel(ref)} requested`,
            );
            return res.snapshot.name;
          } catch (error) {
            throw new KubevirtActionError('snapshot', ref, error);
          }
        },
      });
      const current = async () =>
        (await readVm(client, ref))?.snapshots.find(s => s.name === name);
      if (!ctx.input.waitForReady) {
        report(
          (await current()) ?? { name, readyToUse: false, indications: [] },
        );
        return;
      }
      const ready = await pollUntil<VmSnapshotInfo | undefined>({
        read: async () => {
          const s = await current();
          if (s?.error)
            throw new Error(
              `Snapshot ${name} of ${vmLabel(ref)} failed: ${s.error}`,
            );
          return s;
        },
        done: s => !!s?.readyToUse,
        timeoutMs: timeoutMs(ctx.input.timeoutSeconds),
        intervalMs,
        signal: ctx.signal,
        timeoutMessage: s =>
          `Timed out after ${
            ctx.input.timeoutSeconds ?? 600
          }s waiting for snapshot ${name} of ${vmLabel(
            ref,
          )} to be ready; it is ${s?.phase ?? 'not listed yet'}`,
      });
      ctx.logger.info(`Snapshot ${name} of ${vmLabel(ref)} is ready to use`);
      report(ready!);
    },
  });
}
