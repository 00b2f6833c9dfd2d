import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { kubevirtSignalChannels, KUBERNETES_ID_LABEL } from '@internal/plugin-kubevirt-common';
import { useVms } from './useVms';
import { ClusterWarnings, VmTable } from './VmTable';

/** The Virtual Machines tab: the VMs labelled with the entity's kubernetes-id, across clusters. */
export const EntityVmsContent = () => {
  const { entity } = useEntity();
  const kubernetesId = entity.metadata.annotations?.[KUBERNETES_ID_LABEL] ?? entity.metadata.name;
  const { value, loading, error, retry } = useVms(
    { entity: stringifyEntityRef(entity), kubernetesId },
    kubevirtSignalChannels.entity(kubernetesId),
  );
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return <Progress />;
  return (
    <>
      <ClusterWarnings clusters={value.clusters} />
      <VmTable title={`Virtual machines of ${entity.metadata.name}`} vms={value.items} loading={loading} onChange={retry} />
    </>
  );
};
