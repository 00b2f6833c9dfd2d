import { createApiRef } from '@backstage/frontend-plugin-api';
import { KubevirtApiClient } from '@internal/plugin-kubevirt-common';

export type KubevirtApi = Pick<KubevirtApiClient, 'listClusters' | 'listVms' | 'getVm' | 'act' | 'deleteVm'>;

export const kubevirtApiRef = createApiRef<KubevirtApi>().with({
  id: 'plugin.kubevirt.client',
  pluginId: 'kubevirt',
});
