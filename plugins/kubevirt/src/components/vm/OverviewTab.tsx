import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { VM_OWNER_KEYS, VmDetail } from '@internal/plugin-kubevirt-common';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { VmStatus } from '../VmStatus';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const anyOf = (o: unknown) => (o ?? {}) as any;

/** The owner of a VM as the catalog provider reads it: the annotation (an entity ref) wins over the label (a group). */
function ownerOf(detail: VmDetail): string | undefined {
  const s = detail.summary;
  const [annotationKey, labelKey] = VM_OWNER_KEYS;
  const byAnnotation = s.annotations?.[annotationKey] ?? s.annotations?.[labelKey];
  if (byAnnotation) return byAnnotation.includes(':') ? byAnnotation : `group:default/${byAnnotation}`;
  const byLabel = s.labels[annotationKey] ?? s.labels[labelKey];
  return byLabel ? `group:default/${byLabel}` : undefined;
}

export const OverviewTab = ({ detail }: { detail: VmDetail }) => {
  const s = detail.summary;
  const vmi = anyOf(detail.vmi);
  const conditions: Condition[] = anyOf(detail.vm).status?.conditions ?? [];
  const guest = vmi.status?.guestOSInfo;
  const owner = ownerOf(detail);
  const metadata: Record<string, unknown> = {
    status: <VmStatus status={s.status} />,
    ready: s.ready ? 'Yes' : 'No',
    'guest OS': guest?.prettyName ?? s.os ?? '—',
    'guest agent': vmi.status?.conditions?.some((c: Condition) => c.type === 'AgentConnected' && c.status === 'True') ? 'Connected' : 'Not connected',
    'IP addresses': s.ipAddresses.length ? s.ipAddresses.join(', ') : '—',
    node: s.node ?? '—',
    cluster: s.cluster,
    namespace: s.namespace,
    instancetype: s.instancetype ?? '—',
    preference: s.preference ?? '—',
    vCPU: s.cpu ?? '—',
    memory: s.memory ?? '—',
    'run strategy': s.runStrategy ?? '—',
    created: s.created ? new Date(s.created).toLocaleString() : '—',
    component: s.kubernetesId ? <EntityRefLink entityRef={`component:default/${s.kubernetesId}`} /> : '—',
    owner: owner ? <EntityRefLink entityRef={owner} /> : '—',
  };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Details">
          <StructuredMetadataTable metadata={metadata} />
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
          <InfoCard title="Placement">
            <StructuredMetadataTable
              metadata={{
                'launcher pods': detail.launcherPods.map(p => `${p.name} (${p.phase ?? '?'}${p.node ? ` on ${p.node}` : ''})`).join(', ') || '—',
                migrations:
                  detail.migrations
                    .slice(0, 5)
                    .map(m => `${m.name}: ${m.phase ?? 'pending'}${m.sourceNode ? ` ${m.sourceNode} → ${m.targetNode ?? '?'}` : ''}`)
                    .join('; ') || '—',
              }}
            />
          </InfoCard>
        )}
      </Grid>
    </Grid>
  );
};
