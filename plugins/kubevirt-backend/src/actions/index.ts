import { registerDeleteVm } from './deleteVm';
import { registerDiagnoseVm } from './diagnoseVm';
import { registerGetVm } from './getVm';
import { registerLabelVm } from './labelVm';
import { registerListVms } from './listVms';
import { registerMigrateVm } from './migrateVm';
import { registerPauseVm } from './pauseVm';
import { registerRestartVm } from './restartVm';
import { registerRestoreVm } from './restoreVm';
import { VmActionsContext } from './shared';
import { registerSnapshotVm } from './snapshotVm';
import { registerSoftRebootVm } from './softRebootVm';
import { registerStartVm } from './startVm';
import { registerStopVm } from './stopVm';
import { registerUnpauseVm } from './unpauseVm';

/**
 * The broker's reads and operations as actions of Backstage's actions registry,
 * which the MCP actions backend offers to AI assistants as tools: one action
 * per file. Each action calls the same service method as the REST route, with
 * the caller's credentials: same permission decision, validation, audit event
 * and error mapping. Descriptions are written for a model to read.
 */
export function registerVmActions(context: VmActionsContext) {
  registerListVms(context);
  registerGetVm(context);
  registerDiagnoseVm(context);
  registerStartVm(context);
  registerStopVm(context);
  registerRestartVm(context);
  registerSoftRebootVm(context);
  registerPauseVm(context);
  registerUnpauseVm(context);
  registerMigrateVm(context);
  registerSnapshotVm(context);
  registerRestoreVm(context);
  registerDeleteVm(context);
  registerLabelVm(context);
}
