import { KubeObject } from '../store';

/** The annotation demo VMs use to stay in an error state (the simulator's "broken image/node"). */
export const FAULT_ANNOTATION = 'simulator.kubevirt.io/fault';

/** Demo VMs that a user had paused: paused once their VMI first runs. */
export const PAUSE_AFTER_START_ANNOTATION = 'simulator.kubevirt.io/pause-after-start';

export function wantsRunning(vm: KubeObject): boolean {
  const strategy = runStrategyOf(vm);
  const requests: { action: string }[] = vm.status?.stateChangeRequests ?? [];
  const last = requests[requests.length - 1];
  if (last) return last.action === 'Start';
  return strategy === 'Always' || strategy === 'RerunOnFailure' || strategy === 'Once';
}

export function runStrategyOf(vm: KubeObject): string {
  if (vm.spec?.runStrategy) return vm.spec.runStrategy;
  if (vm.spec?.running === true) return 'Always';
  return 'Halted';
}

const condition = (obj: KubeObject | undefined, type: string) =>
  (obj?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

/**
 * printableStatus in KubeVirt's order of precedence (first match wins), from
 * the VM, its VMI, and DataVolumes of its templates.
 */
export function printableStatus(
  vm: KubeObject,
  vmi: KubeObject | undefined,
  ctx: { migrating: boolean; provisioning: boolean },
): string {
  const fault = vm.metadata.annotations?.[FAULT_ANNOTATION];
  const phase = vmi?.status?.phase;
  if (vm.metadata.deletionTimestamp) return 'Terminating';
  if (vmi?.metadata.deletionTimestamp) return 'Stopping';
  if (vmi && !wantsRunning(vm) && phase !== 'Succeeded' && phase !== 'Failed') return 'Stopping';
  if (ctx.migrating && phase === 'Running') return 'Migrating';
  if (condition(vmi, 'Paused')?.status === 'True') return 'Paused';
  if (phase === 'Running') return 'Running';
  if (fault === 'ErrorUnschedulable' && vmi) return 'ErrorUnschedulable';
  if (ctx.provisioning && wantsRunning(vm)) return 'Provisioning';
  if ((fault === 'ErrImagePull' || fault === 'ImagePullBackOff') && vmi) return fault;
  if (fault === 'CrashLoopBackOff' && wantsRunning(vm)) return 'CrashLoopBackOff';
  if (vmi && ['', 'Pending', 'Scheduling', 'Scheduled', undefined].includes(phase)) return 'Starting';
  if (!vmi && wantsRunning(vm)) return 'Starting';
  if (!vmi || phase === 'Succeeded' || phase === 'Failed') return 'Stopped';
  return 'Unknown';
}
