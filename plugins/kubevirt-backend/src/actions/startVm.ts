import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `start-vm` action. */
export function registerStartVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'start-vm',
    action: 'start',
    title: 'Start a virtual machine',
    description:
      'Starts a stopped VM (KubeVirt start subresource). Fails if the VM already runs.',
    destructive: false,
  });
}
