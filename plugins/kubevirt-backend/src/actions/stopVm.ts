import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `stop-vm` action. */
export function registerStopVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'stop-vm',
    action: 'stop',
    title: 'Stop a virtual machine',
    description:
      'Stops a running VM gracefully: the guest is asked to shut down; its workload becomes unavailable. Set force to stop at once, like pulling the plug.',
    destructive: true,
  });
}
