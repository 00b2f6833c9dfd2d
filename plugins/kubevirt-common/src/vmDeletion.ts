/**
 * KubeVirt's printableStatus for a VM that is being deleted: the VM
 * controller reports Terminating as soon as the VM has a deletionTimestamp
 * (pkg/virt-controller/watch/vm/vm.go setPrintableStatus,
 * isVirtualMachineStatusTerminating), whatever it said before. A VM deleted
 * in the foreground stays so until its instance and disks are gone.
 *
 * @public
 */
export const TERMINATING_STATUS = 'Terminating';

/**
 * The VM's printableStatus, Terminating from the moment it is marked for
 * deletion (the controller may not have written it yet).
 *
 * @public
 */
export function vmPrintableStatus(vm: {
  metadata?: { deletionTimestamp?: unknown; [key: string]: unknown };
  status?: { printableStatus?: string };
}): string {
  if (vm.metadata?.deletionTimestamp) return TERMINATING_STATUS;
  return vm.status?.printableStatus ?? 'Unknown';
}

/**
 * Why no operation applies to a VM that is being deleted; undefined for any
 * other VM.
 *
 * @public
 */
export function beingDeletedReason(vm: { status: string }): string | undefined {
  return vm.status === TERMINATING_STATUS
    ? 'The VM is being deleted; it stays listed until its instance and disks are gone'
    : undefined;
}
