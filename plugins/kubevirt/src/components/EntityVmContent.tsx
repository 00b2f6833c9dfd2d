import { WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  VM_CLUSTER_ANNOTATION,
  VM_NAME_ANNOTATION,
  VM_NAMESPACE_ANNOTATION,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useMemo } from 'react';
import { VmDetails } from './vm/VmDetails';

/** The VM page as content of the VM's catalog entity (kind Resource, spec.type virtual-machine). */
export const EntityVmContent = () => {
  const { entity } = useEntity();
  const a = entity.metadata.annotations ?? {};
  const cluster = a[VM_CLUSTER_ANNOTATION];
  const namespace = a[VM_NAMESPACE_ANNOTATION];
  const name = a[VM_NAME_ANNOTATION];
  const vmRef = useMemo(
    () => ({ cluster, namespace, name }),
    [cluster, namespace, name],
  );
  if (!cluster || !namespace || !name) {
    return (
      <WarningPanel
        title="This entity does not say which VM it is"
        message={`It needs the annotations ${VM_CLUSTER_ANNOTATION}, ${VM_NAMESPACE_ANNOTATION} and ${VM_NAME_ANNOTATION}, which the KubeVirt catalog provider writes.`}
      />
    );
  }
  return <VmDetails vmRef={vmRef} />;
};
