import { VmActionsContext, vmRefInput } from './shared';

/** The `restore-vm` action: restores a stopped VM from one of its snapshots. */
export function registerRestoreVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'restore-vm',
    title: 'Restore a virtual machine from a snapshot',
    description:
      'Restores a stopped VM to one of its snapshots, replacing its current disks: changes made since the snapshot are lost. ' +
      'The VM must be stopped and the snapshot readyToUse; find snapshots with get-vm.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          ...vmRefInput(z),
          snapshot: z
            .string()
            .min(1)
            .describe('Name of the snapshot to restore'),
          dryRun: z.boolean().optional(),
        }),
      output: z => z.object({ restore: z.string(), dryRun: z.boolean() }),
    },
    examples: [
      {
        title: 'Roll back',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-db-0',
          snapshot: 'payments-db-0-pre-upgrade',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const { snapshot, dryRun, ...ref } = input;
      const result = await services.snapshots.restore(
        ref,
        { snapshot, dryRun },
        credentials,
      );
      return {
        output: { restore: result.restore.name, dryRun: result.dryRun },
      };
    },
  });
}
