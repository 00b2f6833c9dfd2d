import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  KUBERNETES_ID_LABEL,
  kubevirtSignalChannels,
  VmListQuery,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useMemo } from 'react';
import { VmBrowser } from './list/VmBrowser';

/** The Kubernetes plugin's annotation for entities whose workloads are found by selector. */
const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/** The Virtual Machines tab: the entity's VMs across clusters, by kubernetes-id label or label selector. */
export const EntityVmsContent = () => {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const kubernetesId =
    annotations[KUBERNETES_ID_LABEL] ??
    (selector ? undefined : entity.metadata.name);
  const entityRef = stringifyEntityRef(entity);
  const query: VmListQuery = useMemo(
    () =>
      selector && !annotations[KUBERNETES_ID_LABEL]
        ? { labelSelector: selector }
        : { entity: entityRef, kubernetesId },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selector, entityRef, kubernetesId],
  );
  return (
    <VmBrowser
      title={`Virtual machines of ${
        entity.metadata.title ?? entity.metadata.name
      }`}
      baseQuery={query}
      channel={
        kubernetesId ? kubevirtSignalChannels.entity(kubernetesId) : undefined
      }
    />
  );
};
