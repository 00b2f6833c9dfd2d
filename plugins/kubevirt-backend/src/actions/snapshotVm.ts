import { VmActionsContext, vmRefInput } from './shared';

/** The `snapshot-vm` action: takes a snapshot of a VM. */
export function registerSnapshotVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'snapshot-vm',
    title: 'Snapshot a virtual machine',
    description:
      'Takes a snapshot of a VM (VirtualMachineSnapshot), e.g. before an upgrade. Returns the snapshot name; it becomes readyToUse after a while (check get-vm). ' +
      'A running VM is snapshotted online.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          ...vmRefInput(z),
          snapshotName: z
            .string()
            .optional()
            .describe('Name of the snapshot; generated when omitted'),
          dryRun: z.boolean().optional(),
        }),
      output: z =>
        z.object({
          snapshot: z.string(),
          phase: z.string().optional(),
          dryRun: z.boolean(),
        }),
    },
    examples: [
      {
        title: 'Before an upgrade',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-db-0',
          snapshotName: 'payments-db-0-pre-upgrade',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const { snapshotName, dryRun, ...ref } = input;
      const result = await services.snapshots.snapshot(
        ref,
        { name: snapshotName, dryRun },
        credentials,
      );
      return {
        output: {
          snapshot: result.snapshot.name,
          phase: result.snapshot.phase,
          dryRun: result.dryRun,
        },
      };
    },
  });
}
