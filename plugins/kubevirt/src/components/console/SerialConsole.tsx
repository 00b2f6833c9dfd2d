import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { ConsoleChannel } from './useConsoleSocket';

/** xterm.js on an open console websocket: bytes from the VM are written, keys go back as binary frames. */
export const SerialConsole = ({ channel }: { channel: ConsoleChannel }) => {
  const { socket } = channel;
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const terminal = new Terminal({
      convertEol: false,
      cursorBlink: true,
      fontSize: 14,
      scrollback: 5000,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(container.current!);
    try {
      fit.fit();
    } catch {
      // no layout (hidden or in tests): keep the default 80x24
    }
    terminal.focus();
    const encoder = new TextEncoder();
    const onMessage = (e: MessageEvent) => {
      terminal.write(
        typeof e.data === 'string'
          ? e.data
          : new Uint8Array(e.data as ArrayBuffer),
      );
    };
    for (const early of channel.claim()) onMessage(early);
    socket.addEventListener('message', onMessage);
    // virt-handler drops text frames: keystrokes travel as binary
    const typed = terminal.onData(
      data =>
        socket.readyState === WebSocket.OPEN &&
        socket.send(encoder.encode(data)),
    );
    const onResize = () => {
      try {
        fit.fit();
      } catch {
        // ignore: not laid out
      }
    };
    window.addEventListener('resize', onResize);
    // the getty prints its prompt on a new line: ask for it
    if (socket.readyState === WebSocket.OPEN) socket.send(encoder.encode('\r'));
    return () => {
      window.removeEventListener('resize', onResize);
      socket.removeEventListener('message', onMessage);
      typed.dispose();
      terminal.dispose();
    };
  }, [channel, socket]);

  return (
    <div
      ref={container}
      data-testid="serial-console"
      style={{ height: 480, background: '#000', padding: 4 }}
    />
  );
};
