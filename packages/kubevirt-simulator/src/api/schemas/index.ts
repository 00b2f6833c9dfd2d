import { kindSchema, open, Schema } from './dsl';
import {
  instancetype,
  preference,
  virtualMachine,
  virtualMachineInstance,
  virtualMachineInstanceMigration,
} from './kubevirt';
import {
  dataSource,
  dataVolume,
  persistentVolumeClaim,
  pod,
  virtualMachineClone,
  virtualMachineRestore,
  virtualMachineSnapshot,
  virtualMachineSnapshotContent,
} from './storage';

export type { Schema } from './dsl';

const byKind: Record<string, Schema> = {
  VirtualMachine: virtualMachine,
  VirtualMachineInstance: virtualMachineInstance,
  VirtualMachineInstanceMigration: virtualMachineInstanceMigration,
  VirtualMachineInstancetype: instancetype,
  VirtualMachineClusterInstancetype: instancetype,
  VirtualMachinePreference: preference,
  VirtualMachineClusterPreference: preference,
  VirtualMachineSnapshot: virtualMachineSnapshot,
  VirtualMachineSnapshotContent: virtualMachineSnapshotContent,
  VirtualMachineRestore: virtualMachineRestore,
  VirtualMachineClone: virtualMachineClone,
  DataVolume: dataVolume,
  DataSource: dataSource,
  PersistentVolumeClaim: persistentVolumeClaim,
  Pod: pod,
};

/**
 * The schema of a kind. Kinds without a detailed schema check their envelope
 * (apiVersion, kind, metadata) and keep whatever else they hold (data, rules,
 * spec, status, ...), as the product does not depend on their fields.
 */
export function schemaOfKind(kind: string): Schema {
  return (
    byKind[kind] ?? {
      ...kindSchema(`${kind} (served by the KubeVirt simulator).`, {
        spec: open(`Specification of the ${kind}.`),
        status: open(`Status of the ${kind}.`),
      }),
      'x-kubernetes-preserve-unknown-fields': true,
    }
  );
}
