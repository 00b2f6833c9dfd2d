import { ORPHAN_FINALIZER } from '../../store/deletion';
import {
  KUBEVIRT_VMI_FINALIZERS,
  VM_CONTROLLER_FINALIZER,
  VMI_FINALIZER,
  controlledVmi,
  hasFinalizer,
} from './finalizers';
import { KubeObject } from '../../store/store';
import {
  MIGRATION_FINALIZER,
  PAUSE_AFTER_START_ANNOTATION,
  firstRequestDone,
  hasStartRequest,
  runStrategyOf,
  shouldStartVmi,
  shouldStopVmi,
} from './vmStatus';
import { StageContext } from './context';
import { cond, fault, hasCondition, now } from './conditions';
import { hasGuestAgent } from '../guestAgent';

/**
 * One step of an object's lifecycle, in the kwok model: which objects it
 * applies to (kind + `when`), after how many stage delays, what it changes
 * (`then`), and which events it emits. The controller runs the first stage that
 * matches, and the write it makes lets the next stage match.
 */
export interface Stage {
  name: string;
  kind: string;
  /** Multiples of the configured stage delay (0 = at once). */
  delay: number;
  when(obj: KubeObject, ctx: StageContext): boolean;
  then(obj: KubeObject, ctx: StageContext): void;
}

const phase = (obj: KubeObject) => obj.status?.phase ?? '';
const withPhase = (
  obj: KubeObject,
  p: string,
  extra: Record<string, unknown> = {},
) => ({
  ...obj,
  status: {
    ...obj.status,
    ...extra,
    phase: p,
    phaseTransitionTimestamps: [
      ...(obj.status?.phaseTransitionTimestamps ?? []),
      { phase: p, phaseTransitionTimestamp: now() },
    ],
  },
});

const finalMigration = (vmim: KubeObject) =>
  ['Succeeded', 'Failed'].includes(phase(vmim));
const migrationVmi = (vmim: KubeObject, ctx: StageContext) =>
  ctx.get(
    'VirtualMachineInstance',
    vmim.metadata.namespace,
    vmim.spec?.vmiName,
  );
/** The VMI carries this migration's state (migration.go isMigrationHandedOff). */
const handedOff = (vmim: KubeObject, vmi: KubeObject | undefined) =>
  !!vmi && vmi.status?.migrationState?.migrationUid === vmim.metadata.uid;
const abortRequested = (vmim: KubeObject): KubeObject =>
  hasCondition(vmim, 'AbortRequested')
    ? vmim
    : {
        ...vmim,
        status: {
          ...vmim.status,
          conditions: [
            ...(vmim.status?.conditions ?? []),
            {
              type: 'AbortRequested',
              status: 'True',
              lastProbeTime: now(),
              lastTransitionTime: null,
            },
          ],
        },
      };

/** Why an unfinished migration fails because of its VMI, with migration.go's event message. */
function interruption(vmim: KubeObject, ctx: StageContext): string | undefined {
  if (finalMigration(vmim)) return undefined;
  const vmi = migrationVmi(vmim, ctx);
  if (!vmi) return 'Migration failed because vmi does not exist.';
  if (
    vmi.metadata.deletionTimestamp ||
    ['Succeeded', 'Failed'].includes(phase(vmi))
  ) {
    return 'Migration failed vmi shutdown during migration.';
  }
  // past Pending the VMI carries the migration's state; a VMI without it is a new one (a restart)
  if (!['', 'Pending'].includes(phase(vmim)) && !handedOff(vmim, vmi)) {
    return "VMI's migration state was cleared during the active migration.";
  }
  return undefined;
}

