import Button from '@material-ui/core/Button';
import { useEffect, useRef, useState } from 'react';
import type RFB from '@novnc/novnc/lib/rfb';

/** noVNC on an open console websocket; the VM's screen scaled to the tab. */
export const VncConsole = ({ socket }: { socket: WebSocket }) => {
  const container = useRef<HTMLDivElement>(null);
  const [rfb, setRfb] = useState<RFB>();
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let client: RFB | undefined;
    let cancelled = false;
    // loaded on demand: most VM pages never open VNC
    import('@novnc/novnc/lib/rfb').then(({ default: Rfb }) => {
      if (cancelled || !container.current) return;
      client = new Rfb(container.current, socket, { shared: true });
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
  }, [socket]);

  return (
    <>
      <Button size="small" variant="outlined" disabled={!connected} onClick={() => rfb?.sendCtrlAltDel()}>
        Send Ctrl+Alt+Del
      </Button>
      <div ref={container} data-testid="vnc-console" style={{ height: 600, background: '#000', marginTop: 8 }} />
    </>
  );
};
