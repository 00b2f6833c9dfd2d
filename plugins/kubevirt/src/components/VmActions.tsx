import { useApi, alertApiRef } from '@backstage/core-plugin-api';
import { VmAction, VmSummary, vmOperationPermissions, weakestRoleFor } from '@internal/plugin-kubevirt-common';
import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Tooltip from '@material-ui/core/Tooltip';
import MoreVertIcon from '@material-ui/icons/MoreVert';
import { useState } from 'react';
import { kubevirtApiRef } from '../api';

const labels: Record<VmAction, string> = {
  start: 'Start',
  stop: 'Stop',
  forceStop: 'Force stop',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Unpause',
  migrate: 'Migrate',
};

/** Which actions make sense in a state; the broker still decides. */
function applicable(vm: VmSummary): VmAction[] {
  switch (vm.status) {
    case 'Running':
      return ['stop', 'forceStop', 'restart', 'pause', 'migrate'];
    case 'Paused':
      return ['unpause', 'stop', 'forceStop'];
    case 'Stopped':
      return ['start'];
    default:
      return ['start', 'stop', 'forceStop'];
  }
}

/** Why an action is disabled, naming the weakest role that would allow it. */
export function deniedReason(vm: VmSummary, action: VmAction): string | undefined {
  if (vm.allowedOperations.includes(action)) return undefined;
  const role = weakestRoleFor(vmOperationPermissions[action]);
  return `Your VM role does not allow this here${role ? `; it needs ${role}` : ''}`;
}

export const VmActions = ({ vm, onDone }: { vm: VmSummary; onDone: () => void }) => {
  const api = useApi(kubevirtApiRef);
  const alerts = useApi(alertApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const run = async (action: VmAction) => {
    setAnchor(null);
    try {
      await api.act(vm, action);
      alerts.post({ message: `${labels[action]} requested for ${vm.name}`, severity: 'info', display: 'transient' });
    } catch (error) {
      alerts.post({ message: `${labels[action]} of ${vm.name} failed: ${(error as Error).message}`, severity: 'error' });
    }
    onDone();
  };
  return (
    <>
      <IconButton aria-label={`Actions for ${vm.name}`} size="small" onClick={e => setAnchor(e.currentTarget)}>
        <MoreVertIcon fontSize="small" />
      </IconButton>
      <Menu anchorEl={anchor} keepMounted={false} open={!!anchor} onClose={() => setAnchor(null)}>
        {applicable(vm).map(action => {
          const reason = deniedReason(vm, action);
          const item = (
            <MenuItem key={action} disabled={!!reason} onClick={() => run(action)}>
              {labels[action]}
            </MenuItem>
          );
          return reason ? (
            <Tooltip key={action} title={reason} placement="left">
              <span>{item}</span>
            </Tooltip>
          ) : (
            item
          );
        })}
      </Menu>
    </>
  );
};
