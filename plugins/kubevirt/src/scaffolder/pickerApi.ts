import { ApiHolder, useApi } from '@backstage/frontend-plugin-api';
import { KubevirtApiClient } from '@kubevirt-backstage/plugin-kubevirt-common';
import { kubevirtApiRef } from '../api';

/** The broker reads the template form's pickers need. */
export type KubevirtPickerApi = Pick<
  KubevirtApiClient,
  'listClusters' | 'listNamespaces' | 'listInstancetypes' | 'listGoldenImages'
>;

// kubevirtApiRef's factory builds the whole KubevirtApiClient, while its type
// (KubevirtApi) lists only what the VM pages call; the picker reads are there at runtime.
function asPickerApi(api: unknown): KubevirtPickerApi {
  const picker = api as Partial<KubevirtPickerApi> | undefined;
  if (
    !picker?.listClusters ||
    !picker.listNamespaces ||
    !picker.listInstancetypes ||
    !picker.listGoldenImages
  ) {
    throw new Error(
      'The KubeVirt API (plugin.kubevirt.client) lacks the picker reads; is the kubevirt plugin installed?',
    );
  }
  return picker as KubevirtPickerApi;
}

export const usePickerApi = (): KubevirtPickerApi =>
  asPickerApi(useApi(kubevirtApiRef));

/** For field validators, which get the app's ApiHolder instead of hooks. */
export const pickerApiFrom = (apis: ApiHolder): KubevirtPickerApi =>
  asPickerApi(apis.get(kubevirtApiRef));
