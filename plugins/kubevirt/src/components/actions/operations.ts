import {
  VmDetail,
  VmOperation,
  vmOperationPermissions,
  VmRef,
  VmSummary,
  weakestRoleFor,
  isKubernetesName,
  beingDeletedReason,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtApi } from '../../api';

/** What a dialog asks for besides confirmation. */
export type OperationInput = 'snapshotName' | 'restoreSnapshot' | 'cloneTarget';

/** The state a started operation waits for, checked against fresh reads of `ref`. */
export interface Wait {
  ref: VmRef;
  /** "db-0 is Running", "snapshot x is ready to use": what the user waits for, as a sentence. */
  target: string;
  /** true when reached; a string when the cluster says it failed. `undefined` detail = the VM is gone. */
  reached(detail: VmDetail | undefined): boolean | string;
  /** What the cluster says now, while waiting. */
  progress(detail: VmDetail | undefined): string;
}

export interface OperationContext {
  api: KubevirtApi;
  vm: VmSummary;
  input: {
    snapshotName?: string;
    restoreSnapshot?: string;
    cloneTarget?: string;
  };
}

export interface OperationSpec {
  id: OperationId;
  label: string;
  /** The permission table's key: gates the button. */
  operation: VmOperation;
  /** Delete, force stop, restore: the user types the VM's name to confirm. */
  destructive?: boolean;
  input?: OperationInput;
  describe(vm: VmSummary): string;
  /** Why it cannot apply in the VM's state, if it cannot. */
  notApplicable?(vm: VmSummary, detail?: VmDetail): string | undefined;
  run(ctx: OperationContext): Promise<Wait>;
}

export type OperationId =
  | 'start'
  | 'stop'
  | 'forceStop'
  | 'restart'
  | 'softReboot'
  | 'pause'
  | 'unpause'
  | 'migrate'
  | 'cancelMigration'
  | 'snapshot'
  | 'restore'
  | 'clone'
  | 'delete';

const statusOf = (d?: VmDetail) => d?.summary.status ?? 'gone';
const vmiUid = (d?: VmDetail) =>
  (d?.vmi as { metadata?: { uid?: string } } | undefined)?.metadata?.uid;

const waitForStatus = (vm: VmSummary, status: string): Wait => ({
  ref: vm,
  target: `${vm.name} is ${status}`,
  reached: d => statusOf(d) === status,
  progress: d => `now ${statusOf(d)}`,
});

const inState =
  (...states: string[]) =>
  (vm: VmSummary) =>
    states.includes(vm.status)
      ? undefined
      : `The VM is ${vm.status}; this needs it ${states.join(' or ')}`;
const notInState =
  (...states: string[]) =>
  (vm: VmSummary) =>
    states.includes(vm.status) ? `The VM is ${vm.status}` : undefined;

const refOf = (vm: VmSummary): VmRef => ({
  cluster: vm.cluster,
  namespace: vm.namespace,
  name: vm.name,
});

