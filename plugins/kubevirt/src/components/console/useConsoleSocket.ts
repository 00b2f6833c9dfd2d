import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  VmConsoleKind,
  VmRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { useEffect, useState } from 'react';
import { kubevirtApiRef } from '../../api';

/**
 * An open console websocket and what arrived on it before a viewer took it
 * over: the VNC server speaks first, and noVNC loads and attaches a moment
 * after the socket opens.
 */
export class ConsoleChannel {
  private backlog: MessageEvent[] = [];
  private claimed = false;
  private readonly keep = (e: MessageEvent) => {
    if (!this.claimed) this.backlog.push(e);
  };

  constructor(readonly socket: WebSocket) {
    socket.addEventListener('message', this.keep);
  }

  /** The messages so far, once; later ones go to the caller's own listeners. */
  claim(): MessageEvent[] {
    this.claimed = true;
    this.socket.removeEventListener('message', this.keep);
    const early = this.backlog;
    this.backlog = [];
    return early;
  }
}

export type ConsoleSocketState =
  | { state: 'connecting' }
  | { state: 'open'; socket: WebSocket; channel: ConsoleChannel }
  | { state: 'closed'; code: number; reason: string };

/** Why a console closed, in words; 4000 + HTTP status codes come from the broker. */
export function closeMessage(code: number, reason: string): string {
  if (code === 4403)
    return reason || 'Your VM role does not allow the console of this VM';
  if (code >= 4000 && code < 5000)
    return reason || `The console was refused (${code - 4000})`;
  if (code === 1000 || code === 1001)
    return reason ? `Disconnected: ${reason}` : 'Disconnected';
  return `The connection was lost${reason ? `: ${reason}` : ''} (code ${code})`;
}

/**
 * One websocket to a VM's console through the broker, open while the
 * component is mounted and `attempt` unchanged; closed when the user leaves.
 */
export function useConsoleSocket(
  ref: VmRef,
  kind: VmConsoleKind,
  attempt: number,
): ConsoleSocketState {
  const api = useApi(kubevirtApiRef);
  const identity = useApi(identityApiRef);
  const [state, setState] = useState<ConsoleSocketState>({
    state: 'connecting',
  });

  useEffect(() => {
    let socket: WebSocket | undefined;
    let cancelled = false;
    setState({ state: 'connecting' });
    (async () => {
      const { token } = await identity.getCredentials();
      const { url, protocols } = await api.consoleConnection(
        ref,
        kind,
        token ?? '',
      );
      if (cancelled) return;
      socket = new WebSocket(url, protocols);
      socket.binaryType = 'arraybuffer';
      const channel = new ConsoleChannel(socket);
      socket.addEventListener(
        'open',
        () =>
          !cancelled &&
          setState({ state: 'open', socket: channel.socket, channel }),
      );
      socket.addEventListener(
        'close',
        e =>
          !cancelled &&
          setState({ state: 'closed', code: e.code, reason: e.reason }),
      );
    })().catch(
      e =>
        !cancelled &&
        setState({
          state: 'closed',
          code: 4503,
          reason: String(e?.message ?? e),
        }),
    );
    return () => {
      cancelled = true;
      // leaving the tab or the page ends the session on the cluster too
      socket?.close(1000, 'left the console');
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, identity, ref.cluster, ref.namespace, ref.name, kind, attempt]);

  return state;
}
