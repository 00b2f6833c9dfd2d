export class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = FakeSocket.CONNECTING;
  readonly channels = new Set<string>();
  readonly frames: unknown[] = [];
  readonly protocols: string[];
  closedWith?: number;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    server: FakeSignalsServer,
    readonly url: string,
    protocols?: string | string[],
  ) {
    this.protocols = protocols === undefined ? [] : [protocols].flat();
    server.sockets.push(this);
    const refused = server.refuse > 0;
    if (refused) server.refuse--;
    setTimeout(() => {
      if (this.readyState !== FakeSocket.CONNECTING) return;
      if (refused) {
        this.readyState = FakeSocket.CLOSED;
        this.onerror?.({});
        this.onclose?.({ code: 1006 });
      } else {
        this.readyState = FakeSocket.OPEN;
        this.onopen?.({});
      }
    }, 5);
  }

  send(data: string) {
    if (this.readyState !== FakeSocket.OPEN)
      throw new Error('send on a socket that is not open');
    const frame = JSON.parse(data);
    this.frames.push(frame);
    if (frame.action === 'subscribe') this.channels.add(frame.channel);
    if (frame.action === 'unsubscribe') this.channels.delete(frame.channel);
  }

  close(code?: number) {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSED;
    // a browser reports a close without a code as 1005
    setTimeout(() => this.onclose?.({ code: code ?? 1005 }), 1);
  }

  serverClose(code: number) {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    setTimeout(() => this.onclose?.({ code }), 1);
  }
}

/**
 * signals-backend as the browser sees it, for tests: sockets it answers or
 * refuses, each with the channels it subscribed to (in the order its frames
 * arrived), and signals that reach only the sockets that had subscribed by
 * the time they were sent. Nothing is stored for later.
 */
export class FakeSignalsServer {
  readonly sockets: FakeSocket[] = [];
  /** How many coming handshakes to refuse (a fresh backend refuses its first). */
  refuse = 0;

  /** A WebSocket constructor bound to this server, for `createSocket` or `globalThis.WebSocket`. */
  readonly WebSocket = socketClassOf(this);

  publish(channel: string, message: unknown) {
    for (const socket of this.sockets)
      if (socket.readyState === FakeSocket.OPEN && socket.channels.has(channel))
        socket.onmessage?.({ data: JSON.stringify({ channel, message }) });
  }

  get openSockets() {
    return this.sockets.filter(s => s.readyState === FakeSocket.OPEN);
  }

  /** The server drops every open socket (a restart, a proxy timeout). */
  dropAll() {
    for (const socket of this.openSockets) socket.serverClose(1006);
  }
}

/** A WebSocket constructor whose sockets `server` answers. */
function socketClassOf(server: FakeSignalsServer) {
  return class extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(server, url, protocols);
    }
  };
}