export const operations: Record<OperationId, OperationSpec> = {
  start: {
    id: 'start',
    label: 'Start',
    operation: 'start',
    describe: vm => `Start ${vm.name}. Its run strategy becomes Always.`,
    notApplicable: notInState(
      'Running',
      'Paused',
      'Starting',
      'Migrating',
      'Terminating',
    ),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'start');
      return waitForStatus(vm, 'Running');
    },
  },
  stop: {
    id: 'stop',
    label: 'Stop',
    operation: 'stop',
    describe: vm =>
      `Shut ${vm.name} down gracefully (ACPI), then remove its instance.`,
    notApplicable: notInState('Stopped', 'Stopping', 'Terminating'),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'stop');
      return waitForStatus(vm, 'Stopped');
    },
  },
  forceStop: {
    id: 'forceStop',
    label: 'Force stop',
    operation: 'forceStop',
    destructive: true,
    describe: vm =>
      `Power ${vm.name} off at once, without a guest shutdown: like pulling the plug; unsaved data in the guest is lost.`,
    notApplicable: notInState('Stopped'),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'forceStop');
      return waitForStatus(vm, 'Stopped');
    },
  },
  restart: {
    id: 'restart',
    label: 'Restart',
    operation: 'restart',
    describe: vm =>
      `Restart ${vm.name}: its instance is replaced by a new one.`,
    notApplicable: notInState('Stopped', 'Stopping', 'Terminating'),
    run: async ({ api, vm }) => {
      const before = vmiUid(await api.getVm(refOf(vm)));
      await api.act(refOf(vm), 'restart');
      return {
        ref: vm,
        target: `${vm.name} runs again with a new instance`,
        reached: d =>
          statusOf(d) === 'Running' && !!vmiUid(d) && vmiUid(d) !== before,
        progress: d => `now ${statusOf(d)}`,
      };
    },
  },
  softReboot: {
    id: 'softReboot',
    label: 'Soft reboot',
    operation: 'softReboot',
    describe: vm =>
      `Reboot ${vm.name}'s guest operating system (guest agent, else ACPI); the instance, its node and IP stay.`,
    // KubeVirt soft-reboots only a running, unpaused instance (virt-api SoftRebootVMIRequestHandler)
    notApplicable: inState('Running'),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'softReboot');
      // the instance stays as it is: nothing in the VM's state marks the guest's reboot
      return {
        ref: vm,
        target: `${vm.name}'s guest is rebooting`,
        reached: d => statusOf(d) === 'Running',
        progress: d => `now ${statusOf(d)}`,
      };
    },
  },
  pause: {
    id: 'pause',
    label: 'Pause',
    operation: 'pause',
    describe: vm =>
      `Freeze ${vm.name}'s vCPUs; memory and connections are kept.`,
    notApplicable: inState('Running'),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'pause');
      return waitForStatus(vm, 'Paused');
    },
  },
  unpause: {
    id: 'unpause',
    label: 'Unpause',
    operation: 'unpause',
    describe: vm => `Let ${vm.name}'s vCPUs run again.`,
    notApplicable: inState('Paused'),
    run: async ({ api, vm }) => {
      await api.act(refOf(vm), 'unpause');
      return waitForStatus(vm, 'Running');
    },
  },
  migrate: {
    id: 'migrate',
    label: 'Migrate',
    operation: 'migrate',
    describe: vm =>
      `Live-migrate ${vm.name} to another node${
        vm.node ? ` (it runs on ${vm.node})` : ''
      }; the guest keeps running.`,
    notApplicable: (vm, d) =>
      inState('Running')(vm) ??
      (d?.migrations.some(m => m.active)
        ? 'A migration is already in progress'
        : undefined),
    run: async ({ api, vm }) => {
      const before = new Set(
        (await api.getVm(refOf(vm))).migrations.map(m => m.name),
      );
      await api.act(refOf(vm), 'migrate');
      const mine = (d?: VmDetail) =>
        d?.migrations.find(m => !before.has(m.name));
      return {
        ref: vm,
        target: `${vm.name} is migrated`,
        reached: d => {
          const m = mine(d);
          if (m?.phase === 'Failed') return `Migration ${m.name} failed`;
          return m?.phase === 'Succeeded';
        },
        progress: d => {
          const m = mine(d);
          return m
            ? `migration ${m.phase ?? 'pending'}${
                m.targetNode ? ` to ${m.targetNode}` : ''
              }`
            : 'migration requested';
        },
      };
    },
  },
  cancelMigration: {
    id: 'cancelMigration',
    label: 'Cancel migration',
    operation: 'cancelMigration',
    describe: vm =>
      `Stop the live migration of ${vm.name}; it stays on ${
        vm.node ?? 'its node'
      }.`,
    notApplicable: (_vm, d) =>
      d && !d.migrations.some(m => m.active)
        ? 'No migration is in progress'
        : undefined,
    run: async ({ api, vm }) => {
      await api.cancelMigration(refOf(vm));
      return {
        ref: vm,
        target: `no migration of ${vm.name} is in progress`,
        reached: d => !!d && !d.migrations.some(m => m.active),
        progress: d => d?.migrations.find(m => m.active)?.phase ?? '',
      };
    },
  },
  snapshot: {
    id: 'snapshot',
    label: 'Snapshot',
    operation: 'snapshot',
    input: 'snapshotName',
    describe: vm =>
      `Take a snapshot of ${vm.name}'s disks${
        vm.status === 'Running'
          ? ' (online; the guest agent freezes file systems if installed)'
          : ''
      }.`,
    run: async ({ api, vm, input }) => {
      const { snapshot } = await api.createSnapshot(
        refOf(vm),
        input.snapshotName ? { name: input.snapshotName } : {},
      );
      return {
        ref: vm,
        target: `snapshot ${snapshot.name} is ready to use`,
        reached: d => {
          const s = d?.snapshots.find(x => x.name === snapshot.name);
          if (s?.error || s?.phase === 'Failed')
            return `Snapshot ${snapshot.name} failed: ${s.error ?? s.phase}`;
          return !!s?.readyToUse;
        },
        progress: d =>
          `snapshot ${
            d?.snapshots.find(x => x.name === snapshot.name)?.phase ?? 'pending'
          }`,
      };
    },
  },
  restore: {
    id: 'restore',
    label: 'Restore',
    operation: 'restore',
    destructive: true,
    input: 'restoreSnapshot',
    describe: vm =>
      `Replace ${vm.name}'s disks and spec with a snapshot. Changes made since the snapshot are lost.`,
    notApplicable: (vm, d) =>
      inState('Stopped')(vm) ??
      (d && !d.snapshots.some(s => s.readyToUse)
        ? 'The VM has no snapshot ready to use'
        : undefined),
    run: async ({ api, vm, input }) => {
      const { restore } = await api.restoreSnapshot(refOf(vm), {
        snapshot: input.restoreSnapshot!,
      });
      return {
        ref: vm,
        target: `the restore of ${restore.snapshot} is complete`,
        reached: d =>
          !!d?.restores.find(r => r.name === restore.name)?.complete,
        progress: d => {
          const r = d?.restores.find(x => x.name === restore.name);
          return r?.reason
            ? `${r.reason}${r.message ? `: ${r.message}` : ''}`
            : 'restoring';
        },
      };
    },
  },
  clone: {
    id: 'clone',
    label: 'Clone',
    operation: 'clone',
    input: 'cloneTarget',
    describe: vm =>
      `Copy ${vm.name} (spec and disks) into a new, stopped VM in ${vm.namespace}.`,
    run: async ({ api, vm, input }) => {
      const { clone } = await api.cloneVm(refOf(vm), {
        targetName: input.cloneTarget!,
      });
      return {
        ref: {
          cluster: vm.cluster,
          namespace: vm.namespace,
          name: clone.targetName,
        },
        target: `${clone.targetName} exists`,
        reached: d => !!d,
        progress: () => `cloning into ${clone.targetName}`,
      };
    },
  },
  delete: {
    id: 'delete',
    label: 'Delete',
    operation: 'delete',
    destructive: true,
    describe: vm =>
      `Delete ${vm.name} and the disks it owns (DataVolumes from its templates). This cannot be undone.`,
    run: async ({ api, vm }) => {
      await api.deleteVm(refOf(vm));
      return {
        ref: vm,
        target: `${vm.name} is deleted`,
        reached: d => !d,
        progress: d => `now ${statusOf(d)}`,
      };
    },
  },
};

