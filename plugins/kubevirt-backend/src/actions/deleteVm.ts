import { VmActionsContext, vmRefInput } from './shared';

/** The `delete-vm` action: deletes a VM. */
export function registerDeleteVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'delete-vm',
    title: 'Delete a virtual machine',
    description:
      'Deletes a VM together with its running instance and the DataVolumes it owns: its data is lost unless snapshotted. Ask the user to confirm the exact VM first. ' +
      'Set dryRun to check permission without deleting.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({ ...vmRefInput(z), dryRun: z.boolean().optional() }),
      output: z => z.object({ accepted: z.boolean(), dryRun: z.boolean() }),
    },
    examples: [
      {
        title: 'Check first',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-batch',
          dryRun: true,
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const { dryRun, ...ref } = input;
      await services.power.delete(ref, { dryRun }, credentials);
      return { output: { accepted: true, dryRun: !!dryRun } };
    },
  });
}
