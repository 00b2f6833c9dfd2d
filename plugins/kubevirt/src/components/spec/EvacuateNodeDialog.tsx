import { useApi } from '@backstage/core-plugin-api';
import {
  EvacuationResult,
  VmSummary,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { deniedReason, Wait } from '../actions/operations';
import { useVmWait } from '../actions/useVmWait';
import { errorText } from '../errors';
import { NodeMaintenanceButton } from './NodeMaintenanceDialog';

const resultLabels: Record<EvacuationResult['result'], string> = {
  migrating: 'Migrating',
  'not-allowed': 'Not allowed',
  'not-migratable': 'Cannot move',
  failed: 'Failed',
};

/** Follows one VM the evacuation started to migrate until it runs on another node. */
const MigrationProgress = ({
  cluster,
  node,
  result,
}: {
  cluster: string;
  node: string;
  result: EvacuationResult;
}) => {
  const [wait] = useState<Wait>(() => ({
    ref: { cluster, namespace: result.namespace, name: result.name },
    target: `${result.name} runs on another node`,
    reached: d => {
      if (!d) return `${result.namespace}/${result.name} is gone`;
      return (
        !!d.summary.node &&
        d.summary.node !== node &&
        !d.migrations.some(m => m.active)
      );
    },
    progress: d => {
      const m = d?.migrations.find(x => x.active);
      return m
        ? `migration ${m.phase ?? 'pending'}${
            m.targetNode ? ` to ${m.targetNode}` : ''
          }`
        : 'migration requested';
    },
  }));
  const state = useVmWait(wait, 600_000);
  if (!state || state.phase === 'waiting')
    return <>Migrating{state ? ` (${state.text})` : ''}</>;
  if (state.phase === 'reached') return <>Moved off {node}</>;
  return <>{state.text}</>;
};

/** Live-migrate every migratable VM off a node; lists per VM what happened and why a VM stays. */
const EvacuateNodeDialog = ({
  cluster,
  node,
  onClose,
}: {
  cluster: string;
  node: string;
  onClose(): void;
}) => {
  const api = useApi(kubevirtApiRef);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [results, setResults] = useState<EvacuationResult[]>();
  const run = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      setResults((await api.evacuateNode(cluster, node)).results);
    } catch (e) {
      setError(
        `Evacuation of ${node} on cluster ${cluster} failed: ${errorText(e)}`,
      );
    } finally {
      setSubmitting(false);
    }
  };
  const moving = results?.filter(r => r.result === 'migrating').length ?? 0;
  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="kubevirt-evacuate-title"
    >
      <DialogTitle id="kubevirt-evacuate-title">Evacuate {node}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Live-migrate every running VM you may migrate off {node} on cluster{' '}
          {cluster}. The node is not cordoned: new VMs can still be scheduled
          there. VMs that cannot move stay, with the reason.
        </DialogContentText>
        {error && <Alert severity="error">{error}</Alert>}
        {results && (
          <Box role="status" aria-live="polite">
            <Alert severity={moving === results.length ? 'success' : 'warning'}>
              {results.length === 0
                ? `No running VMs on ${node}.`
                : `${moving} of ${results.length} VMs are migrating off ${node}.`}
            </Alert>
            {results.length > 0 && (
              <Table size="small" aria-label="Evacuation results">
                <TableHead>
                  <TableRow>
                    <TableCell>VM</TableCell>
                    <TableCell>Result</TableCell>
                    <TableCell>Reason</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {results.map(r => (
                    <TableRow key={`${r.namespace}/${r.name}`}>
                      <TableCell>
                        {r.namespace}/{r.name}
                      </TableCell>
                      <TableCell>
                        {r.result === 'migrating' ? (
                          <MigrationProgress
                            cluster={cluster}
                            node={node}
                            result={r}
                          />
                        ) : (
                          resultLabels[r.result] ?? r.result
                        )}
                      </TableCell>
                      <TableCell>{r.reason ?? ''}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{results ? 'Close' : 'Cancel'}</Button>
        {!results && (
          <Button
            variant="contained"
            color="primary"
            disabled={submitting}
            onClick={run}
          >
            {submitting ? 'Evacuating…' : 'Evacuate'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};

/** The node's name with its evacuate action; gated by the VM's own migrate right (the broker checks each VM on the node). */
export const NodeWithEvacuate = ({ vm }: { vm: VmSummary }) => {
  const [open, setOpen] = useState(false);
  if (!vm.node) return <>—</>;
  const denied = deniedReason(vm, 'migrate');
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <span>{vm.node}</span>
      <Tooltip
        title={denied ?? `Live-migrate the VMs you may migrate off ${vm.node}`}
      >
        <span>
          <Button
            size="small"
            disabled={!!denied}
            onClick={() => setOpen(true)}
          >
            Evacuate {vm.node}
          </Button>
        </span>
      </Tooltip>
      <NodeMaintenanceButton cluster={vm.cluster} node={vm.node} />
      {open && (
        <EvacuateNodeDialog
          cluster={vm.cluster}
          node={vm.node}
          onClose={() => setOpen(false)}
        />
      )}
    </Box>
  );
};