/** The toolbar's order. */
export const operationOrder: OperationId[] = [
  'start',
  'stop',
  'restart',
  'softReboot',
  'pause',
  'unpause',
  'migrate',
  'cancelMigration',
  'snapshot',
  'restore',
  'clone',
  'forceStop',
  'delete',
];

/** Why an operation cannot run on the VM: it is being deleted, its cluster cannot run it, or the caller's role forbids it (naming the weakest role that allows it). */
export function deniedReason(
  vm: VmSummary,
  operation: VmOperation,
): string | undefined {
  // a VM on its way out takes no other operation, whatever the role
  const deleting = beingDeletedReason(vm);
  if (deleting) return deleting;
  // the cluster cannot do it at all (a feature gate or part it lacks): that, not the role, is why
  const unavailable = vm.unavailableOperations?.[operation];
  if (unavailable) return `Not available: ${unavailable}`;
  if (vm.allowedOperations.includes(operation)) return undefined;
  const role = weakestRoleFor(vmOperationPermissions[operation]);
  return `Your VM role does not allow ${operation} on this VM${
    role ? `; it needs ${role}` : ''
  }`;
}

/** A DNS-1123 label, as Kubernetes names VMs and snapshots. */
export function nameProblem(name: string): string | undefined {
  if (!name) return 'A name is required';
  if (name.length > 63) return 'At most 63 characters';
  if (!isKubernetesName('newVm', name))
    return 'Lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}
