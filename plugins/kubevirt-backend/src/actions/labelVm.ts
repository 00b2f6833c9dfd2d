import { VmActionsContext, vmRefInput } from './shared';

type StringMap = Record<string, string>;

const applyChanges = (
  current: StringMap,
  set: StringMap = {},
  remove: string[] = [],
) => {
  const next = { ...current, ...set };
  for (const key of remove) delete next[key];
  return next;
};

/** The `label-vm` action: set and remove labels and annotations of a VM. */
export function registerLabelVm({
  registry,
  services,
  visibilityPermission,
}: VmActionsContext) {
  registry.register({
    name: 'label-vm',
    title: 'Set or remove labels and annotations of a virtual machine',
    description:
      'Adds, changes or removes labels and annotations of a KubeVirt VM (its metadata, not its guest). Keys are Kubernetes qualified names ([prefix/]name), label values at most 63 characters. ' +
      'Keys of kubevirt.io, kubernetes.io and k8s.io cannot be changed; backstage.io/kubernetes-id and the owner keys decide who owns the VM and need the right to delete it. ' +
      'The change is made against the VM as it is now; when someone else changes it at the same moment, the action fails with a conflict and can be repeated. Set dryRun to check without changing anything.',
    visibilityPermission,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...vmRefInput(z),
          setLabels: z
            .record(z.string(), z.string())
            .optional()
            .describe('Labels to add or change, key → value'),
          removeLabels: z
            .array(z.string())
            .optional()
            .describe('Label keys to remove'),
          setAnnotations: z
            .record(z.string(), z.string())
            .optional()
            .describe('Annotations to add or change, key → value'),
          removeAnnotations: z
            .array(z.string())
            .optional()
            .describe('Annotation keys to remove'),
          dryRun: z.boolean().optional(),
        }),
      output: z =>
        z.object({
          labels: z.record(z.string(), z.string()),
          annotations: z.record(z.string(), z.string()),
          changedLabels: z.array(z.string()),
          changedAnnotations: z.array(z.string()),
          dryRun: z.boolean(),
        }),
    },
    examples: [
      {
        title: 'Tag a database VM',
        input: {
          cluster: 'local-sim',
          namespace: 'payments',
          name: 'payments-db-0',
          setLabels: { tier: 'db' },
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const ref = {
        cluster: input.cluster,
        namespace: input.namespace,
        name: input.name,
      };
      // the VM as the caller may read it now: its resourceVersion makes the write conditional on it
      const { vm } = await services.reads.get(ref, credentials);
      const metadata = (vm as { metadata: any }).metadata;
      const res = await services.metadata.updateMetadata(
        ref,
        {
          resourceVersion: metadata.resourceVersion,
          labels: applyChanges(
            metadata.labels ?? {},
            input.setLabels,
            input.removeLabels,
          ),
          annotations: applyChanges(
            metadata.annotations ?? {},
            input.setAnnotations,
            input.removeAnnotations,
          ),
          ...(input.dryRun ? { dryRun: true } : {}),
        },
        credentials,
      );
      return {
        output: {
          labels: res.labels,
          annotations: res.annotations,
          changedLabels: res.changed.labels,
          changedAnnotations: res.changed.annotations,
          dryRun: res.dryRun,
        },
      };
    },
  });
}