export const stages: Stage[] = [
  // ---- VirtualMachine ----------------------------------------------------
  {
    name: 'vm-create-datavolumes',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) =>
      !vm.metadata.deletionTimestamp &&
      (vm.spec?.dataVolumeTemplates ?? []).some(
        (t: KubeObject) =>
          !ctx.get('DataVolume', vm.metadata.namespace, t.metadata.name),
      ),
    then: (vm, ctx) => {
      for (const t of vm.spec.dataVolumeTemplates) {
        if (ctx.get('DataVolume', vm.metadata.namespace, t.metadata.name))
          continue;
        ctx.create('DataVolume', {
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: {
            ...t.metadata,
            namespace: vm.metadata.namespace,
            ownerReferences: [ctx.ownerRef(vm)],
          },
          spec: t.spec,
          status: { phase: 'Pending', progress: 'N/A' },
        });
        ctx.event(
          vm,
          'Normal',
          'SuccessfulDataVolumeCreate',
          `Created DataVolume ${t.metadata.name}`,
        );
      }
    },
  },
  {
    // the first state change request is done: it goes, and the next one gets its turn
    name: 'vm-trim-request',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) => firstRequestDone(vm, ctx.vmi(vm)),
    then: (vm, ctx) => {
      const rest = (vm.status?.stateChangeRequests ?? []).slice(1);
      ctx.writeStatus(vm, {
        stateChangeRequests: rest.length ? rest : undefined,
      });
    },
  },
  {
    // Halted with a Start request first (vm.go syncRunStrategy, RunStrategyHalted): the controller
    // switches the VM to Always, e.g. a stop sent while a restart's old VMI was still shutting down
    name: 'vm-halted-start-request',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) =>
      !vm.metadata.deletionTimestamp &&
      runStrategyOf(vm) === 'Halted' &&
      hasStartRequest(vm) &&
      !ctx.vmi(vm),
    then: (vm, ctx) => {
      const spec =
        vm.spec?.runStrategy || vm.spec?.running === undefined
          ? { ...vm.spec, runStrategy: 'Always' }
          : { ...vm.spec, running: true };
      ctx.write({ ...vm, spec });
    },
  },
  {
    name: 'vm-start',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) =>
      !vm.metadata.deletionTimestamp &&
      shouldStartVmi(vm) &&
      fault(vm) !== 'CrashLoopBackOff' &&
      !ctx.vmi(vm) &&
      !ctx.provisioning(vm),
    then: (vm, ctx) => {
      const template = vm.spec?.template ?? {};
      const vmi = ctx.create('VirtualMachineInstance', {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: {
          name: vm.metadata.name,
          namespace: vm.metadata.namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          annotations: {
            'kubevirt.io/latest-observed-api-version': 'v1',
            'kubevirt.io/storage-observed-api-version': 'v1',
            ...(vm.spec?.instancetype
              ? {
                  'kubevirt.io/cluster-instancetype-name':
                    vm.spec.instancetype.name,
                }
              : {}),
            ...(vm.spec?.preference
              ? {
                  'kubevirt.io/cluster-preference-name':
                    vm.spec.preference.name,
                }
              : {}),
          },
          finalizers: [VM_CONTROLLER_FINALIZER, VMI_FINALIZER],
          ownerReferences: [ctx.ownerRef(vm)],
        },
        spec: ctx.expandedSpec(vm),
        status: {
          phase: 'Pending',
          phaseTransitionTimestamps: [
            { phase: 'Pending', phaseTransitionTimestamp: now() },
          ],
        },
      });
      // the Start request, if any, goes once the VMI is seen (vm-trim-request)
      ctx.writeStatus(vm, { created: true, startedOnce: true });
      ctx.event(
        vm,
        'Normal',
        'SuccessfulCreate',
        `Started the virtual machine by creating the new virtual machine instance ${vmi.metadata.name}`,
      );
    },
  },
  {
    name: 'vm-stop',
    kind: 'VirtualMachine',
    delay: 0,
    // a VM deleted with the orphan policy leaves its VMI running (vm.go sync)
    when: (vm, ctx) =>
      shouldStopVmi(vm, controlledVmi(vm, ctx.vmi(vm))) &&
      !(vm.metadata.deletionTimestamp && hasFinalizer(vm, ORPHAN_FINALIZER)),
    then: (vm, ctx) => {
      const vmi = ctx.vmi(vm)!;
      ctx.delete(
        'VirtualMachineInstance',
        vmi.metadata.namespace,
        vmi.metadata.name,
      );
      ctx.event(
        vm,
        'Normal',
        'SuccessfulDelete',
        `Stopped the virtual machine by deleting the virtual machine instance ${vmi.metadata.uid}`,
      );
      // RerunOnFailure starts a failed VMI again through a Start request (vm.go addStartRequest)
      if (
        runStrategyOf(vm) === 'RerunOnFailure' &&
        vmi.status?.phase === 'Failed' &&
        !vm.metadata.deletionTimestamp
      ) {
        ctx.writeStatus(vm, {
          stateChangeRequests: [
            ...(vm.status?.stateChangeRequests ?? []),
            { action: 'Start' },
          ],
        });
      }
    },
  },
  {
    // vm.go sync: a VM being deleted loses the controller's finalizer once its VMI is gone (or
    // orphaned); finalizers of others stay
    name: 'vm-finalize',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) =>
      !!vm.metadata.deletionTimestamp &&
      hasFinalizer(vm, VM_CONTROLLER_FINALIZER) &&
      (!controlledVmi(vm, ctx.vmi(vm)) || hasFinalizer(vm, ORPHAN_FINALIZER)),
    then: (vm, ctx) => ctx.removeFinalizers(vm, [VM_CONTROLLER_FINALIZER]),
  },
  {
    // vm.go sync addVMFinalizer
    name: 'vm-add-finalizer',
    kind: 'VirtualMachine',
    delay: 0,
    when: vm =>
      !vm.metadata.deletionTimestamp &&
      !hasFinalizer(vm, VM_CONTROLLER_FINALIZER),
    then: (vm, ctx) => ctx.addFinalizer(vm, VM_CONTROLLER_FINALIZER),
  },
  {
    name: 'vm-status',
    kind: 'VirtualMachine',
    delay: 0,
    when: (vm, ctx) => {
      const next = ctx.derivedVmStatus(vm);
      return Object.entries(next).some(
        ([k, v]) => JSON.stringify(vm.status?.[k]) !== JSON.stringify(v),
      );
    },
    then: (vm, ctx) => ctx.writeStatus(vm, ctx.derivedVmStatus(vm)),
  },

  // ---- VirtualMachineInstance ----------------------------------------------
  {
    // the VMI controller's finalizer (vmi/lifecycle.go, once final and its pods are gone) and the VM
    // controller's (vm.go removeVMIFinalizer); finalizers of others stay
    name: 'vmi-release-finalizers',
    kind: 'VirtualMachineInstance',
    delay: 1,
    when: vmi =>
      !!vmi.metadata.deletionTimestamp &&
      KUBEVIRT_VMI_FINALIZERS.some(f => hasFinalizer(vmi, f)),
    then: (vmi, ctx) => {
      ctx.event(
        vmi,
        'Normal',
        'ShuttingDown',
        'Signaled Graceful Shutdown',
        'virt-handler',
      );
      ctx.removeFinalizers(vmi, KUBEVIRT_VMI_FINALIZERS);
    },
  },
  {
    name: 'vmi-schedule',
    kind: 'VirtualMachineInstance',
    delay: 1,
    when: vmi =>
      !vmi.metadata.deletionTimestamp && ['', 'Pending'].includes(phase(vmi)),
    then: (vmi, ctx) => {
      const pod = ctx.createLauncherPod(vmi);
      ctx.event(
        vmi,
        'Normal',
        'SuccessfulCreate',
        `Created virtual machine pod ${pod.metadata.name}`,
      );
      const f = fault(ctx.ownerVm(vmi));
      ctx.write(
        withPhase(vmi, 'Scheduling', {
          conditions:
            f === 'ErrorUnschedulable'
              ? [
                  cond(
                    'PodScheduled',
                    'False',
                    'Unschedulable',
                    '0/3 nodes are available: 3 Insufficient devices.kubevirt.io/kvm.',
                  ),
                ]
              : [cond('Ready', 'False', 'PodNotReady')],
        }),
      );
    },
  },
  {
    name: 'vmi-scheduled',
    kind: 'VirtualMachineInstance',
    delay: 1,
    // with every node cordoned the launcher pod stays Pending, and the VMI Scheduling
    when: (vmi, ctx) =>
      !vmi.metadata.deletionTimestamp &&
      phase(vmi) === 'Scheduling' &&
      !fault(ctx.ownerVm(vmi)) &&
      ctx.pickNode() !== undefined,
    then: (vmi, ctx) => {
      const node = ctx.pickNode()!;
      ctx.setLauncherPodPhase(vmi, 'Running', node);
      ctx.write({
        ...withPhase(vmi, 'Scheduled', { nodeName: node }),
        metadata: {
          ...vmi.metadata,
          labels: { ...vmi.metadata.labels, 'kubevirt.io/nodeName': node },
        },
      });
    },
  },
  {
    name: 'vmi-running',
    kind: 'VirtualMachineInstance',
    delay: 1,
    when: vmi => !vmi.metadata.deletionTimestamp && phase(vmi) === 'Scheduled',
    then: (vmi, ctx) => {
      // virt-handler sets AgentConnected and guestOSInfo only once the guest's agent answers
      const agent = hasGuestAgent(vmi, ctx.ownerVm(vmi));
      const iface = ctx.interfaceFor(vmi);
      ctx.write(
        withPhase(vmi, 'Running', {
          conditions: [
            cond('Ready', 'True'),
            cond('LiveMigratable', 'True'),
            ...(agent ? [cond('AgentConnected', 'True')] : []),
          ],
          interfaces: [agent ? iface : { ...iface, infoSource: 'domain' }],
          ...(agent ? { guestOSInfo: ctx.guestOsFor(vmi) } : {}),
          qosClass: 'Burstable',
          migrationMethod: 'BlockMigration',
          launcherContainerImageVersion:
            'quay.io/kubevirt/virt-launcher:v1.9.0',
          activePods: {},
        }),
      );
      ctx.event(
        vmi,
        'Normal',
        'Started',
        'VirtualMachineInstance started.',
        'virt-handler',
      );
    },
  },

  {
    name: 'vmi-demo-pause',
    kind: 'VirtualMachineInstance',
    delay: 1,
    when: (vmi, ctx) =>
      phase(vmi) === 'Running' &&
      ctx.ownerVm(vmi)?.metadata.annotations?.[PAUSE_AFTER_START_ANNOTATION] ===
        'true' &&
      !vmi.metadata.annotations?.[PAUSE_AFTER_START_ANNOTATION],
    then: (vmi, ctx) => {
      ctx.write({
        ...vmi,
        metadata: {
          ...vmi.metadata,
          annotations: {
            ...vmi.metadata.annotations,
            [PAUSE_AFTER_START_ANNOTATION]: 'done',
          },
        },
        status: {
          ...vmi.status,
          conditions: [
            ...vmi.status.conditions.filter(
              (c: { type: string }) => c.type !== 'Ready',
            ),
            cond('Ready', 'False', 'Paused'),
            cond('Paused', 'True', 'PausedByUser', 'VMI was paused by user'),
          ],
        },
      });
      ctx.event(
        vmi,
        'Normal',
        'Paused',
        'VirtualMachineInstance paused',
        'virt-handler',
      );
    },
  },

  // ---- Migration -------------------------------------------------------------
  // (kubevirt pkg/virt-controller/watch/migration/migration.go updateStatus and sync; the simulator
  // writes the VMI's migrationState from Scheduling on, so a migration counts as handed off from there)
  {
    // the VMI went away or shut down under the migration (a stop, a restart, a deleted VM)
    name: 'vmim-interrupted',
    kind: 'VirtualMachineInstanceMigration',
    delay: 0,
    when: (vmim, ctx) => !!interruption(vmim, ctx),
    then: (vmim, ctx) => {
      const reason = interruption(vmim, ctx)!;
      ctx.write(withPhase(vmim, 'Failed'));
      ctx.event(vmim, 'Warning', 'FailedMigration', reason);
    },
  },
  {
    // a finished migration lets go of its finalizer and keeps the VMI's account of it
    name: 'vmim-finalize',
    kind: 'VirtualMachineInstanceMigration',
    delay: 0,
    when: vmim =>
      finalMigration(vmim) &&
      !!vmim.metadata.finalizers?.includes(MIGRATION_FINALIZER),
    then: (vmim, ctx) => {
      const vmi = migrationVmi(vmim, ctx);
      const migrationState = handedOff(vmim, vmi)
        ? vmi!.status.migrationState
        : vmim.status?.migrationState;
      const { finalizers: all, ...rest } = vmim.metadata;
      const finalizers = all!.filter(f => f !== MIGRATION_FINALIZER);
      ctx.write({
        ...vmim,
        metadata: { ...rest, ...(finalizers.length ? { finalizers } : {}) },
        status: {
          ...vmim.status,
          ...(migrationState ? { migrationState } : {}),
        },
      });
    },
  },
  {
    // deleted before the target took over: the migration fails at once
    name: 'vmim-canceled',
    kind: 'VirtualMachineInstanceMigration',
    delay: 0,
    when: (vmim, ctx) =>
      !!vmim.metadata.deletionTimestamp &&
      !finalMigration(vmim) &&
      !handedOff(vmim, migrationVmi(vmim, ctx)),
    then: (vmim, ctx) => {
      ctx.event(
        vmim,
        'Warning',
        'FailedMigration',
        'Migration failed due to being canceled',
      );
      ctx.write(withPhase(abortRequested(vmim), 'Failed'));
    },
  },
  {
    // deleted after the hand-off: the controller asks virt-handler to abort
    name: 'vmim-abort-requested',
    kind: 'VirtualMachineInstanceMigration',
    delay: 0,
    when: (vmim, ctx) =>
      !!vmim.metadata.deletionTimestamp &&
      !finalMigration(vmim) &&
      handedOff(vmim, migrationVmi(vmim, ctx)) &&
      !hasCondition(vmim, 'AbortRequested'),
    then: (vmim, ctx) => {
      const vmi = migrationVmi(vmim, ctx)!;
      ctx.write(abortRequested(vmim));
      ctx.write({
        ...vmi,
        status: {
          ...vmi.status,
          migrationState: {
            ...vmi.status.migrationState,
            abortRequested: true,
          },
        },
      });
      ctx.event(
        vmim,
        'Normal',
        'SuccessfulAbortMigration',
        'Migration is ready to be canceled by virt-handler.',
      );
    },
  },
  {
    // virt-handler aborts the live migration; the source node reports it failed
    name: 'vmim-aborted',
    kind: 'VirtualMachineInstanceMigration',
    delay: 1,
    when: (vmim, ctx) =>
      !!vmim.metadata.deletionTimestamp &&
      !finalMigration(vmim) &&
      handedOff(vmim, migrationVmi(vmim, ctx)) &&
      hasCondition(vmim, 'AbortRequested'),
    then: (vmim, ctx) => {
      const vmi = migrationVmi(vmim, ctx)!;
      const reason = 'Live migration has been aborted';
      ctx.write({
        ...vmi,
        status: {
          ...vmi.status,
          migrationState: {
            ...vmi.status.migrationState,
            abortStatus: 'Succeeded',
            failed: true,
            completed: true,
            endTimestamp: now(),
            failureReason: reason,
          },
        },
      });
      ctx.event(
        vmi,
        'Warning',
        'Migrated',
        `VirtualMachineInstance migration uid ${vmim.metadata.uid} failed. reason:${reason}`,
        'virt-handler',
      );
      ctx.write(withPhase(vmim, 'Failed'));
      ctx.event(
        vmim,
        'Warning',
        'FailedMigration',
        'source node reported migration failed',
      );
    },
  },
  ...(
    [
      'Scheduling',
      'Scheduled',
      'PreparingTarget',
      'TargetReady',
      'Running',
    ] as const
  ).map(
    (next, i, all): Stage => ({
      name: `vmim-${next}`,
      kind: 'VirtualMachineInstanceMigration',
      delay: 1,
      when: vmim =>
        !vmim.metadata.deletionTimestamp &&
        phase(vmim) === (i === 0 ? 'Pending' : all[i - 1]),
      then: (vmim, ctx) => {
        const vmi = migrationVmi(vmim, ctx);
        if (!vmi || phase(vmi) !== 'Running') {
          ctx.write(withPhase(vmim, 'Failed'));
          ctx.event(vmim, 'Warning', 'FailedMigration', 'VMI is not running');
          return;
        }
        const target = handedOff(vmim, vmi)
          ? undefined
          : ctx.pickNode(vmi.status.nodeName);
        if (!handedOff(vmim, vmi) && !target) {
          // the target pod finds no node (all others cordoned): KubeVirt gives the migration up
          ctx.write(withPhase(vmim, 'Failed'));
          ctx.event(
            vmim,
            'Warning',
            'FailedMigration',
            'Migration target pod is unschedulable: 0 nodes are available besides the source, the others are cordoned',
          );
          return;
        }
        const migrationState = handedOff(vmim, vmi)
          ? vmi.status.migrationState
          : {
              migrationUid: vmim.metadata.uid,
              sourceNode: vmi.status.nodeName,
              targetNode: target,
              startTimestamp: now(),
              mode: 'PreCopy',
            };
        ctx.write({ ...vmi, status: { ...vmi.status, migrationState } });
        if (next === 'PreparingTarget')
          ctx.event(
            vmi,
            'Normal',
            'PreparingTarget',
            'VirtualMachineInstance Migration Target Prepared.',
            'virt-handler',
          );
        if (next === 'Running')
          ctx.event(
            vmi,
            'Normal',
            'Migrating',
            'VirtualMachineInstance is migrating.',
            'virt-handler',
          );
        ctx.write(withPhase(vmim, next));
      },
    }),
  ),
  {
    name: 'vmim-succeeded',
    kind: 'VirtualMachineInstanceMigration',
    delay: 1,
    when: vmim => !vmim.metadata.deletionTimestamp && phase(vmim) === 'Running',
    then: (vmim, ctx) => {
      const vmi = migrationVmi(vmim, ctx);
      if (vmi && handedOff(vmim, vmi)) {
        const target = vmi.status.migrationState.targetNode;
        ctx.write({
          ...vmi,
          metadata: {
            ...vmi.metadata,
            labels: { ...vmi.metadata.labels, 'kubevirt.io/nodeName': target },
          },
          status: {
            ...vmi.status,
            nodeName: target,
            migrationState: {
              ...vmi.status.migrationState,
              completed: true,
              endTimestamp: now(),
            },
          },
        });
        ctx.setLauncherPodPhase(vmi, 'Running', target);
        ctx.event(
          vmi,
          'Normal',
          'Migrated',
          `The VirtualMachineInstance migrated to node ${target}.`,
          'virt-handler',
        );
      }
      ctx.write(withPhase(vmim, 'Succeeded'));
      ctx.event(
        vmim,
        'Normal',
        'SuccessfulMigration',
        'Source node reported migration succeeded',
      );
    },
  },

  // ---- Snapshots, restores, clones, DataVolumes -------------------------------
  {
    name: 'snapshot-in-progress',
    kind: 'VirtualMachineSnapshot',
    delay: 0,
    when: s => !s.status?.phase,
    then: (s, ctx) => {
      ctx.write({
        ...s,
        status: {
          phase: 'InProgress',
          readyToUse: false,
          creationTime: null,
          conditions: [cond('Progressing', 'True', 'InProgress')],
        },
      });
      const vm = ctx.get(
        'VirtualMachine',
        s.metadata.namespace,
        s.spec?.source?.name,
      );
      if (vm) ctx.writeStatus(vm, { snapshotInProgress: s.metadata.name });
    },
  },
  {
    name: 'snapshot-succeeded',
    kind: 'VirtualMachineSnapshot',
    delay: 2,
    when: s => s.status?.phase === 'InProgress',
    then: (s, ctx) => {
      const vm = ctx.get(
        'VirtualMachine',
        s.metadata.namespace,
        s.spec?.source?.name,
      );
      if (!vm) {
        ctx.write({
          ...s,
          status: {
            ...s.status,
            phase: 'Failed',
            conditions: [
              cond(
                'Failure',
                'True',
                'SourceNotFound',
                `VirtualMachine ${s.spec?.source?.name} not found`,
              ),
            ],
          },
        });
        return;
      }
      const contentName = `vmsnapshot-content-${s.metadata.uid}`;
      ctx.create('VirtualMachineSnapshotContent', {
        apiVersion: 'snapshot.kubevirt.io/v1beta1',
        kind: 'VirtualMachineSnapshotContent',
        metadata: {
          name: contentName,
          namespace: s.metadata.namespace,
          ownerReferences: [ctx.ownerRef(s)],
        },
        spec: {
          source: {
            virtualMachine: {
              metadata: { name: vm.metadata.name, labels: vm.metadata.labels },
              spec: vm.spec,
            },
          },
          virtualMachineSnapshotName: s.metadata.name,
        },
        status: { readyToUse: true, creationTime: now() },
      });
      ctx.write({
        ...s,
        status: {
          ...s.status,
          phase: 'Succeeded',
          readyToUse: true,
          creationTime: now(),
          sourceUID: vm.metadata.uid,
          virtualMachineSnapshotContentName: contentName,
          indications: vm.status?.ready ? ['Online', 'GuestAgent'] : [],
          conditions: [
            cond('Progressing', 'False', 'Operation complete'),
            cond('Ready', 'True', 'Operation complete'),
          ],
        },
      });
      ctx.writeStatus(vm, { snapshotInProgress: undefined });
    },
  },
  {
    name: 'restore-complete',
    kind: 'VirtualMachineRestore',
    delay: 2,
    when: r => !r.status?.complete,
    then: (r, ctx) => {
      const vm = ctx.get(
        'VirtualMachine',
        r.metadata.namespace,
        r.spec?.target?.name,
      );
      const snap = ctx.get(
        'VirtualMachineSnapshot',
        r.metadata.namespace,
        r.spec?.virtualMachineSnapshotName,
      );
      const content =
        snap &&
        ctx.get(
          'VirtualMachineSnapshotContent',
          r.metadata.namespace,
          snap.status?.virtualMachineSnapshotContentName,
        );
      if (!vm || !content) {
        ctx.write({
          ...r,
          status: {
            complete: false,
            conditions: [
              cond(
                'Failure',
                'True',
                'NotFound',
                'snapshot or target not found',
              ),
            ],
          },
        });
        return;
      }
      if (ctx.vmi(vm)) {
        if (
          !(r.status?.conditions ?? []).some(
            (c: { reason: string }) => c.reason === 'RestoreTargetNotReady',
          )
        ) {
          ctx.event(
            r,
            'Warning',
            'RestoreTargetNotReady',
            'Restore target VMI still exists, please stop the restore target to proceed with restore',
          );
          ctx.write({
            ...r,
            status: {
              complete: false,
              conditions: [
                cond(
                  'Ready',
                  'False',
                  'RestoreTargetNotReady',
                  'Restore target VMI still exists',
                ),
              ],
            },
          });
        }
        return;
      }
      ctx.write({
        ...vm,
        spec: {
          ...content.spec.source.virtualMachine.spec,
          runStrategy: vm.spec.runStrategy,
        },
      });
      ctx.write({
        ...r,
        status: {
          complete: true,
          restoreTime: now(),
          conditions: [cond('Ready', 'True', 'Operation complete')],
        },
      });
    },
  },
  {
    name: 'clone-succeeded',
    kind: 'VirtualMachineClone',
    delay: 2,
    when: c => !c.status?.phase || c.status.phase === 'SnapshotInProgress',
    then: (c, ctx) => {
      const source = ctx.get(
        'VirtualMachine',
        c.metadata.namespace,
        c.spec?.source?.name,
      );
      if (!source) {
        ctx.write({
          ...c,
          status: {
            phase: 'Failed',
            conditions: [cond('Ready', 'False', 'SourceNotFound')],
          },
        });
        return;
      }
      const name =
        c.spec?.target?.name ??
        `clone-${c.metadata.uid!.slice(0, 8)}-${source.metadata.name}`.slice(
          0,
          63,
        );
      if (!ctx.get('VirtualMachine', c.metadata.namespace, name)) {
        ctx.create('VirtualMachine', {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          metadata: {
            name,
            namespace: c.metadata.namespace,
            labels: source.metadata.labels,
            annotations: {},
          },
          spec: { ...source.spec, runStrategy: 'Halted', running: undefined },
        });
      }
      ctx.write({
        ...c,
        status: {
          phase: 'Succeeded',
          targetName: name,
          conditions: [cond('Ready', 'True'), cond('Progressing', 'False')],
        },
      });
    },
  },
  {
    name: 'datavolume-import',
    kind: 'DataVolume',
    delay: 1,
    when: dv =>
      dv.status?.phase !== 'Succeeded' && dv.status?.phase !== 'Failed',
    then: (dv, ctx) => {
      const steps = Number(
        dv.metadata.annotations?.['simulator.kubevirt.io/import-steps'] ?? 4,
      );
      const current = parseFloat(dv.status?.progress) || 0;
      const next = Math.min(100, current + 100 / Math.max(1, steps));
      const done = next >= 100;
      ctx.write({
        ...dv,
        status: {
          phase: done ? 'Succeeded' : 'ImportInProgress',
          progress: `${next.toFixed(2)}%`,
          conditions: [
            cond('Bound', 'True'),
            cond('Running', done ? 'False' : 'True'),
            cond('Ready', done ? 'True' : 'False'),
          ],
        },
      });
    },
  },
];
