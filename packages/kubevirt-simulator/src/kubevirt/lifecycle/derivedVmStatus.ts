import { KubeObject } from '../../store/store';
import { RESTART_REQUIRED_MESSAGE } from '../clusterFeatures';
import { cond, fault, hasCondition, now } from './conditions';
import { printableStatus, runStrategyOf } from './vmStatus';

/**
 * What the VM status is derived from. A structural type, so that the stage
 * context can call deriveVmStatus without this file importing the context.
 */
export interface VmStatusInputs {
  vmi(vm: KubeObject): KubeObject | undefined;
  migrating(vm: KubeObject): boolean;
  provisioning(vm: KubeObject): boolean;
  /** A running VM's template changed in a way the cluster's rollout strategy does not apply live. */
  restartRequired?(vm: KubeObject): boolean;
}

/** The VM status fields derived from its VMI, migrations and volumes. */
export function deriveVmStatus(vm: KubeObject, ctx: VmStatusInputs) {
  const vmi = ctx.vmi(vm);
  const ready =
    !!vmi && vmi.status?.phase === 'Running' && hasCondition(vmi, 'Ready');
  const status = printableStatus(vm, vmi, {
    migrating: ctx.migrating(vm),
    provisioning: ctx.provisioning(vm),
  });
  const f = fault(vm);
  return {
    printableStatus: status,
    ready,
    created: !!vmi,
    // written once the VM has had a VMI, and kept from then on (vm.go updateStatus): RerunOnFailure
    // starts a VM whose run strategy is new to it
    ...(vm.status?.runStrategy || vmi
      ? { runStrategy: runStrategyOf(vm) }
      : {}),
    conditions: [
      ready
        ? cond('Ready', 'True')
        : cond(
            'Ready',
            'False',
            vmi ? 'PodNotReady' : 'VMINotExists',
            vmi ? undefined : 'VMI does not exist',
          ),
      ...(ctx.restartRequired?.(vm)
        ? [cond('RestartRequired', 'True', undefined, RESTART_REQUIRED_MESSAGE)]
        : []),
      ...(vmi && hasCondition(vmi, 'Paused')
        ? [cond('Paused', 'True', 'PausedByUser')]
        : []),
      ...(f === 'ErrorUnschedulable' && vmi
        ? [
            cond(
              'PodScheduled',
              'False',
              'Unschedulable',
              '0/3 nodes are available: 3 Insufficient devices.kubevirt.io/kvm.',
            ),
          ]
        : []),
    ].map(c => ({
      ...c,
      lastTransitionTime:
        vm.status?.conditions?.find((o: { type: string }) => o.type === c.type)
          ?.lastTransitionTime ?? c.lastTransitionTime,
    })),
    ...(f === 'CrashLoopBackOff'
      ? {
          startFailure: {
            consecutiveFailCount: 5,
            retryAfterTimestamp:
              vm.status?.startFailure?.retryAfterTimestamp ?? now(),
          },
        }
      : {}),
  };
}
