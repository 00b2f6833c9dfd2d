import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `soft-reboot-vm` action. */
export function registerSoftRebootVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'soft-reboot-vm',
    action: 'softReboot',
    title: 'Soft-reboot a virtual machine',
    description:
      'Reboots the guest operating system of a running VM through its guest agent (or ACPI), keeping the same instance on the same node; fails if the VM is stopped or paused.',
    destructive: true,
  });
}
