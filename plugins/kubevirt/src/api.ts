import { createApiRef } from '@backstage/frontend-plugin-api';
import { KubevirtApiClient } from '@kubevirt-backstage/plugin-kubevirt-common';

/** The broker's API as the UI uses it: the typed client from kubevirt-common, so tests can fake any part. */
export type KubevirtApi = Pick<
  KubevirtApiClient,
  | 'listClusters'
  | 'listVms'
  | 'getVm'
  | 'act'
  | 'deleteVm'
  | 'updateVm'
  | 'updateVmMetadata'
  | 'createSnapshot'
  | 'deleteSnapshot'
  | 'restoreSnapshot'
  | 'cloneVm'
  | 'addVolume'
  | 'removeVolume'
  | 'cancelMigration'
  | 'getVmMetrics'
  | 'getVmDiagnostics'
  | 'consoleConnection'
  | 'bulk'
  | 'resizeDisk'
  | 'addInterface'
  | 'removeInterface'
  | 'hotplugResources'
  | 'saveAsSavedVmTemplate'
  | 'evacuateNode'
  | 'getNodeMaintenance'
  | 'startNodeMaintenance'
  | 'stopNodeMaintenance'
  | 'listSavedVmTemplates'
  | 'createVmFromSavedVmTemplate'
>;

export const kubevirtApiRef = createApiRef<KubevirtApi>().with({
  id: 'plugin.kubevirt.client',
  pluginId: 'kubevirt',
});
