import { useApi } from '@backstage/core-plugin-api';
import {
  kubevirtSignalChannels,
  VmRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kubevirtApiRef } from '../../api';
import { useSignalRefresh } from '../useSignalRefresh';

/** A VM's detail, read again on every change the broker signals for it (state, snapshots, migrations, events). */
export function useVmDetail(ref: VmRef) {
  const api = useApi(kubevirtApiRef);
  const generation = useSignalRefresh(kubevirtSignalChannels.vm(ref));
  const [bump, setBump] = useState(0);
  const reload = useCallback(() => setBump(b => b + 1), []);
  const state = useAsync(
    () => api.getVm(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ref.cluster, ref.namespace, ref.name, generation, bump],
  );
  return { ...state, reload };
}
