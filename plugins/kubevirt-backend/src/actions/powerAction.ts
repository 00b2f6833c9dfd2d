import { VmAction } from '@kubevirt-backstage/plugin-kubevirt-common';
import { VmActionsContext, vmRefInput } from './shared';

/** One of the single-request VM actions (start, stop, restart, soft reboot, pause, unpause, migrate), as an MCP action. */
export interface PowerAction {
  name: string;
  action: VmAction;
  title: string;
  description: string;
  destructive: boolean;
}

/** Registers one single-request action: the same input, output and call for each, its own name and description. */
export function registerPowerAction(
  { registry, services, visibilityPermission }: VmActionsContext,
  op: PowerAction,
) {
  registry.register({
    name: op.name,
    title: op.title,
    description: `${op.description} The request is accepted when KubeVirt accepts it; poll get-vm to see the new status. Set dryRun to check permission and state without changing anything.`,
    visibilityPermission,
    attributes: {
      readOnly: false,
      destructive: op.destructive,
      idempotent: false,
    },
    schema: {
      input: z =>
        z.object({
          ...vmRefInput(z),
          ...(op.action === 'stop'
            ? {
                force: z
                  .boolean()
                  .optional()
                  .describe('Stop at once without waiting for the guest'),
              }
            : {}),
          dryRun: z.boolean().optional(),
        }),
      output: z =>
        z.object({
          accepted: z.boolean(),
          action: z.string(),
          dryRun: z.boolean(),
        }),
    },
    examples: [
      {
        title: op.title,
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-batch',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const { cluster, namespace, name, dryRun } = input as {
        cluster: string;
        namespace: string;
        name: string;
        dryRun?: boolean;
        force?: boolean;
      };
      const action: VmAction =
        op.action === 'stop' && (input as { force?: boolean }).force
          ? 'forceStop'
          : op.action;
      await services.power.act(
        { cluster, namespace, name },
        action,
        { dryRun },
        credentials,
      );
      return { output: { accepted: true, action, dryRun: !!dryRun } };
    },
  });
}
