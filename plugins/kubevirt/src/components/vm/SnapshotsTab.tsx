import {
  StatusError,
  StatusOK,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  VmDetail,
  VmRestoreInfo,
  VmSnapshotInfo,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { OperationDialog } from '../actions/OperationDialog';
import { deniedReason, operations } from '../actions/operations';
import { WaitingDialog } from '../actions/WaitingDialog';

const SnapshotState = ({ s }: { s: VmSnapshotInfo }) => {
  if (s.error || s.phase === 'Failed')
    return <StatusError>{s.error ?? 'Failed'}</StatusError>;
  if (s.readyToUse) return <StatusOK>Ready</StatusOK>;
  return (
    <Box minWidth={120}>
      <StatusRunning>{s.phase ?? 'Pending'}</StatusRunning>
      <LinearProgress aria-label={`Snapshot ${s.name} in progress`} />
    </Box>
  );
};

const RestoreState = ({ r }: { r: VmRestoreInfo }) =>
  r.complete ? (
    <StatusOK>Complete</StatusOK>
  ) : (
    <Box minWidth={120}>
      <StatusRunning>{r.reason ?? 'In progress'}</StatusRunning>
      <LinearProgress aria-label={`Restore ${r.name} in progress`} />
    </Box>
  );

export const SnapshotsTab = ({
  detail,
  onChange,
}: {
  detail: VmDetail;
  onChange(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const vm = detail.summary;
  const [taking, setTaking] = useState(false);
  const [restoring, setRestoring] = useState<string>();
  const [deleting, setDeleting] = useState<string>();
  const snapshotDenied = deniedReason(vm, 'snapshot');
  const restoreDenied = deniedReason(vm, 'restore');
  const deleteDenied = deniedReason(vm, 'deleteSnapshot');
  const restoreState =
    vm.status === 'Stopped'
      ? undefined
      : `Stop ${vm.name} before restoring (it is ${vm.status})`;

  const columns: TableColumn<VmSnapshotInfo>[] = [
    { title: 'Name', field: 'name', highlight: true },
    { title: 'State', render: s => <SnapshotState s={s} /> },
    {
      title: 'Created',
      render: s =>
        s.creationTime ? new Date(s.creationTime).toLocaleString() : '—',
    },
    { title: 'Indications', render: s => s.indications.join(', ') || '—' },
    {
      title: 'Actions',
      render: s => {
        const whyNotRestore =
          restoreDenied ??
          restoreState ??
          (s.readyToUse ? undefined : 'The snapshot is not ready to use');
        return (
          <Box display="flex" style={{ gap: 4 }}>
            <Tooltip title={whyNotRestore ?? `Restore ${vm.name} to ${s.name}`}>
              <span>
                <Button
                  size="small"
                  disabled={!!whyNotRestore}
                  onClick={() => setRestoring(s.name)}
                  aria-label={`Restore ${s.name}`}
                >
                  Restore
                </Button>
              </span>
            </Tooltip>
            <Tooltip title={deleteDenied ?? `Delete snapshot ${s.name}`}>
              <span>
                <Button
                  size="small"
                  disabled={!!deleteDenied}
                  onClick={() => setDeleting(s.name)}
                  aria-label={`Delete ${s.name}`}
                >
                  Delete
                </Button>
              </span>
            </Tooltip>
          </Box>
        );
      },
    },
  ];
  const restoreColumns: TableColumn<VmRestoreInfo>[] = [
    { title: 'Name', field: 'name' },
    { title: 'Snapshot', field: 'snapshot' },
    { title: 'State', render: r => <RestoreState r={r} /> },
    {
      title: 'Restored',
      render: r =>
        r.restoreTime ? new Date(r.restoreTime).toLocaleString() : '—',
    },
    { title: 'Message', render: r => r.message ?? '' },
  ];
  return (
    <>
      <Box mb={2} display="flex" justifyContent="flex-end">
        <Tooltip title={snapshotDenied ?? `Snapshot ${vm.name}'s disks`}>
          <span>
            <Button
              variant="contained"
              color="primary"
              disabled={!!snapshotDenied}
              onClick={() => setTaking(true)}
            >
              Take snapshot
            </Button>
          </span>
        </Tooltip>
      </Box>
      <Table<VmSnapshotInfo>
        title="Snapshots"
        options={{ paging: false, search: false, padding: 'dense' }}
        data={detail.snapshots}
        columns={columns}
        emptyContent={<div style={{ padding: 16 }}>No snapshots yet.</div>}
      />
      {detail.restores.length > 0 && (
        <Box mt={3}>
          <Table<VmRestoreInfo>
            title="Restores"
            options={{ paging: false, search: false, padding: 'dense' }}
            data={detail.restores}
            columns={restoreColumns}
          />
        </Box>
      )}
      {taking && (
        <OperationDialog
          spec={operations.snapshot}
          vm={vm}
          detail={detail}
          onClose={() => setTaking(false)}
          onSettled={onChange}
        />
      )}
      {restoring && (
        <OperationDialog
          spec={operations.restore}
          vm={vm}
          detail={detail}
          snapshot={restoring}
          onClose={() => setRestoring(undefined)}
          onSettled={onChange}
        />
      )}
      {deleting && (
        <WaitingDialog
          title={`Delete snapshot ${deleting}`}
          description={`Delete snapshot ${deleting} of ${vm.name} and its volume snapshots. ${vm.name} itself is not touched.`}
          actionLabel="Delete snapshot"
          confirmName={deleting}
          submit={async () => {
            await api.deleteSnapshot(vm, deleting);
            return {
              ref: vm,
              target: `snapshot ${deleting} is deleted`,
              reached: d => !!d && !d.snapshots.some(s => s.name === deleting),
              progress: () => 'deleting',
            };
          }}
          onClose={() => setDeleting(undefined)}
          onSettled={onChange}
        />
      )}
    </>
  );
};
