import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  ClusterStatus,
  MissingClusterRight,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  capabilityList,
  clusterHealth,
  ClusterHealthLevel,
  syncText,
} from './clusterHealth';

const statusOf: Record<
  ClusterHealthLevel,
  (props: { children?: React.ReactNode }) => JSX.Element
> = {
  ok: StatusOK,
  pending: StatusPending,
  warning: StatusWarning,
  error: StatusError,
};

// names, states and versions read badly broken mid-word; the lists wrap instead
const nowrap = { whiteSpace: 'nowrap' as const };

const rightText = (r: MissingClusterRight) =>
  `${r.verb} ${r.resource} (${r.group === '' ? 'core' : r.group})`;

const MissingRights = ({
  cluster,
  rights,
}: {
  cluster: string;
  rights?: MissingClusterRight[];
}) => {
  if (!rights) return <Typography variant="body2">Not checked</Typography>;
  if (!rights.length) return <StatusOK>None</StatusOK>;
  return (
    <Box
      component="ul"
      m={0}
      pl={2}
      aria-label={`Missing rights on ${cluster}`}
    >
      {rights.map(r => (
        <li key={rightText(r)}>
          <Typography variant="body2" component="span">
            <code>{rightText(r)}</code>: {r.why}
            {r.operations?.length
              ? ` (disabled: ${r.operations.join(', ')})`
              : ''}
          </Typography>
        </li>
      ))}
    </Box>
  );
};

const ClusterRow = ({ c }: { c: ClusterStatus }) => {
  const health = clusterHealth(c);
  const Health = statusOf[health.level];
  const caps = c.capabilities;
  const parts = caps ? capabilityList(caps) : [];
  return (
    <TableRow aria-label={c.name}>
      <TableCell style={nowrap}>
        <Typography variant="body2">{c.title ?? c.name}</Typography>
        {c.title && (
          <Typography variant="caption" color="textSecondary">
            {c.name}
          </Typography>
        )}
      </TableCell>
      <TableCell style={{ minWidth: 150 }}>
        <Health>{health.text}</Health>
        {(c.problem ?? c.error) && (
          <Typography variant="caption" display="block" color="textSecondary">
            {c.problem ?? c.error}
          </Typography>
        )}
      </TableCell>
      <TableCell style={nowrap}>{syncText(c)}</TableCell>
      <TableCell style={nowrap}>{caps?.kubevirtVersion ?? '—'}</TableCell>
      <TableCell style={{ minWidth: 120 }}>
        {caps?.featureGates
          ? caps.featureGates.join(', ') || 'none listed'
          : '—'}
      </TableCell>
      <TableCell style={{ minWidth: 170 }}>
        {caps ? (
          <>
            <Typography variant="body2">
              {parts
                .filter(p => p.on)
                .map(p => p.name)
                .join(', ') || 'none'}
            </Typography>
            {parts.some(p => !p.on) && (
              <Typography
                variant="body2"
                color="textSecondary"
                aria-label={`Off on ${c.name}`}
              >
                Off:{' '}
                {parts
                  .filter(p => !p.on)
                  .map(p => p.name)
                  .join(', ')}
              </Typography>
            )}
            {caps.warnings?.map(w => (
              <Typography key={w} variant="caption" display="block">
                {w}
              </Typography>
            ))}
          </>
        ) : (
          'Not probed yet'
        )}
      </TableCell>
      <TableCell style={{ minWidth: 220 }}>
        {caps ? (
          <MissingRights cluster={c.name} rights={caps.missingRights} />
        ) : (
          '—'
        )}
      </TableCell>
    </TableRow>
  );
};

/**
 * Every cluster the broker knows, as `GET /clusters` says: whether it reaches
 * the cluster and is let in, the sync state, the KubeVirt version and feature
 * gates, the optional parts installed, and the rights the broker lacks there
 * (each with the operations it disables).
 */
export const ClusterStatusCard = ({
  clusters,
}: {
  clusters: ClusterStatus[];
}) => (
  <InfoCard title="Clusters" noPadding>
    <Table size="small" aria-label="Cluster status">
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Sync</TableCell>
          <TableCell>KubeVirt</TableCell>
          <TableCell>Feature gates</TableCell>
          <TableCell>Capabilities</TableCell>
          <TableCell>Missing rights</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {clusters.map(c => (
          <ClusterRow key={c.name} c={c} />
        ))}
      </TableBody>
    </Table>
  </InfoCard>
);
