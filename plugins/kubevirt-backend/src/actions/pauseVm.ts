import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `pause-vm` action. */
export function registerPauseVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'pause-vm',
    action: 'pause',
    title: 'Pause a virtual machine',
    description:
      'Freezes a running VM in memory (no data loss); unpause resumes it.',
    destructive: false,
  });
}
