import {
  summaryOutput,
  toSummary,
  VmActionsContext,
  vmRefInput,
} from './shared';

/** The `get-vm` action: one VM in detail. */
export function registerGetVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'get-vm',
    title: 'Get a virtual machine',
    description:
      'Returns one KubeVirt virtual machine in detail: its status, the running instance (node, IPs, guest OS), recent events, snapshots, restores and migrations. ' +
      'Use it before acting on a VM, to check its state, or to find a snapshot to restore.',
    visibilityPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object(vmRefInput(z)),
      output: z =>
        z.object({
          summary: summaryOutput(z),
          vmiPhase: z
            .string()
            .optional()
            .describe('Phase of the running instance, if any'),
          events: z.array(
            z.object({
              type: z.string(),
              reason: z.string(),
              message: z.string(),
              lastTimestamp: z.string().optional(),
            }),
          ),
          snapshots: z.array(
            z.object({
              name: z.string(),
              phase: z.string().optional(),
              readyToUse: z.boolean().optional(),
              created: z.string().optional(),
            }),
          ),
          restores: z.array(
            z.object({
              name: z.string(),
              snapshot: z.string().optional(),
              complete: z.boolean().optional(),
            }),
          ),
          migrations: z.array(
            z.object({ name: z.string(), phase: z.string().optional() }),
          ),
        }),
    },
    examples: [
      {
        title: 'A database VM',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-db-0',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const detail = await services.reads.get(input, credentials);
      const vmi = detail.vmi as { status?: { phase?: string } } | undefined;
      return {
        output: {
          summary: toSummary(detail.summary),
          vmiPhase: vmi?.status?.phase,
          events: detail.events.slice(0, 20).map(e => ({
            type: e.type,
            reason: e.reason,
            message: e.message,
            lastTimestamp: e.lastTimestamp,
          })),
          snapshots: (detail.snapshots ?? []).map(s => ({
            name: s.name,
            phase: s.phase,
            readyToUse: s.readyToUse,
            created: s.creationTime,
          })),
          restores: (detail.restores ?? []).map(r => ({
            name: r.name,
            snapshot: r.snapshot,
            complete: r.complete,
          })),
          migrations: (detail.migrations ?? []).map(m => ({
            name: m.name,
            phase: m.phase,
          })),
        },
      };
    },
  });
}
