import { VmDetail } from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { SpecActions } from '../spec/SpecActions';
import { OperationDialog } from './OperationDialog';
import {
  deniedReason,
  OperationId,
  operationOrder,
  operations,
} from './operations';

/**
 * The VM page's actions. Every operation is shown; one that does not apply
 * in the VM's state or that the role forbids is disabled and its tooltip
 * says why (for the role: which role would allow it). The broker enforces.
 */
export const VmToolbar = ({
  detail,
  onChange,
  onDeleted,
}: {
  detail: VmDetail;
  onChange?: () => void;
  onDeleted?: () => void;
}) => {
  const vm = detail.summary;
  const [open, setOpen] = useState<OperationId>();
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      style={{ gap: 8 }}
      role="toolbar"
      aria-label="VM actions"
    >
      {operationOrder.map(id => {
        const spec = operations[id];
        // the pair that cannot both apply shows only the one that does
        if (id === 'unpause' && vm.status !== 'Paused') return null;
        if (id === 'pause' && vm.status === 'Paused') return null;
        if (id === 'cancelMigration' && !detail.migrations.some(m => m.active))
          return null;
        if (id === 'migrate' && detail.migrations.some(m => m.active))
          return null;
        const reason =
          deniedReason(vm, spec.operation) ?? spec.notApplicable?.(vm, detail);
        return (
          <Tooltip key={id} title={reason ?? spec.describe(vm)}>
            <span>
              <Button
                size="small"
                variant="outlined"
                color={spec.destructive ? 'secondary' : 'default'}
                disabled={!!reason}
                onClick={() => setOpen(id)}
              >
                {spec.label}
              </Button>
            </span>
          </Tooltip>
        );
      })}
      <SpecActions detail={detail} onChange={onChange} />
      {open && (
        <OperationDialog
          spec={operations[open]}
          vm={vm}
          detail={detail}
          onClose={() => setOpen(undefined)}
          onSettled={open === 'delete' ? onDeleted : onChange}
        />
      )}
    </Box>
  );
};
