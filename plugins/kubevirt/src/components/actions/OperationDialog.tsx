import { useApi } from '@backstage/core-plugin-api';
import {
  VmDetail,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { errorText } from '../errors';
import { nameProblem, OperationSpec, Wait } from './operations';
import { WaitProgress } from './WaitProgress';
import { useVmWait } from './useVmWait';

function defaultSnapshotName(vm: VmSummary) {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${vm.name}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(
    d.getDate(),
  )}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`.slice(
    0,
    63,
  );
}

export interface OperationDialogProps {
  spec: OperationSpec;
  vm: VmSummary;
  /** The VM page's detail: snapshots to restore from. */
  detail?: VmDetail;
  /** Preselected snapshot for a restore started from the snapshot's row. */
  snapshot?: string;
  onClose(): void;
  /** After the cluster reached the target state (or the request was accepted and the dialog closed). */
  onSettled?(): void;
}

/**
 * One dialog for every VM operation: what it does, its input, a typed-name
 * confirmation for destructive ones, the broker's error in words, and then
 * progress until the cluster shows the new state.
 */
export const OperationDialog = ({
  spec,
  vm,
  detail,
  snapshot,
  onClose,
  onSettled,
}: OperationDialogProps) => {
  const api = useApi(kubevirtApiRef);
  const [snapshotName, setSnapshotName] = useState(() =>
    defaultSnapshotName(vm),
  );
  const [cloneTarget, setCloneTarget] = useState(
    `${vm.name}-clone`.slice(0, 63),
  );
  const readySnapshots = (detail?.snapshots ?? []).filter(s => s.readyToUse);
  const [restoreSnapshot, setRestoreSnapshot] = useState(
    snapshot ?? readySnapshots[0]?.name ?? '',
  );
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [wait, setWait] = useState<Wait>();
  const waitState = useVmWait(wait);

  const inputProblem =
    (spec.input === 'snapshotName' && nameProblem(snapshotName)) ||
    (spec.input === 'cloneTarget' && nameProblem(cloneTarget)) ||
    (spec.input === 'restoreSnapshot' &&
      !restoreSnapshot &&
      'Choose a snapshot') ||
    undefined;
  const confirmed = !spec.destructive || confirmation === vm.name;
  const started = !!wait;
  const settled = waitState && waitState.phase !== 'waiting';

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setWait(
        await spec.run({
          api,
          vm,
          input: { snapshotName, cloneTarget, restoreSnapshot },
        }),
      );
    } catch (e) {
      setError(`${spec.label} of ${vm.name} failed: ${errorText(e)}`);
    } finally {
      setSubmitting(false);
    }
  };

  const close = () => {
    if (started) onSettled?.();
    onClose();
  };

  return (
    <Dialog
      open
      onClose={close}
      maxWidth="sm"
      fullWidth
      aria-labelledby="kubevirt-op-title"
    >
      <DialogTitle id="kubevirt-op-title">
        {spec.label} {vm.name}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>{spec.describe(vm)}</DialogContentText>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Namespace {vm.namespace} on cluster {vm.cluster}
        </Typography>
        {!started && spec.input === 'snapshotName' && (
          <TextField
            id="kubevirt-snapshot-name"
            label="Snapshot name"
            value={snapshotName}
            onChange={e => setSnapshotName(e.target.value)}
            error={!!nameProblem(snapshotName)}
            helperText={nameProblem(snapshotName) ?? ' '}
            fullWidth
            margin="dense"
          />
        )}
        {!started && spec.input === 'cloneTarget' && (
          <TextField
            id="kubevirt-clone-target"
            label="Name of the new VM"
            value={cloneTarget}
            onChange={e => setCloneTarget(e.target.value)}
            error={!!nameProblem(cloneTarget)}
            helperText={
              nameProblem(cloneTarget) ?? `Created in ${vm.namespace}, stopped`
            }
            fullWidth
            margin="dense"
          />
        )}
        {!started && spec.input === 'restoreSnapshot' && (
          <TextField
            select
            id="kubevirt-restore-snapshot"
            label="Snapshot"
            value={restoreSnapshot}
            onChange={e => setRestoreSnapshot(e.target.value)}
            helperText={
              readySnapshots.length
                ? 'Only snapshots ready to use are listed'
                : 'No snapshot is ready to use'
            }
            fullWidth
            margin="dense"
          >
            {readySnapshots.map(s => (
              <MenuItem key={s.name} value={s.name}>
                {s.name}
                {s.creationTime
                  ? ` (${new Date(s.creationTime).toLocaleString()})`
                  : ''}
              </MenuItem>
            ))}
          </TextField>
        )}
        {!started && spec.destructive && (
          <Box mt={2}>
            <Alert severity="warning">This cannot be undone.</Alert>
            <TextField
              label={`Type ${vm.name} to confirm`}
              value={confirmation}
              onChange={e => setConfirmation(e.target.value)}
              inputProps={{
                'aria-label': 'Type the VM name to confirm',
                autoComplete: 'off',
              }}
              fullWidth
              margin="dense"
            />
          </Box>
        )}
        {error && (
          <Box mt={2}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
        {started && waitState && (
          <WaitProgress target={wait!.target} state={waitState} />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>{started ? 'Close' : 'Cancel'}</Button>
        {!started && (
          <Button
            color={spec.destructive ? 'secondary' : 'primary'}
            variant="contained"
            disabled={submitting || !!inputProblem || !confirmed}
            onClick={submit}
          >
            {spec.label}
          </Button>
        )}
        {started && !settled && <Button disabled>Working…</Button>}
      </DialogActions>
    </Dialog>
  );
};
