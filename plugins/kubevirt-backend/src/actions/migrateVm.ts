import { registerPowerAction } from './powerAction';
import { VmActionsContext } from './shared';

/** The `migrate-vm` action. */
export function registerMigrateVm(context: VmActionsContext) {
  registerPowerAction(context, {
    name: 'migrate-vm',
    action: 'migrate',
    title: 'Live-migrate a virtual machine',
    description:
      'Live-migrates a running VM to another node without stopping it. Fails if the VM is not live-migratable (e.g. a non-shared disk).',
    destructive: false,
  });
}
