import { VmSummary } from '@internal/plugin-kubevirt-common';
import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Tooltip from '@material-ui/core/Tooltip';
import MoreVertIcon from '@material-ui/icons/MoreVert';
import { useState } from 'react';
import { OperationDialog } from './OperationDialog';
import { deniedReason, OperationId, operations } from './operations';

const rowOperations: OperationId[] = ['start', 'stop', 'restart', 'pause', 'unpause', 'migrate', 'snapshot', 'clone', 'forceStop', 'delete'];

/** A list row's menu: the operations that apply in the VM's state; those the role forbids are disabled and say why. */
export const VmActionsMenu = ({ vm, onChange }: { vm: VmSummary; onChange?: () => void }) => {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [open, setOpen] = useState<OperationId>();
  const items = rowOperations.map(id => operations[id]).filter(spec => !spec.notApplicable?.(vm));
  return (
    <>
      <IconButton aria-label={`Actions for ${vm.name}`} size="small" onClick={e => setAnchor(e.currentTarget)}>
        <MoreVertIcon fontSize="small" />
      </IconButton>
      <Menu anchorEl={anchor} keepMounted={false} open={!!anchor} onClose={() => setAnchor(null)}>
        {items.map(spec => {
          const reason = deniedReason(vm, spec.operation);
          const item = (
            <MenuItem
              key={spec.id}
              disabled={!!reason}
              onClick={() => {
                setAnchor(null);
                setOpen(spec.id);
              }}
            >
              {spec.label}…
            </MenuItem>
          );
          return reason ? (
            <Tooltip key={spec.id} title={reason} placement="left">
              <span>{item}</span>
            </Tooltip>
          ) : (
            item
          );
        })}
      </Menu>
      {open && <OperationDialog spec={operations[open]} vm={vm} onClose={() => setOpen(undefined)} onSettled={onChange} />}
    </>
  );
};
