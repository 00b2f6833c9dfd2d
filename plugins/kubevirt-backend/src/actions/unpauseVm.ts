import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `unpause-vm` action. */
export function registerUnpauseVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'unpause-vm',
    action: 'unpause',
    title: 'Unpause a virtual machine',
    description: 'Resumes a paused VM.',
    destructive: false,
  });
}
