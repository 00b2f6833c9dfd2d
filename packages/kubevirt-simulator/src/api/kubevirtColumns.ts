import type { KubeObject } from '../store/store';

/** A printer column: what the CRD's additionalPrinterColumns declares, and how its JSONPath reads an object. */
export type Column = {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  value: (o: KubeObject) => unknown;
};

/** A JSONPath that finds nothing is a null cell (apiextensions tableconvertor), printed `<none>` by kubectl. */
const orNull = (v: unknown) => (v === undefined || v === '' ? null : v);

const path =
  (...keys: (string | number)[]) =>
  (o: KubeObject) =>
    orNull(keys.reduce<any>((v, k) => v?.[k], o));

/** `.status.conditions[?(@.type=='X')].status` */
const condition = (type: string) => (o: KubeObject) =>
  orNull(
    (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type)
      ?.status,
  );

/** apiextensions: a date column is printed as the time since (translateTimestampSince). */
export function since(timestamp: string | undefined) {
  const t = Date.parse(timestamp ?? '');
  if (!t) return timestamp === undefined ? null : '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const col = (
  name: string,
  type: string,
  value: (o: KubeObject) => unknown,
  description = '',
  priority = 0,
): Column => ({
  name,
  type,
  description,
  priority,
  value:
    type === 'date'
      ? o => {
          const v = value(o);
          return v === null ? null : since(String(v));
        }
      : value,
});

const age = col('Age', 'date', path('metadata', 'creationTimestamp'));
const phase = col('Phase', 'string', path('status', 'phase'));

/**
 * The additionalPrinterColumns of KubeVirt 1.6's CRDs
 * (pkg/virt-operator/resource/generate/components/crds.go), after the Name
 * column the apiserver puts first; priority 1 columns are the ones
 * `kubectl get -o wide` adds.
 */
export const kubevirtColumns: Record<string, Column[]> = {
  VirtualMachineInstance: [
    age,
    phase,
    col('IP', 'string', path('status', 'interfaces', 0, 'ipAddress')),
    col('NodeName', 'string', path('status', 'nodeName')),
    col('Ready', 'string', condition('Ready')),
    col('Live-Migratable', 'string', condition('LiveMigratable'), '', 1),
    col('Paused', 'string', condition('Paused'), '', 1),
  ],
  VirtualMachineInstanceReplicaSet: [
    col(
      'Desired',
      'integer',
      path('spec', 'replicas'),
      'Number of desired VirtualMachineInstances',
    ),
    col(
      'Current',
      'integer',
      path('status', 'replicas'),
      'Number of managed and not final or deleted VirtualMachineInstances',
    ),
    col(
      'Ready',
      'integer',
      path('status', 'readyReplicas'),
      'Number of managed VirtualMachineInstances which are ready to receive traffic',
    ),
    age,
  ],
  VirtualMachineInstanceMigration: [
    col(
      'Phase',
      'string',
      path('status', 'phase'),
      'The current phase of VM instance migration',
    ),
    col(
      'VMI',
      'string',
      path('spec', 'vmiName'),
      'The name of the VMI to perform the migration on',
    ),
  ],
  KubeVirt: [age, phase],
  VirtualMachinePool: [
    col(
      'Desired',
      'integer',
      path('spec', 'replicas'),
      'Number of desired VirtualMachines',
    ),
    col(
      'Current',
      'integer',
      path('status', 'replicas'),
      'Number of managed and not final or deleted VirtualMachines',
    ),
    col(
      'Ready',
      'integer',
      path('status', 'readyReplicas'),
      'Number of managed VirtualMachines which are ready to receive traffic',
    ),
    age,
  ],
  VirtualMachineSnapshot: [
    col('SourceKind', 'string', path('spec', 'source', 'kind')),
    col('SourceName', 'string', path('spec', 'source', 'name')),
    phase,
    col('ReadyToUse', 'boolean', path('status', 'readyToUse')),
    col('CreationTime', 'date', path('status', 'creationTime')),
    col('Error', 'string', path('status', 'error', 'message')),
  ],
  VirtualMachineSnapshotContent: [
    col('ReadyToUse', 'boolean', path('status', 'readyToUse')),
    col('CreationTime', 'date', path('status', 'creationTime')),
    col('Error', 'string', path('status', 'error', 'message')),
  ],
  VirtualMachineRestore: [
    col('TargetKind', 'string', path('spec', 'target', 'kind')),
    col('TargetName', 'string', path('spec', 'target', 'name')),
    col('Complete', 'boolean', path('status', 'complete')),
    col('RestoreTime', 'date', path('status', 'restoreTime')),
  ],
  VirtualMachineExport: [
    col('SourceKind', 'string', path('spec', 'source', 'kind')),
    col('SourceName', 'string', path('spec', 'source', 'name')),
    phase,
  ],
  VirtualMachineClone: [
    phase,
    col('SourceVirtualMachine', 'string', path('spec', 'source', 'name')),
    col('TargetVirtualMachine', 'string', path('spec', 'target', 'name')),
  ],
  // no additionalPrinterColumns: the apiserver's default Age column
  VirtualMachineInstancePreset: [age],
  MigrationPolicy: [age],
};
