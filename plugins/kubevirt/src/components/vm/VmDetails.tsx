import {
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { VmToolbar } from '../actions/VmToolbar';
import { ConsoleTab } from '../console/ConsoleTab';
import { MetricsTab } from '../metrics/MetricsTab';
import { isNotFound } from '../errors';
import { useVmListLink } from '../links';
import { VmStatus } from '../VmStatus';
import { DiagnosticsTab } from './DiagnosticsTab';
import { DisksTab } from './DisksTab';
import { EventsTab } from './EventsTab';
import { NetworkTab } from './NetworkTab';
import { OverviewTab } from './OverviewTab';
import { SnapshotsTab } from './SnapshotsTab';
import { useVmDetail } from './useVmDetail';
import { YamlTab } from './YamlTab';

const vmTabs = [
  'Overview',
  'Disks',
  'Network interfaces',
  'Snapshots',
  'Events',
  'YAML',
  'Console',
  'Metrics',
  'Diagnostics',
] as const;
type VmTab = (typeof vmTabs)[number];

/**
 * One VM: a header with its state and actions, and tabs. It works from a
 * cluster/namespace/name alone, so the plugin page shows it without the
 * catalog and the VM's catalog entity shows the same content.
 */
export const VmDetails = ({
  vmRef,
  onDeleted,
}: {
  vmRef: VmRef;
  onDeleted?: () => void;
}) => {
  const { value: detail, error, loading, reload } = useVmDetail(vmRef);
  const [tab, setTab] = useState<VmTab>('Overview');
  const list = useVmListLink();
  const [deleted, setDeleted] = useState(false);

  if (error && !detail) {
    if (isNotFound(error) || deleted) {
      return (
        <WarningPanel
          severity="info"
          title={`Virtual machine ${vmRef.namespace}/${vmRef.name} is not on cluster ${vmRef.cluster}`}
          message={
            <>
              It was deleted, or it has not been created yet.{' '}
              {list !== undefined && (
                <Link to={list}>All virtual machines</Link>
              )}
            </>
          }
        />
      );
    }
    return (
      <ResponseErrorPanel
        error={error}
        title={`Virtual machine ${vmRef.namespace}/${vmRef.name} on ${vmRef.cluster}`}
      />
    );
  }
  if (!detail) return <Progress />;

  const vm = detail.summary;
  return (
    <>
      <Paper variant="outlined" style={{ padding: 16, marginBottom: 16 }}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <Typography variant="h5" component="h2">
            {vm.name}
          </Typography>
          <VmStatus status={vm.status} />
          <Typography variant="body2" color="textSecondary">
            {vm.namespace} · {vm.cluster}
            {vm.node ? ` · ${vm.node}` : ''}
            {loading ? ' · refreshing…' : ''}
          </Typography>
        </Box>
        <Box mt={2}>
          <VmToolbar
            detail={detail}
            onChange={reload}
            onDeleted={() => {
              setDeleted(true);
              reload();
              onDeleted?.();
            }}
          />
        </Box>
      </Paper>
      <Tabs
        value={tab}
        onChange={(_e, v) => setTab(v)}
        indicatorColor="primary"
        variant="scrollable"
        aria-label="VM tabs"
      >
        {vmTabs.map(t => (
          <Tab key={t} value={t} label={t} />
        ))}
      </Tabs>
      <Box mt={2} role="tabpanel" aria-label={tab}>
        {tab === 'Overview' && (
          <OverviewTab detail={detail} onChange={reload} />
        )}
        {tab === 'Disks' && <DisksTab detail={detail} onChange={reload} />}
        {tab === 'Network interfaces' && (
          <NetworkTab detail={detail} onChange={reload} />
        )}
        {tab === 'Snapshots' && (
          <SnapshotsTab detail={detail} onChange={reload} />
        )}
        {tab === 'Events' && <EventsTab detail={detail} />}
        {tab === 'YAML' && <YamlTab detail={detail} onSaved={reload} />}
        {tab === 'Console' && <ConsoleTab detail={detail} />}
        {tab === 'Metrics' && <MetricsTab detail={detail} />}
        {tab === 'Diagnostics' && <DiagnosticsTab detail={detail} />}
      </Box>
    </>
  );
};
