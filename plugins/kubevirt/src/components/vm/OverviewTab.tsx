import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import {
  VM_OWNER_KEYS,
  VmDetail,
  vmEntityRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { VmStatus } from '../VmStatus';
import { NodeWithEvacuate } from '../spec/EvacuateNodeDialog';
import { MetadataCard } from './MetadataCard';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const anyOf = (o: unknown) => (o ?? {}) as any;

/** The owner of a VM as the catalog provider reads it: annotations before labels, each a ref that defaults to a group. */
function ownerOf(detail: VmDetail): string | undefined {
  const s = detail.summary;
  for (const values of [s.annotations ?? {}, s.labels]) {
    for (const key of VM_OWNER_KEYS) {
      if (!values[key]) continue;
      try {
        return stringifyEntityRef(
          parseEntityRef(values[key], {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        );
      } catch {
        // not an entity ref: the provider ignores it too
      }
    }
  }
  return undefined;
}

/**
 * The VM's catalog entity and owner: the entity the catalog provider emits
 * for the VM, else the owner of the component it serves. Without a catalog
 * in the app (or when it has neither) this stays empty and the VM's labels
 * speak.
 */
function useCatalogOwner(detail: VmDetail) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const s = detail.summary;
  return useAsync(async () => {
    if (!catalogApi) return undefined;
    const ref = vmEntityRef(s);
    const vmEntity = await catalogApi
      .getEntityByRef(ref)
      .catch(() => undefined);
    if (vmEntity)
      return { ref, owner: (vmEntity.spec as { owner?: string })?.owner };
    if (!s.kubernetesId) return undefined;
    const component = await catalogApi
      .getEntityByRef(`component:default/${s.kubernetesId}`)
      .catch(() => undefined);
    const owner = (component?.spec as { owner?: string } | undefined)?.owner;
    return owner
      ? {
          ref: undefined,
          owner: stringifyEntityRef(
            parseEntityRef(owner, {
              defaultKind: 'group',
              defaultNamespace: 'default',
            }),
          ),
        }
      : undefined;
  }, [catalogApi, s.cluster, s.namespace, s.name, s.kubernetesId]);
}

// the default title case splits "vCPUs" and "IP" into letters; keep the words as written
const titleFormat = (key: string) =>
  /^[a-z][A-Z]/.test(key) ? key : key.charAt(0).toUpperCase() + key.slice(1);

export const OverviewTab = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  /** Called after the VM was changed from the tab (its labels and annotations). */
  onChange?: () => void;
}) => {
  const s = detail.summary;
  const vmi = anyOf(detail.vmi);
  const conditions: Condition[] = anyOf(detail.vm).status?.conditions ?? [];
  const guest = vmi.status?.guestOSInfo;
  const catalogEntity = useCatalogOwner(detail);
  // the catalog provider's answer (VM entity, else the component) wins over the VM's own labels
  const owner = catalogEntity.value?.owner ?? ownerOf(detail);
  const metadata: Record<string, unknown> = {
    status: <VmStatus status={s.status} />,
    ready: s.ready ? 'Yes' : 'No',
    'guest OS': guest?.prettyName ?? s.os ?? '—',
    'guest agent': vmi.status?.conditions?.some(
      (c: Condition) => c.type === 'AgentConnected' && c.status === 'True',
    )
      ? 'Connected'
      : 'Not connected',
    'IP addresses': s.ipAddresses.length ? s.ipAddresses.join(', ') : '—',
    node: <NodeWithEvacuate vm={s} />,
    cluster: s.cluster,
    namespace: s.namespace,
    instancetype: s.instancetype ?? '—',
    preference: s.preference ?? '—',
    vCPUs: s.cpu ?? '—',
    memory: s.memory ?? '—',
    'run strategy': s.runStrategy ?? '—',
    created: s.created ? new Date(s.created).toLocaleString() : '—',
    component: s.kubernetesId ? (
      <EntityRefLink entityRef={`component:default/${s.kubernetesId}`} />
    ) : (
      '—'
    ),
    owner: owner ? <EntityRefLink entityRef={owner} /> : '—',
    ...(catalogEntity.value?.ref
      ? {
          'catalog entity': (
            <EntityRefLink entityRef={catalogEntity.value.ref} />
          ),
        }
      : {}),
  };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Details">
          <StructuredMetadataTable
            metadata={metadata}
            options={{ titleFormat }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Conditions">
          {conditions.length ? (
            <Table size="small" aria-label="Conditions">
              <TableHead>
                <TableRow>
                  <TableCell>Type</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Reason</TableCell>
                  <TableCell>Message</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {conditions.map(c => (
                  <TableRow key={c.type}>
                    <TableCell>{c.type}</TableCell>
                    <TableCell>{c.status}</TableCell>
                    <TableCell>{c.reason ?? ''}</TableCell>
                    <TableCell>{c.message ?? ''}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography variant="body2">No conditions reported.</Typography>
          )}
        </InfoCard>
        {(detail.migrations.length > 0 || detail.launcherPods.length > 0) && (
          <Box mt={3}>
            <InfoCard title="Placement">
              <StructuredMetadataTable
                metadata={{
                  'launcher pods':
                    detail.launcherPods
                      .map(
                        p =>
                          `${p.name} (${p.phase ?? '?'}${
                            p.node ? ` on ${p.node}` : ''
                          })`,
                      )
                      .join(', ') || '—',
                  migrations:
                    detail.migrations
                      .slice(0, 5)
                      .map(
                        m =>
                          `${m.name}: ${m.phase ?? 'pending'}${
                            m.sourceNode
                              ? ` ${m.sourceNode} → ${m.targetNode ?? '?'}`
                              : ''
                          }`,
                      )
                      .join('; ') || '—',
                }}
              />
            </InfoCard>
          </Box>
        )}
      </Grid>
      <Grid item xs={12}>
        <MetadataCard detail={detail} onChange={onChange} />
      </Grid>
    </Grid>
  );
};
