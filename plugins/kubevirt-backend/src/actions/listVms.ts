import { kubeName, summaryOutput, toSummary, VmActionsContext } from './shared';

/** The `list-vms` action: the VMs the caller may see, filtered. */
export function registerListVms({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'list-vms',
    title: 'List virtual machines',
    description:
      'Lists the KubeVirt virtual machines the caller may see, across all configured clusters, with their status, node, IPs, OS and size. ' +
      'Use it to answer questions such as "which of my VMs are stopped?" or to find the cluster/namespace/name of a VM before acting on it. ' +
      'Filter by catalog entity ref (e.g. component:default/payments-api), cluster, namespace, status (printableStatus values) or free text. ' +
      'The answer also lists each cluster with its sync state: a cluster that is "not-synced" or "stale" may be missing VMs or show old states.',
    visibilityPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entity: z
            .string()
            .optional()
            .describe(
              'Catalog entity ref whose VMs to list, e.g. component:default/payments-api',
            ),
          cluster: kubeName(z, 'cluster').optional(),
          namespace: kubeName(z, 'namespace').optional(),
          status: z
            .array(z.string())
            .optional()
            .describe('Only VMs in these statuses, e.g. ["Stopped"]'),
          text: z
            .string()
            .optional()
            .describe('Matches name, namespace, OS, node or IP'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(500)
            .optional()
            .describe('At most this many VMs (default 100)'),
        }),
      output: z =>
        z.object({
          items: z.array(summaryOutput(z)),
          totalItems: z.number().describe('VMs matching, before the limit'),
          clusters: z.array(
            z.object({
              name: z.string(),
              state: z.string(),
              staleSince: z.string().optional(),
              error: z.string().optional(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Stopped VMs of a service',
        input: {
          entity: 'component:default/payments-api',
          status: ['Stopped'],
        },
      },
      {
        title: 'VMs in a namespace',
        input: { cluster: 'local-sim', namespace: 'orders' },
      },
    ],
    action: async ({ input, credentials }) => {
      const result = await services.reads.list(
        { ...input, limit: input.limit ?? 100 },
        credentials,
      );
      return {
        output: {
          items: result.items.map(toSummary),
          totalItems: result.totalItems,
          clusters: result.clusters.map(c => ({
            name: c.name,
            state: c.state,
            staleSince: c.staleSince,
            error: c.error,
          })),
        },
      };
    },
  });
}
