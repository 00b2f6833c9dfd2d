import {
  CodeSnippet,
  EmptyState,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  MetricsRange,
  VmDetail,
  VmMetricsResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kubevirtApiRef } from '../../api';
import { deniedReason } from '../actions/operations';
import { errorText } from '../errors';
import { LineChart } from './LineChart';

/** Seconds between refreshes: about one new point each time. */
const refreshSeconds: Record<MetricsRange, number> = {
  '15m': 15,
  '1h': 30,
  '6h': 120,
};
const rangeLabels: Record<MetricsRange, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
};

const COLORS = { a: '#1f77b4', b: '#ff7f0e' };

const notConfigured = (error: unknown) =>
  (error as ResponseError)?.body?.error?.name === 'NotImplementedError' ||
  (error as ResponseError)?.response?.status === 501;

// the broker names the cluster's Prometheus when it did not answer (VmMetrics)
const unreachable = (error: unknown) =>
  (error as ResponseError)?.body?.error?.name === 'ServiceUnavailableError' &&
  /Prometheus at /.test(errorText(error));

const points = (m: VmMetricsResponse, metric: string) =>
  m.series.find(s => s.metric === metric)?.points ?? [];

const Charts = ({ metrics }: { metrics: VmMetricsResponse }) => {
  const { start, end } = metrics;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <LineChart
          title="CPU"
          unit="cores"
          start={start}
          end={end}
          lines={[
            { label: 'used', color: COLORS.a, points: points(metrics, 'cpu') },
          ]}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <LineChart
          title="Memory"
          unit="bytes"
          start={start}
          end={end}
          lines={[
            {
              label: 'used',
              color: COLORS.a,
              points: points(metrics, 'memory'),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <LineChart
          title="Network"
          unit="bytesPerSecond"
          start={start}
          end={end}
          lines={[
            {
              label: 'received',
              color: COLORS.a,
              points: points(metrics, 'networkRx'),
            },
            {
              label: 'sent',
              color: COLORS.b,
              points: points(metrics, 'networkTx'),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <LineChart
          title="Storage"
          unit="bytesPerSecond"
          start={start}
          end={end}
          lines={[
            {
              label: 'read',
              color: COLORS.a,
              points: points(metrics, 'storageRead'),
            },
            {
              label: 'written',
              color: COLORS.b,
              points: points(metrics, 'storageWrite'),
            },
          ]}
        />
      </Grid>
    </Grid>
  );
};

/** CPU, memory, network and storage of the VM from its cluster's Prometheus, refreshed while the tab is open. */
export const MetricsTab = ({ detail }: { detail: VmDetail }) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [range, setRange] = useState<MetricsRange>('1h');
  const denied = deniedReason(vm, 'read');
  const state = useAsyncRetry(
    async () => (denied ? undefined : api.getVmMetrics(vm, { range })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, vm.cluster, vm.namespace, vm.name, range, denied],
  );
  const { retry } = state;
  // the last value stays on screen while the next one loads: no flicker every refresh
  const [shown, setShown] = useState<VmMetricsResponse>();
  useEffect(() => {
    if (state.value) setShown(state.value);
  }, [state.value]);
  useEffect(() => {
    const timer = setInterval(retry, refreshSeconds[range] * 1000);
    return () => clearInterval(timer);
  }, [retry, range]);

  if (denied)
    return (
      <EmptyState
        missing="field"
        title="No access to metrics"
        description={denied}
      />
    );
  if (state.error && notConfigured(state.error)) {
    return (
      <Box>
        <EmptyState
          missing="info"
          title={`Metrics are not configured for cluster ${vm.cluster}`}
          description="The portal reads VM metrics (KubeVirt's kubevirt_vmi_* series) from a Prometheus-compatible API per cluster. Ask the portal's administrators to add one to app-config.yaml:"
        />
        <CodeSnippet
          language="yaml"
          text={`kubevirt:\n  prometheus:\n    ${vm.cluster}:\n      url: https://prometheus.example.com   # a Prometheus that scrapes virt-handler\n      # caFile: /path/to/ca.crt\n      # bearerToken: \${PROMETHEUS_TOKEN}`}
        />
      </Box>
    );
  }
  if (state.error && !shown && unreachable(state.error))
    return (
      <EmptyState
        missing="info"
        title={`No Prometheus reachable for cluster ${vm.cluster}`}
        description={errorText(state.error)}
      />
    );
  return (
    <Box>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        mb={2}
      >
        <Typography variant="body2" color="textSecondary">
          From the Prometheus of cluster {vm.cluster}, refreshed every{' '}
          {refreshSeconds[range]} seconds
        </Typography>
        <TextField
          select
          size="small"
          label="Range"
          value={range}
          onChange={e => setRange(e.target.value as MetricsRange)}
          variant="outlined"
          SelectProps={{ inputProps: { 'aria-label': 'Range' } }}
        >
          {(Object.keys(rangeLabels) as MetricsRange[]).map(r => (
            <MenuItem key={r} value={r}>
              {rangeLabels[r]}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {state.error && (
        <WarningPanel
          severity="error"
          title="Metrics could not be read"
          message={errorText(state.error)}
        />
      )}
      {!shown && state.loading && <Progress />}
      {shown && <Charts metrics={shown} />}
    </Box>
  );
};
