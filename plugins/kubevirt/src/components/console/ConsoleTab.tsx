import { EmptyState } from '@backstage/core-components';
import {
  VmConsoleKind,
  VmDetail,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { deniedReason } from '../actions/operations';
import { SerialConsole } from './SerialConsole';
import { closeMessage, useConsoleSocket } from './useConsoleSocket';
import { VncConsole } from './VncConsole';

const labels: Record<VmConsoleKind, string> = {
  console: 'Serial console',
  vnc: 'VNC',
};
const phrases: Record<VmConsoleKind, string> = {
  console: 'serial console',
  vnc: 'VNC console',
};

/** The open session: connecting, the console itself, or why it ended with a way back in. */
const ConsoleSession = ({
  detail,
  kind,
  onDisconnect,
}: {
  detail: VmDetail;
  kind: VmConsoleKind;
  onDisconnect: () => void;
}) => {
  const [attempt, setAttempt] = useState(0);
  const socket = useConsoleSocket(detail.summary, kind, attempt);
  return (
    <Box>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
        <Typography variant="body2" role="status">
          {socket.state === 'connecting' &&
            `Connecting to the ${phrases[kind]} of ${detail.summary.name}…`}
          {socket.state === 'open' &&
            `Connected to the ${phrases[kind]} of ${detail.summary.name}`}
          {socket.state === 'closed' &&
            closeMessage(socket.code, socket.reason)}
        </Typography>
        {socket.state === 'closed' && (
          <Button
            size="small"
            variant="outlined"
            onClick={() => setAttempt(a => a + 1)}
          >
            Reconnect
          </Button>
        )}
        <Button size="small" onClick={onDisconnect}>
          Disconnect
        </Button>
      </Box>
      {socket.state === 'open' && kind === 'console' && (
        <SerialConsole channel={socket.channel} />
      )}
      {socket.state === 'open' && kind === 'vnc' && (
        <VncConsole channel={socket.channel} />
      )}
    </Box>
  );
};

/**
 * The VM's serial console (xterm.js) and VNC screen (noVNC), through the
 * broker's websocket; the connection closes when the user leaves the tab or
 * the VM stops.
 */
export const ConsoleTab = ({ detail }: { detail: VmDetail }) => {
  const vm = detail.summary;
  const [kind, setKind] = useState<VmConsoleKind>('console');
  const [connected, setConnected] = useState(false);
  const denied = deniedReason(vm, 'console');
  const running =
    ['Running', 'Migrating'].includes(vm.status) ||
    (!!detail.vmi && vm.status === 'Paused');

  if (connected && !denied) {
    return (
      <ConsoleSession
        key={kind}
        detail={detail}
        kind={kind}
        onDisconnect={() => setConnected(false)}
      />
    );
  }
  return (
    <Box>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={kind}
        onChange={(_e, v) => v && setKind(v)}
        aria-label="Console type"
      >
        <ToggleButton value="console">{labels.console}</ToggleButton>
        <ToggleButton value="vnc">{labels.vnc}</ToggleButton>
      </ToggleButtonGroup>
      <Box mt={2}>
        {!running && !denied && (
          <Alert severity="info">
            {vm.name} is {vm.status}; start it to use its console.
          </Alert>
        )}
        <Box mt={2}>
          <Tooltip
            title={
              denied ??
              (running
                ? `Open the ${phrases[kind]} of ${vm.name}`
                : `${vm.name} is not running`)
            }
          >
            <span>
              <Button
                variant="contained"
                color="primary"
                disabled={!!denied || !running}
                onClick={() => setConnected(true)}
              >
                Connect {labels[kind]}
              </Button>
            </span>
          </Tooltip>
        </Box>
        {denied && (
          <Box mt={2}>
            <EmptyState
              missing="field"
              title="No console access"
              description={denied}
            />
          </Box>
        )}
      </Box>
    </Box>
  );
};
