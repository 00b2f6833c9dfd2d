import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { VmListQuery } from '@internal/plugin-kubevirt-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kubevirtApiRef } from '../api';

/**
 * VMs from the broker, refetched on every change the broker signals on
 * `channel`. Each signal changes the fetch's dependencies instead of calling
 * retry(), which is ignored while a fetch is in flight: the last answer always
 * reflects the last signal.
 */
export function useVms(query: VmListQuery, channel: string) {
  const api = useApi(kubevirtApiRef);
  const key = JSON.stringify(query);
  const [generation, setGeneration] = useState(0);
  const { lastSignal } = useSignal(channel);
  useEffect(() => {
    if (lastSignal) setGeneration(g => g + 1);
  }, [lastSignal]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => api.listVms(query), [api, key, generation]);
}
