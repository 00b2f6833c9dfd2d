import Button from '@material-ui/core/Button';
import { useEffect, useRef, useState } from 'react';
import type RFB from '@novnc/novnc/lib/rfb';
import { ConsoleChannel } from './useConsoleSocket';

/** noVNC on an open console websocket; the VM's screen scaled to the tab. */
export const VncConsole = ({ channel }: { channel: ConsoleChannel }) => {
  const container = useRef<HTMLDivElement>(null);
  const [rfb, setRfb] = useState<RFB>();
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let client: RFB | undefined;
    let cancelled = false;
    // loaded on demand: most VM pages never open VNC
    import('@novnc/novnc/lib/rfb').then(({ default: Rfb }) => {
      if (cancelled || !container.current) return;
      const { socket } = channel;
      client = new Rfb(container.current, socket, { shared: true });
      // noVNC listens through socket.onmessage: hand it what the server said while it was loading
      for (const early of channel.claim()) socket.onmessage?.(early);
      client.scaleViewport = true;
      client.background = '#000';
      client.addEventListener('connect', () => setConnected(true));
      client.addEventListener('disconnect', () => setConnected(false));
      setRfb(client);
    });
    return () => {
      cancelled = true;
      client?.disconnect();
    };
  }, [channel]);

  return (
    <>
      <Button
        size="small"
        variant="outlined"
        disabled={!connected}
        onClick={() => rfb?.sendCtrlAltDel()}
      >
        Send Ctrl+Alt+Del
      </Button>
      <div
        ref={container}
        data-testid="vnc-console"
        style={{ height: 600, background: '#000', marginTop: 8 }}
      />
    </>
  );
};
