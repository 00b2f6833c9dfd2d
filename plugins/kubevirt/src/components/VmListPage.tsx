import { Content, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { kubevirtSignalChannels } from '@internal/plugin-kubevirt-common';
import { useVms } from './useVms';
import { ClusterWarnings, VmTable } from './VmTable';

/** Every VM the user may see, across clusters. */
export const VmListPage = () => {
  const { value, loading, error, retry } = useVms({ limit: 5000 }, kubevirtSignalChannels.clusters);
  return (
    <Content>
      {error && <ResponseErrorPanel error={error} />}
      {!value && !error && <Progress />}
      {value && (
        <>
          <ClusterWarnings clusters={value.clusters} />
          <VmTable title={`Virtual machines (${value.totalItems})`} vms={value.items} loading={loading} onChange={retry} />
        </>
      )}
    </Content>
  );
};
