/**
 * What a subscriber hears: a signal on its channel, or `resync`: read again,
 * because the channel has just become live on a (new) socket and what
 * changed before went unheard, or because it has been `resyncEveryMs`.
 */
export type LiveSignalEvent =
  | { type: 'signal'; message: unknown }
  | { type: 'resync' };

export type LiveSignalListener = (event: LiveSignalEvent) => void;

export interface LiveSignalClientOptions {
  /** signals-backend's base URL (discoveryApi.getBaseUrl('signals')). */
  baseUrl: () => Promise<string>;
  /** The user's Backstage token, sent as the websocket subprotocol as signals-backend expects. */
  token: () => Promise<string | undefined>;
  /** First delay before connecting again after a refused or lost socket; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** A handshake not answered within this is given up and tried again. */
  connectTimeoutMs?: number;
  /** The socket stays this long without subscribers, so moving between pages does not reconnect. */
  idleCloseMs?: number;
  /**
   * Every subscriber reads again this often while its socket is open (default 10 min). The
   * broker sends VM signals only to users who made a request with a token still valid (their
   * read decision is kept per user), so a page with nothing to re-read for an hour would
   * otherwise stop hearing about changes.
   */
  resyncEveryMs?: number;
  createSocket?: (url: string, protocols?: string[]) => WebSocket;
  random?: () => number;
}

const NORMAL_CLOSURE = 1000;
const STABLE_MS = 10_000;

/**
 * One websocket to signals-backend for the kubevirt views, which must never
 * show a state older than the broker's: signals are not stored, so a signal
 * sent while a socket connects, reconnects or has not yet taken a subscribe
 * is lost. Every subscriber is therefore told when its channel becomes live
 * (`resync`) and reads again then. The socket retries with backoff after
 * a refused handshake (signals-backend answers the first websocket a fresh
 * backend receives with 404) or a lost connection, for as long as anyone
 * subscribes, and closes when nobody has for `idleCloseMs`.
 *
 * The client of @backstage/plugin-signals 0.0.x is not used for these
 * channels: after its first failed handshake it reconnects every 5 s for
 * good (its own close is taken for a lost connection), drops what arrives in
 * each reconnect, and tells its subscribers of none of it.
 */
export class LiveSignalClient {
  private readonly listeners = new Map<string, Set<LiveSignalListener>>();
  private socket?: WebSocket;
  private open = false;
  private connecting = false;
  private attempts = 0;
  private openedAt = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private resyncTimer?: ReturnType<typeof setInterval>;

  constructor(private readonly options: LiveSignalClientOptions) {}

  /** Listens on `channel` until the returned function is called. */
  subscribe(channel: string, listener: LiveSignalListener): () => void {
    let channelListeners = this.listeners.get(channel);
    const fresh = !channelListeners;
    if (!channelListeners) {
      channelListeners = new Set();
      this.listeners.set(channel, channelListeners);
    }
    channelListeners.add(listener);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.open && fresh) {
      this.send({ action: 'subscribe', channel });
      // live from this frame on; the subscriber's read may predate it
      const heard = channelListeners;
      Promise.resolve().then(() => {
        if (heard.has(listener)) listener({ type: 'resync' });
      });
    } else if (!this.open) {
      this.connect();
    }
    return () => this.unsubscribe(channel, listener);
  }

  /** Closes the socket and forgets every subscriber. */
  close() {
    this.listeners.clear();
    this.closeSocket();
  }

  private unsubscribe(channel: string, listener: LiveSignalListener) {
    const channelListeners = this.listeners.get(channel);
    if (!channelListeners?.delete(listener) || channelListeners.size) return;
    this.listeners.delete(channel);
    if (this.open) this.send({ action: 'unsubscribe', channel });
    if (!this.listeners.size && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (!this.listeners.size) this.closeSocket();
      }, this.options.idleCloseMs ?? 5_000);
    }
  }

  private closeSocket() {
    clearInterval(this.resyncTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.retryTimer = undefined;
    this.idleTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.open = false;
    this.attempts = 0;
    socket?.close(NORMAL_CLOSURE);
  }

  private resyncAll() {
    for (const channelListeners of [...this.listeners.values()])
      for (const listener of [...channelListeners])
        listener({ type: 'resync' });
  }

  private send(message: object) {
    this.socket?.send(JSON.stringify(message));
  }

  private connect() {
    if (this.socket || this.connecting || this.retryTimer) return;
    this.connecting = true;
    Promise.all([this.options.baseUrl(), this.options.token()])
      .then(([baseUrl, token]) => {
        if (!this.listeners.size) return;
        const url = new URL(baseUrl);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        this.attach(
          (this.options.createSocket ?? defaultSocket)(
            url.toString(),
            token ? [token] : undefined,
          ),
        );
      })
      .catch(() => this.retry())
      .finally(() => {
        this.connecting = false;
      });
  }

  private attach(socket: WebSocket) {
    this.socket = socket;
    const timeout = setTimeout(
      () => socket.close(),
      this.options.connectTimeoutMs ?? 10_000,
    );
    socket.onopen = () => {
      clearTimeout(timeout);
      if (this.socket !== socket) return;
      this.open = true;
      this.openedAt = Date.now();
      for (const channel of this.listeners.keys())
        this.send({ action: 'subscribe', channel });
      this.resyncAll();
      clearInterval(this.resyncTimer);
      this.resyncTimer = setInterval(
        () => this.resyncAll(),
        this.options.resyncEveryMs ?? 600_000,
      );
    };
    socket.onmessage = event => {
      let data: { channel?: unknown; message?: unknown };
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (typeof data?.channel !== 'string') return;
      for (const listener of [...(this.listeners.get(data.channel) ?? [])])
        listener({ type: 'signal', message: data.message });
    };
    socket.onclose = () => {
      clearTimeout(timeout);
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearInterval(this.resyncTimer);
      // a socket that stayed up a while was a good one: retry soon; one dropped at once backs off
      if (this.open && Date.now() - this.openedAt > STABLE_MS)
        this.attempts = 0;
      this.open = false;
      if (this.listeners.size) this.retry();
    };
  }

  private retry() {
    if (this.retryTimer || !this.listeners.size) return;
    const base = this.options.retryMs ?? 250;
    const ceiling = this.options.maxRetryMs ?? 10_000;
    const delay = Math.min(ceiling, base * 2 ** this.attempts++);
    // spread: after a deployment every open page reconnects at once
    const jittered =
      delay * (0.75 + 0.5 * (this.options.random ?? Math.random)());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, jittered);
  }
}

function defaultSocket(url: string, protocols?: string[]) {
  return new WebSocket(url, protocols);
}
