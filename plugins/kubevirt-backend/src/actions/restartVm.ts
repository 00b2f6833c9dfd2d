import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `restart-vm` action. */
export function registerRestartVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'restart-vm',
    action: 'restart',
    title: 'Restart a virtual machine',
    description: 'Restarts a running VM; its workload is briefly unavailable.',
    destructive: true,
  });
}
