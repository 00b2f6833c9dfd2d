import { useApi } from '@backstage/core-plugin-api';
import {
  EvacuationResult,
  NodeMaintenanceStatus,
  nodeMaintenancePermission,
  weakestRoleFor,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kubevirtApiRef } from '../../api';
import { errorText } from '../errors';

/** How often the dialog reads the node again while it is open. */
const POLL_MS = 2000;

const resultLabels: Record<EvacuationResult['result'], string> = {
  migrating: 'Migrating',
  'not-allowed': 'Not allowed',
  'not-migratable': 'Cannot move',
  failed: 'Failed',
};

const isForbidden = (e: unknown) =>
  (e as { response?: { status?: number } })?.response?.status === 403 ||
  (e as { body?: { response?: { statusCode?: number } } })?.body?.response
    ?.statusCode === 403;

function summary(s: NodeMaintenanceStatus) {
  if (!s.unschedulable) return `${s.node} is not in maintenance.`;
  if (s.drained) return `${s.node} is in maintenance and holds no VMs.`;
  return `${s.node} is in maintenance: ${s.vmCount} VM${
    s.vmCount === 1 ? '' : 's'
  } still on it.`;
}

const NodeMaintenanceDialog = ({
  cluster,
  node,
  onClose,
}: {
  cluster: string;
  node: string;
  onClose(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const state = useAsyncRetry(
    () => api.getNodeMaintenance(cluster, node),
    [api, cluster, node],
  );
  const { retry } = state;
  // progress until the node holds no VMs: read again while the dialog is open
  useEffect(() => {
    const timer = setInterval(retry, POLL_MS);
    return () => clearInterval(timer);
  }, [retry]);
  const [shown, setShown] = useState<NodeMaintenanceStatus>();
  useEffect(() => {
    if (state.value) setShown(state.value);
  }, [state.value]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [results, setResults] = useState<EvacuationResult[]>();

  const act = async (on: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const res = on
        ? await api.startNodeMaintenance(cluster, node)
        : await api.stopNodeMaintenance(cluster, node);
      setShown(res);
      setResults(on ? res.results : undefined);
      retry();
    } catch (e) {
      setError(
        `Turning maintenance ${
          on ? 'on' : 'off'
        } for ${node} failed: ${errorText(e)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  const s = shown;
  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="kubevirt-maintenance-title"
    >
      <DialogTitle id="kubevirt-maintenance-title">
        Maintenance of {node}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Maintenance cordons {node} on cluster {cluster} (no new VM is placed
          on it) and live-migrates its VMs to other nodes. Turn it off to let
          VMs run on it again.
        </DialogContentText>
        {error && <Alert severity="error">{error}</Alert>}
        {!s && state.error && (
          <Alert severity="error">{errorText(state.error)}</Alert>
        )}
        {!s && state.loading && <LinearProgress />}
        {s && (
          <Box role="status" aria-live="polite" mb={2}>
            <Alert severity={s.drained ? 'success' : 'info'}>
              {summary(s)}
            </Alert>
            {s.unschedulable && !s.drained && <LinearProgress />}
          </Box>
        )}
        {s && s.vms.length > 0 && (
          <Table size="small" aria-label="VMs on the node">
            <TableHead>
              <TableRow>
                <TableCell>VM</TableCell>
                <TableCell>State</TableCell>
                <TableCell>Reason</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {s.vms.map(v => {
                const r = results?.find(
                  x => x.namespace === v.namespace && x.name === v.name,
                );
                return (
                  <TableRow key={`${v.namespace}/${v.name}`}>
                    <TableCell>
                      {v.namespace}/{v.name}
                    </TableCell>
                    <TableCell>
                      {v.migrating
                        ? 'Migrating'
                        : (r && resultLabels[r.result]) ?? 'On the node'}
                    </TableCell>
                    <TableCell>{r?.reason ?? ''}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
        {s && s.vmCount > s.vms.length && (
          <DialogContentText>
            {s.vmCount - s.vms.length} more VM
            {s.vmCount - s.vms.length === 1 ? '' : 's'} you may not read.
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        {s && !s.unschedulable && (
          <Button
            variant="contained"
            color="primary"
            disabled={busy}
            onClick={() => act(true)}
          >
            Turn maintenance on
          </Button>
        )}
        {s && s.unschedulable && (
          <Button variant="outlined" disabled={busy} onClick={() => act(false)}>
            Turn maintenance off
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};

/**
 * The node maintenance action: enabled for whoever the broker lets read the
 * node's maintenance state (kubevirt.node.maintenance), else disabled with
 * the role it needs.
 */
export const NodeMaintenanceButton = ({
  cluster,
  node,
}: {
  cluster: string;
  node: string;
}) => {
  const api = useApi(kubevirtApiRef);
  const [open, setOpen] = useState(false);
  const access = useAsyncRetry(
    () => api.getNodeMaintenance(cluster, node),
    [api, cluster, node],
  );
  const role = weakestRoleFor(nodeMaintenancePermission);
  let denied: string | undefined;
  if (access.error)
    denied = isForbidden(access.error)
      ? `Your VM role does not allow node maintenance; it needs ${role} on every VM`
      : errorText(access.error);
  return (
    <>
      <Tooltip
        title={
          denied ??
          (access.value?.unschedulable
            ? `${node} is in maintenance`
            : `Cordon ${node} and live-migrate its VMs`)
        }
      >
        <span>
          <Button
            size="small"
            disabled={!!denied || access.loading}
            onClick={() => setOpen(true)}
          >
            Maintenance
          </Button>
        </span>
      </Tooltip>
      {open && (
        <NodeMaintenanceDialog
          cluster={cluster}
          node={node}
          onClose={() => {
            setOpen(false);
            access.retry();
          }}
        />
      )}
    </>
  );
};
