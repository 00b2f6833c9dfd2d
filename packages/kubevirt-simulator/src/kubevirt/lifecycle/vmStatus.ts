import { KubeObject } from '../../store/store';

/** The annotation demo VMs use to stay in an error state (the simulator's "broken image/node"). */
export const FAULT_ANNOTATION = 'simulator.kubevirt.io/fault';

/** Demo VMs that a user had paused: paused once their VMI first runs. */
export const PAUSE_AFTER_START_ANNOTATION =
  'simulator.kubevirt.io/pause-after-start';

/** Every migration carries it from admission (migration-create-mutator.go) until it is final. */
export const MIGRATION_FINALIZER = 'kubevirt.io/migrationJobFinalize';

/** One entry of `status.stateChangeRequests`, as virt-api appends them. */
export interface StateChangeRequest {
  /** Start or Stop */
  action: string;
  uid?: string;
  data?: Record<string, string>;
}

export function runStrategyOf(vm: KubeObject): string {
  if (vm.spec?.runStrategy) return vm.spec.runStrategy;
  if (vm.spec?.running === true) return 'Always';
  return 'Halted';
}

const requestsOf = (vm: KubeObject): StateChangeRequest[] =>
  vm.status?.stateChangeRequests ?? [];
const isFinalVmi = (vmi: KubeObject) =>
  ['Succeeded', 'Failed'].includes(vmi.status?.phase);

/**
 * The VM controller acts on the first state change request only; the ones
 * after it wait their turn (kubevirt pkg/virt-controller/watch/vm/vm.go,
 * hasStartRequest / hasStopRequestForVMI).
 */
export function hasStartRequest(vm: KubeObject): boolean {
  return requestsOf(vm)[0]?.action === 'Start';
}

export function hasStopRequestForVmi(vm: KubeObject, vmi: KubeObject): boolean {
  const first = requestsOf(vm)[0];
  return (
    first?.action === 'Stop' && !!first.uid && first.uid === vmi.metadata.uid
  );
}

/**
 * Whether the first request has been carried out and can go
 * (vm.go isTrimFirstChangeRequestNeeded): a Stop once there is no VMI or a
 * VMI with another UID; a Start once a VMI is there that is neither being
 * deleted nor finished.
 */
export function firstRequestDone(
  vm: KubeObject,
  vmi: KubeObject | undefined,
): boolean {
  const first = requestsOf(vm)[0];
  if (!first) return false;
  if (first.action === 'Stop')
    return !vmi || !first.uid || first.uid !== vmi.metadata.uid;
  if (first.action === 'Start')
    return !!vmi && !vmi.metadata.deletionTimestamp && !isFinalVmi(vmi);
  return true;
}

/**
 * Whether the controller creates a VMI for a VM that has none
 * (vm.go syncRunStrategy): Always and Once start at once, RerunOnFailure on
 * a Start request or when its run strategy is new to it, Manual only on a
 * Start request, Halted never.
 */
export function shouldStartVmi(vm: KubeObject): boolean {
  switch (runStrategyOf(vm)) {
    case 'Always':
      return true;
    case 'RerunOnFailure':
      return hasStartRequest(vm) || vm.status?.runStrategy !== 'RerunOnFailure';
    case 'Manual':
      return hasStartRequest(vm);
    case 'Once':
      // the simulator's Once: a VMI that ran and went away is not started again
      return !(vm.status?.created === false && vm.status?.startedOnce);
    default:
      return false;
  }
}

/**
 * Whether the controller deletes the VMI now (vm.go syncRunStrategy's
 * stopVMI calls): Halted always; Always and RerunOnFailure on a Stop request
 * for this VMI or when it finished; Manual only on a Stop request; a VM being
 * deleted takes its VMI with it.
 */
export function shouldStopVmi(
  vm: KubeObject,
  vmi: KubeObject | undefined,
): boolean {
  if (!vmi || vmi.metadata.deletionTimestamp) return false;
  if (vm.metadata.deletionTimestamp) return true;
  switch (runStrategyOf(vm)) {
    case 'Halted':
      return true;
    case 'Always':
    case 'RerunOnFailure':
      return hasStopRequestForVmi(vm, vmi) || isFinalVmi(vmi);
    case 'Manual':
      return hasStopRequestForVmi(vm, vmi);
    default:
      return false;
  }
}

/** vm.go isSetToStart: whether the VM is meant to run, with or without its VMI. */
export function isSetToStart(
  vm: KubeObject,
  vmi: KubeObject | undefined,
): boolean {
  switch (runStrategyOf(vm)) {
    case 'Always':
      return true;
    case 'Manual':
      return vmi ? !hasStopRequestForVmi(vm, vmi) : hasStartRequest(vm);
    case 'RerunOnFailure':
      return vmi ? vmi.status?.phase !== 'Succeeded' : shouldStartVmi(vm);
    case 'Once':
      return !vmi;
    default:
      return false;
  }
}

/** Whether a VM with no VMI is about to get one (seeded VMs, metrics backfill). */
export function wantsRunning(vm: KubeObject): boolean {
  return isSetToStart(vm, undefined);
}

const condition = (obj: KubeObject | undefined, type: string) =>
  (obj?.status?.conditions ?? []).find(
    (c: { type: string }) => c.type === type,
  );

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
  if (
    vmi &&
    shouldStopVmi(vm, vmi) &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  )
    return 'Stopping';
  if (ctx.migrating && phase === 'Running') return 'Migrating';
  if (condition(vmi, 'Paused')?.status === 'True') return 'Paused';
  if (phase === 'Running') return 'Running';
  if (fault === 'ErrorUnschedulable' && vmi) return 'ErrorUnschedulable';
  if (ctx.provisioning && isSetToStart(vm, vmi)) return 'Provisioning';
  if ((fault === 'ErrImagePull' || fault === 'ImagePullBackOff') && vmi)
    return fault;
  if (fault === 'CrashLoopBackOff' && isSetToStart(vm, vmi))
    return 'CrashLoopBackOff';
  if (
    vmi &&
    ['', 'Pending', 'Scheduling', 'Scheduled', undefined].includes(phase)
  )
    return 'Starting';
  if (!vmi && (shouldStartVmi(vm) || hasStartRequest(vm))) return 'Starting';
  if (!vmi || phase === 'Succeeded' || phase === 'Failed') return 'Stopped';
  return 'Unknown';
}
