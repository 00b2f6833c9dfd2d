import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  VM_CLUSTER_ANNOTATION,
  VM_NAME_ANNOTATION,
  VM_NAMESPACE_ANNOTATION,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useMemo } from 'react';
import { useVmLink } from './links';
import { useVmDetail } from './vm/useVmDetail';
import { VmStatus } from './VmStatus';

/** The VM at a glance on its catalog entity's overview, live; the Virtual Machine tab has the rest. */
export const EntityVmCard = () => {
  const { entity } = useEntity();
  const a = entity.metadata.annotations ?? {};
  const cluster = a[VM_CLUSTER_ANNOTATION] ?? '';
  const namespace = a[VM_NAMESPACE_ANNOTATION] ?? '';
  const name = a[VM_NAME_ANNOTATION] ?? '';
  const vmRef = useMemo(
    () => ({ cluster, namespace, name }),
    [cluster, namespace, name],
  );
  const { value, error } = useVmDetail(vmRef);
  const vmLink = useVmLink();
  if (error && !value)
    return (
      <ResponseErrorPanel
        error={error}
        title={`Virtual machine ${vmRef.namespace}/${vmRef.name} on ${vmRef.cluster}`}
      />
    );
  if (!value) return <Progress />;
  const s = value.summary;
  return (
    <InfoCard
      title="Virtual machine"
      deepLink={
        vmLink ? { title: 'Open the VM page', link: vmLink(vmRef) } : undefined
      }
    >
      <StructuredMetadataTable
        options={{
          titleFormat: (key: string) =>
            key.charAt(0).toUpperCase() + key.slice(1),
        }}
        metadata={{
          status: <VmStatus status={s.status} />,
          'guest OS': s.os ?? '—',
          'IP addresses': s.ipAddresses.join(', ') || '—',
          node: s.node ?? '—',
          size:
            [s.instancetype, s.cpu && `${s.cpu} vCPU`, s.memory]
              .filter(Boolean)
              .join(' · ') || '—',
          where: `${s.namespace} on ${s.cluster}`,
          ...(vmLink ? { page: <Link to={vmLink(vmRef)}>{s.name}</Link> } : {}),
        }}
      />
    </InfoCard>
  );
};
