import {
  EmptyState,
  InfoCard,
  Progress,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  VmDetail,
  VmGuestDiagnostics,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kubevirtApiRef } from '../../api';
import { deniedReason } from '../actions/operations';
import { errorText } from '../errors';
import { formatValue } from '../metrics/format';

const bytes = (n: number) => formatValue(n, 'bytes');

// the agent reports "<zone>, <offset in seconds>": shown as "UTC (UTC+00:00)"
function timezoneText(tz?: string) {
  if (!tz) return '—';
  const [zone, offset] = tz.split(',').map(p => p.trim());
  const seconds = Number(offset);
  if (!Number.isFinite(seconds)) return tz;
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${zone} (UTC${sign}${hh}:${mm})`;
}

const Guest = ({ d }: { d: VmGuestDiagnostics }) => (
  <InfoCard title="Guest">
    <StructuredMetadataTable
      metadata={{
        hostname: d.hostname ?? '—',
        OS: d.os?.prettyName ?? d.os?.name ?? '—',
        kernel:
          [d.os?.kernelRelease, d.os?.kernelVersion]
            .filter(Boolean)
            .join(' ') || '—',
        architecture: d.os?.machine ?? '—',
        timezone: timezoneText(d.timezone),
        'guest agent': d.guestAgentVersion
          ? `Connected (version ${d.guestAgentVersion})`
          : 'Connected',
      }}
      options={{ titleFormat: (k: string) => k }}
    />
  </InfoCard>
);

const Users = ({ d }: { d: VmGuestDiagnostics }) => (
  <InfoCard title="Logged-in users">
    {d.users.length ? (
      <Table size="small" aria-label="Logged-in users">
        <TableHead>
          <TableRow>
            <TableCell>User</TableCell>
            <TableCell>Domain</TableCell>
            <TableCell>Logged in since</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {d.users.map(u => (
            <TableRow key={`${u.domain ?? ''}\\${u.userName}`}>
              <TableCell>{u.userName}</TableCell>
              <TableCell>{u.domain ?? '—'}</TableCell>
              <TableCell>
                {u.loginTime ? new Date(u.loginTime).toLocaleString() : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    ) : (
      <Typography variant="body2">Nobody is logged in.</Typography>
    )}
  </InfoCard>
);

const FileSystems = ({ d }: { d: VmGuestDiagnostics }) => (
  <InfoCard title="File systems">
    {d.filesystems.length ? (
      <Table size="small" aria-label="File systems">
        <TableHead>
          <TableRow>
            <TableCell>Mount point</TableCell>
            <TableCell>Device</TableCell>
            <TableCell>Type</TableCell>
            <TableCell>Usage</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {d.filesystems.map(f => {
            const percent = f.totalBytes
              ? Math.round((f.usedBytes / f.totalBytes) * 100)
              : 0;
            return (
              <TableRow key={`${f.diskName}:${f.mountPoint}`}>
                <TableCell>{f.mountPoint}</TableCell>
                <TableCell>{f.diskName}</TableCell>
                <TableCell>{f.fileSystemType}</TableCell>
                <TableCell style={{ minWidth: 220 }}>
                  <LinearProgress
                    variant="determinate"
                    value={percent}
                    color={percent >= 90 ? 'secondary' : 'primary'}
                    aria-label={`${f.mountPoint} usage`}
                  />
                  <Typography variant="caption">
                    {bytes(f.usedBytes)} of {bytes(f.totalBytes)} used (
                    {percent}%)
                  </Typography>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    ) : (
      <Typography variant="body2">
        The guest reports no mounted file systems.
      </Typography>
    )}
  </InfoCard>
);

/**
 * What the VM's QEMU guest agent reports (KubeVirt's guestosinfo, userlist
 * and filesystemlist), read when the tab opens and on Refresh; when the
 * agent cannot answer, why, in words.
 */
export const DiagnosticsTab = ({ detail }: { detail: VmDetail }) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const denied = deniedReason(vm, 'diagnostics');
  const state = useAsyncRetry(
    async () => (denied ? undefined : api.getVmDiagnostics(vm)),
    // the VM's state is part of the key: a VM that started or stopped is asked again
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, vm.cluster, vm.namespace, vm.name, vm.status, denied],
  );

  if (denied)
    return (
      <EmptyState
        missing="field"
        title="No access to guest diagnostics"
        description={denied}
      />
    );
  const d = state.value;
  return (
    <Box>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        mb={2}
      >
        <Typography variant="body2" color="textSecondary">
          Reported by the QEMU guest agent inside the VM, through KubeVirt
        </Typography>
        <Button
          variant="outlined"
          size="small"
          onClick={state.retry}
          disabled={state.loading}
        >
          Refresh
        </Button>
      </Box>
      {state.error && (
        <WarningPanel
          severity="error"
          title="Guest diagnostics could not be read"
          message={errorText(state.error)}
        />
      )}
      {!d && state.loading && <Progress />}
      {d && d.agent !== 'connected' && (
        <EmptyState
          missing="info"
          title={
            d.agent === 'not-running'
              ? 'The VM is not running'
              : 'The guest agent is not connected'
          }
          description={
            <>
              <Typography variant="body1" paragraph>
                {d.reason}
              </Typography>
              {d.clusterMessage && (
                <Typography variant="body2" color="textSecondary">
                  KubeVirt: {d.clusterMessage}
                </Typography>
              )}
            </>
          }
        />
      )}
      {d && d.agent === 'connected' && (
        <Grid container spacing={3}>
          <Grid item xs={12} md={5}>
            <Guest d={d} />
          </Grid>
          <Grid item xs={12} md={7}>
            <FileSystems d={d} />
            <Box mt={3}>
              <Users d={d} />
            </Box>
          </Grid>
        </Grid>
      )}
    </Box>
  );
};
