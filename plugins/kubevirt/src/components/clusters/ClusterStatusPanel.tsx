import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { kubevirtSignalChannels } from '@kubevirt-backstage/plugin-kubevirt-common';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kubevirtApiRef } from '../../api';
import { useSignalRefresh } from '../useSignalRefresh';
import { ClusterStatusCard } from './ClusterStatusCard';

/** Capabilities and rights are probed every few minutes: read the list again now and then, not only on changes. */
const REREAD_MS = 30_000;

/** The cluster status card, fed from GET /clusters and read again when VMs come or go and every 30 s. */
export const ClusterStatusPanel = () => {
  const api = useApi(kubevirtApiRef);
  const changed = useSignalRefresh(kubevirtSignalChannels.clusters);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick(t => t + 1), REREAD_MS);
    return () => clearInterval(timer);
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const clusters = useAsync(() => api.listClusters(), [api, changed, tick]);
  if (clusters.error && !clusters.value)
    return <ResponseErrorPanel error={clusters.error} />;
  if (!clusters.value) return null;
  return <ClusterStatusCard clusters={clusters.value.items} />;
};
