import { useApi } from '@backstage/core-plugin-api';
import {
  BulkAction,
  BulkResponse,
  VmOperation,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { deniedReason } from '../actions/operations';
import { errorText } from '../errors';

const actions: {
  action: BulkAction;
  label: string;
  operation: VmOperation;
  verb: string;
}[] = [
  { action: 'start', label: 'Start', operation: 'start', verb: 'Starting' },
  { action: 'stop', label: 'Stop', operation: 'stop', verb: 'Stopping' },
  {
    action: 'snapshot',
    label: 'Snapshot',
    operation: 'snapshot',
    verb: 'Snapshotting',
  },
];

const vmKey = (vm: { cluster: string; namespace: string; name: string }) =>
  `${vm.cluster}/${vm.namespace}/${vm.name}`;

/**
 * Start, stop or snapshot the selected VMs in one broker request
 * (POST /vms/bulk); the broker authorizes each VM as its own route would, and
 * the dialog shows each VM's outcome. VMs the caller's role does not allow
 * are left out and listed with the role they need.
 */
/** Room for a row of small buttons. */
const barHeight = 32;

export const BulkActions = ({
  selected,
  onDone,
}: {
  selected: VmSummary[];
  onDone: () => void;
}) => {
  const api = useApi(kubevirtApiRef);
  const [chosen, setChosen] = useState<(typeof actions)[number]>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<BulkResponse>();
  const [error, setError] = useState<unknown>();

  // the bar's room is kept while nothing is selected: the table must not move under the pointer
  // between the first checkbox and the next
  if (!selected.length) return <Box minHeight={barHeight} mb={1} />;
  const allowedFor = (operation: VmOperation) =>
    selected.filter(vm => !deniedReason(vm, operation));
  const close = () => {
    if (result) onDone();
    setChosen(undefined);
    setResult(undefined);
    setError(undefined);
  };
  const run = async () => {
    if (!chosen) return;
    setRunning(true);
    setError(undefined);
    try {
      const vms = allowedFor(chosen.operation).map(
        ({ cluster, namespace, name }) => ({ cluster, namespace, name }),
      );
      setResult(await api.bulk({ action: chosen.action, vms }));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };
  const skipped = chosen
    ? selected.filter(vm => deniedReason(vm, chosen.operation))
    : [];
  const outcome = new Map((result?.results ?? []).map(r => [vmKey(r), r]));

  return (
    <Box
      display="flex"
      alignItems="center"
      minHeight={barHeight}
      mb={1}
      style={{ gap: 8 }}
      role="toolbar"
      aria-label="Bulk actions"
    >
      <Typography variant="body2">{selected.length} selected</Typography>
      {actions.map(a => {
        const allowed = allowedFor(a.operation).length;
        const hint = allowed
          ? `${a.label} ${allowed} of the ${selected.length} selected VMs${
              allowed < selected.length
                ? `; your VM role does not allow it on ${
                    selected.length - allowed
                  }`
                : ''
            }`
          : deniedReason(selected[0], a.operation) ?? '';
        return (
          <Tooltip key={a.action} title={hint}>
            <span>
              <Button
                size="small"
                variant="outlined"
                disabled={!allowed}
                onClick={() => setChosen(a)}
              >
                {a.label} selected
              </Button>
            </span>
          </Tooltip>
        );
      })}
      <Dialog
        open={!!chosen}
        onClose={running ? undefined : close}
        maxWidth="md"
        fullWidth
      >
        <DialogTitle>
          {chosen
            ? `${chosen.label} ${allowedFor(chosen.operation).length} VMs`
            : ''}
        </DialogTitle>
        <DialogContent>
          {running && <LinearProgress aria-label={`${chosen?.verb} VMs`} />}
          {!!error && <Alert severity="error">{errorText(error)}</Alert>}
          <Table size="small" aria-label="Selected VMs">
            <TableHead>
              <TableRow>
                <TableCell>VM</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Result</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {selected.map(vm => {
                const r = outcome.get(vmKey(vm));
                const denied = chosen && deniedReason(vm, chosen.operation);
                let text = result ? 'not sent' : 'will be sent';
                if (denied) text = `Skipped: ${denied}`;
                else if (r?.ok)
                  text = r.snapshot
                    ? `Done: snapshot ${r.snapshot}`
                    : 'Done: accepted by the cluster';
                else if (r) text = `Failed (${r.status}): ${r.error}`;
                return (
                  <TableRow key={vmKey(vm)}>
                    <TableCell>
                      {vm.namespace}/{vm.name}
                      {selected.some(o => o.cluster !== vm.cluster)
                        ? ` (${vm.cluster})`
                        : ''}
                    </TableCell>
                    <TableCell>{vm.status}</TableCell>
                    <TableCell>{text}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          {result && (
            <Box mt={2}>
              <Alert
                severity={
                  result.results.every(r => r.ok) && !skipped.length
                    ? 'success'
                    : 'warning'
                }
              >
                {result.results.filter(r => r.ok).length} of {selected.length}{' '}
                done
                {skipped.length ? `, ${skipped.length} skipped` : ''}
                {result.results.some(r => !r.ok)
                  ? `, ${result.results.filter(r => !r.ok).length} failed`
                  : ''}
                .
              </Alert>
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={running}>
            {result ? 'Close' : 'Cancel'}
          </Button>
          {!result && (
            <Button
              color="primary"
              variant="contained"
              onClick={run}
              disabled={running}
            >
              {chosen?.label}
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </Box>
  );
};
