import type { KubeObject } from '../../store/store';

/**
 * KubeVirt 1.6's finalizers (staging/src/kubevirt.io/api/core/v1/types.go):
 * the VM controller's, on VMs and on the VMIs it creates (vm.go
 * addVMFinalizer, createVMI), and the VMI controller's, on every VMI
 * (vmi/lifecycle.go removes it once the VMI is final and its pods are gone).
 */
export const VM_CONTROLLER_FINALIZER =
  'kubevirt.io/virtualMachineControllerFinalize';
export const VMI_FINALIZER = 'foregroundDeleteVirtualMachine';
/**
 * The domain-qualified name later KubeVirt releases use for the same
 * finalizer (and earlier simulator versions wrote): a VMI saved with it
 * must still be released.
 */
export const VMI_FINALIZER_QUALIFIED =
  'kubevirt.io/foregroundDeleteVirtualMachine';

/** Every finalizer KubeVirt's controllers put on a VMI and take off it when it is shut down. */
export const KUBEVIRT_VMI_FINALIZERS = [
  VMI_FINALIZER,
  VMI_FINALIZER_QUALIFIED,
  VM_CONTROLLER_FINALIZER,
];

export const hasFinalizer = (obj: KubeObject, finalizer: string) =>
  !!obj.metadata.finalizers?.includes(finalizer);

/**
 * The VMI a VM acts on: one it controls. An orphaned VMI (no controller
 * reference) is adopted only by a VM that is not being deleted (vm.go
 * getControllerOf, the claim's canAdopt check).
 */
export function controlledVmi(vm: KubeObject, vmi: KubeObject | undefined) {
  if (!vmi) return undefined;
  const controller = vmi.metadata.ownerReferences?.find(r => r.controller);
  if (controller) return controller.uid === vm.metadata.uid ? vmi : undefined;
  return vm.metadata.deletionTimestamp ? undefined : vmi;
}
