import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
  vmConsoleCloseCode,
  VmConsoleKind,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { toBackstageError } from '../service/errors';
import { httpStatusOf } from '../service/httpStatus';
import { assertVmRef } from '../service/names';
import { VmAccess } from '../service/access/VmAccess';
import { VmOperationRunner } from '../service/operations/VmOperationRunner';
import { VmRef } from '../service/VmRef';
import { apiGroups, apiPath } from '../clusters/apiPath';
import { KubernetesStatusError } from '../clusters/ClusterClient';

const CONSOLE_PATH = /^\/vms\/([^/]+)\/([^/]+)\/([^/]+)\/(console|vnc)$/;

// close codes a peer may not send in a close frame (RFC 6455 7.4.1)
const RESERVED_CLOSE_CODES = new Set([1004, 1005, 1006, 1015]);

/** A close reason fits in 123 bytes of the close frame. */
const closeReason = (text: string) => {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= 123
    ? text
    : `${buf
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}...`;
};

/** The part of an HTTP(S) server the proxy hooks into. */
interface UpgradeServer {
  on(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): unknown;
  emit(event: 'request', req: IncomingMessage, res: ServerResponse): boolean;
  listenerCount(event: 'upgrade'): number;
}

/**
 * Hands an upgrade request to the server as a plain request, with a response
 * on its socket, as Node does when a server has no upgrade listener; the
 * connection closes after the response. Node has already taken its own
 * handlers off the socket, so its errors and hang-ups are handled here.
 */
function dispatchAsRequest(
  server: UpgradeServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
) {
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.end());
  // reading notices a client that hangs up on a request its owner leaves open; bytes it sent early stay for the owner
  if (head.length) socket.unshift(head);
  else socket.resume();
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  server.emit('request', req, res);
}

/** The Backstage token from the subprotocol list (browsers) or the Authorization header (backend callers). */
function consoleToken(req: IncomingMessage): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map(p => p.trim());
  const carried = offered.find(p =>
    p.startsWith(VM_CONSOLE_TOKEN_PROTOCOL_PREFIX),
  );
  if (carried) {
    try {
      return (
        Buffer.from(
          carried.slice(VM_CONSOLE_TOKEN_PROTOCOL_PREFIX.length),
          'base64url',
        ).toString('utf8') || undefined
      );
    } catch {
      return undefined;
    }
  }
  const header = req.headers.authorization;
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

interface Session {
  browser: WebSocket;
  upstream: WebSocket;
}

/**
 * The serial and VNC consoles of VMs, proxied from the browser to the
 * cluster's VMI `console`/`vnc` subresources with the broker's identity. At
 * connect time: authenticate the Backstage token, authorize `console` on the
 * VM (no cluster connection before that), then open the cluster's websocket
 * and only then accept the browser's. Each connection is audited when it
 * opens (or is refused) and when it closes. Either side closing closes the
 * other: the cluster closes when the VM stops.
 */
export class ConsoleProxy {
  private readonly server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // answer with KubeVirt's protocol when offered; the token protocol is never echoed
    handleProtocols: protocols =>
      protocols.has(VM_CONSOLE_PROTOCOL) ? VM_CONSOLE_PROTOCOL : false,
  });
  private readonly sessions = new Set<Session>();
  private readonly attached = new WeakSet<object>();
  private readonly held = new WeakMap<
    WebSocket,
    {
      early: { data: RawData; isBinary: boolean }[];
      hold: (data: RawData, isBinary: boolean) => void;
    }
  >();

  constructor(
    private readonly options: {
      basePath: () => Promise<string>;
      auth: AuthService;
      access: VmAccess;
      /** Opening a console is audited like a write. */
      runner: VmOperationRunner;
      logger: LoggerService;
      /** Keep-alive pings both ways; a browser that misses two is dropped (and its cluster session closed). */
      pingIntervalMs?: number;
    },
  ) {
    this.server.on('error', e =>
      options.logger.error(`Console websocket server error: ${e}`),
    );
  }

  /**
   * Express middleware that hooks the proxy to the HTTP server the first time
   * any request of this plugin passes (Backstage 1.55 offers plugins no
   * websocket API; this is how its signals plugin does it). An upgrade that
   * reaches express (no upgrade listener yet on the server) is handled at once.
   */
  middleware() {
    return (req: IncomingMessage, _res: unknown, next: () => void) => {
      const server = (req.socket as unknown as { server?: UpgradeServer })
        .server;
      if (server && !this.attached.has(server)) {
        this.attached.add(server);
        server.on('upgrade', this.upgradeListener(server));
        if (req.headers.upgrade?.toLowerCase() === 'websocket') {
          this.handleUpgrade(req, req.socket, Buffer.alloc(0)).catch(e =>
            this.options.logger.error(`Console upgrade failed: ${e}`),
          );
          return;
        }
      }
      next();
    };
  }

  /**
   * The server's `upgrade` listener. Once a server has any upgrade listener,
   * Node no longer routes upgrade requests through express, so this listener
   * alone would swallow every upgrade that is not a console's: signals-backend
   * hooks its own listener only when its router sees an upgrade request, which
   * then never comes (and other plugins answer upgrades in their routers).
   * So a foreign upgrade that no other listener heard (none was attached when
   * it was emitted) is handed to the server as the 'request' Node would have
   * emitted without upgrade listeners, and express routes it to its owner;
   * when other listeners heard it, it is theirs, as Node would have it.
   */
  private upgradeListener(server: UpgradeServer) {
    return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // who else heard this upgrade is fixed when it is emitted: listeners added later never see it
      const alone = server.listenerCount('upgrade') === 1;
      this.handleUpgrade(req, socket, head).then(
        handled => {
          if (!handled && alone) dispatchAsRequest(server, req, socket, head);
        },
        error => {
          this.options.logger.error(`Console upgrade failed: ${error}`);
          if (alone) socket.destroy();
        },
      );
    };
  }

  /** Handles an upgrade if it is for a console of this plugin; other upgrades are left to their owners. */
  async handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<boolean> {
    const base = await this.options.basePath();
    // the path as sent: a URL parser would fold encoded dot segments (%2E%2E) before the names are checked
    const pathname = (req.url ?? '/').split(/[?#]/)[0];
    if (!pathname.startsWith(`${base}/`)) return false;
    const match = pathname.slice(base.length).match(CONSOLE_PATH);
    if (!match) return false;
    const kind = match[4] as VmConsoleKind;
    let ref: VmRef = { cluster: '', namespace: '', name: '' };
    let invalid: string | undefined;
    try {
      const [cluster, namespace, name] = match
        .slice(1, 4)
        .map(decodeURIComponent);
      ref = { cluster, namespace, name };
      assertVmRef(ref);
    } catch (error) {
      invalid =
        error instanceof URIError
          ? 'Invalid request: malformed percent-encoding in the console path'
          : (error as Error).message;
    }

    const token = consoleToken(req);
    let credentials: BackstageCredentials;
    try {
      if (!token) throw new Error('no token');
      credentials = await this.options.auth.authenticate(token);
    } catch {
      // not even who it is: refuse the upgrade itself, as the signals endpoint does
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        () => socket.destroy(),
      );
      return true;
    }
    if (invalid) {
      // a name that is not one is refused before any permission check or cluster connection
      const reason = invalid;
      this.accept(req, socket, head, browser =>
        browser.close(vmConsoleCloseCode(400), closeReason(reason)),
      );
      return true;
    }

    let upstream: WebSocket | undefined;
    let opened: number | undefined;
    try {
      upstream = await this.options.runner.audited(
        `vm-${kind}-open`,
        ref,
        credentials,
        async () => {
          await this.options.access.authorize(ref, 'console', credentials);
          return this.connectUpstream(ref, kind, socket);
        },
        { console: kind },
      );
      opened = Date.now();
    } catch (error) {
      // accepted, then closed with the reason: a browser cannot read a refused handshake's status
      // a failure without a status of its own (a bug) reads as the cluster being unavailable
      const status = httpStatusOf(error) === 500 ? 503 : httpStatusOf(error);
      this.accept(req, socket, head, browser =>
        browser.close(
          vmConsoleCloseCode(status),
          closeReason((error as Error).message),
        ),
      );
      return true;
    }
    const up = upstream!;
    if (socket.destroyed) {
      // the browser left while the cluster was being asked
      up.close(1000, 'browser left');
      return true;
    }
    this.accept(req, socket, head, browser =>
      this.pipe({ browser, upstream: up }, ref, kind, credentials, opened!),
    );
    return true;
  }

  private accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    then: (ws: WebSocket) => void,
  ) {
    try {
      this.server.handleUpgrade(req, socket, head, ws => then(ws));
    } catch (error) {
      this.options.logger.error(`Console websocket upgrade failed: ${error}`);
      socket.destroy();
    }
  }

  /** Opens the VMI's subresource with the broker's credentials; fails with the cluster's refusal. */
  private async connectUpstream(
    ref: VmRef,
    kind: VmConsoleKind,
    browserSocket: Duplex,
  ): Promise<WebSocket> {
    const cache = this.options.access.mustCluster(ref);
    const path = apiPath({
      ...apiGroups.subresources,
      namespace: ref.namespace,
      resource: 'virtualmachineinstances',
      name: ref.name,
      subresource: kind,
    });
    const url = new URL(path, cache.client.cluster.url);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    // a user's console: as that user where the cluster impersonates
    const { options: tls, actingAs } = await cache.client.requestOptions();
    const label = `${
      kind === 'vnc' ? 'VNC' : 'Serial'
    } console of virtual machine ${ref.namespace}/${ref.name}`;
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, [VM_CONSOLE_PROTOCOL], {
        ...tls,
        handshakeTimeout: 10_000,
        perMessageDeflate: false,
      } as any);
      const onBrowserGone = () => ws.terminate();
      browserSocket.once('close', onBrowserGone);
      ws.once('open', () => {
        browserSocket.off('close', onBrowserGone);
        // what the VM says before the browser is attached (the RFB server speaks first) is kept for it
        const early: { data: RawData; isBinary: boolean }[] = [];
        const hold = (data: RawData, isBinary: boolean) =>
          early.push({ data, isBinary });
        ws.on('message', hold);
        this.held.set(ws, { early, hold });
        resolve(ws);
      });
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', c => {
          text += c;
        });
        res.on('end', () => {
          let status: any;
          try {
            status = JSON.parse(text);
          } catch {
            status = { message: text.trim() || `HTTP ${res.statusCode}` };
          }
          reject(
            toBackstageError(
              new KubernetesStatusError(
                res.statusCode ?? 500,
                status,
                ref.cluster,
                actingAs,
                { path },
              ),
              label,
            ),
          );
        });
        res.on('error', reject);
      });
      ws.once('error', error => {
        browserSocket.off('close', onBrowserGone);
        reject(
          new ServiceUnavailableError(
            `${label} on cluster ${ref.cluster}: the cluster did not answer (${error.message})`,
          ),
        );
      });
    });
  }

  private pipe(
    session: Session,
    ref: VmRef,
    kind: VmConsoleKind,
    credentials: BackstageCredentials,
    opened: number,
  ) {
    const { browser, upstream } = session;
    this.sessions.add(session);
    const bytes = { toVm: 0, fromVm: 0 };
    let closedBy: 'browser' | 'cluster' | 'broker' | undefined;

    const held = this.held.get(upstream);
    if (held) {
      upstream.off('message', held.hold);
      this.held.delete(upstream);
      for (const m of held.early) {
        bytes.fromVm += (m.data as Buffer).length ?? 0;
        browser.send(m.data, { binary: m.isBinary });
      }
    }
    upstream.on('message', (data: RawData, isBinary) => {
      bytes.fromVm += (data as Buffer).length ?? 0;
      if (browser.readyState === WebSocket.OPEN)
        browser.send(data, { binary: isBinary });
    });
    browser.on('message', (data: RawData) => {
      bytes.toVm += (data as Buffer).length ?? 0;
      // virt-handler drops text frames: what a browser types goes on as binary
      if (upstream.readyState === WebSocket.OPEN)
        upstream.send(data, { binary: true });
    });

    // idle consoles stay open through proxies that cut silent connections, and a vanished browser is noticed
    let alive = true;
    browser.on('pong', () => {
      alive = true;
    });
    const keepAlive = setInterval(() => {
      if (!alive) {
        closedBy ??= 'broker';
        browser.terminate();
        return;
      }
      alive = false;
      browser.ping();
      if (upstream.readyState === WebSocket.OPEN) upstream.ping();
    }, this.options.pingIntervalMs ?? 30_000);

    const finish = (code: number, reason: string) => {
      clearInterval(keepAlive);
      if (!this.sessions.delete(session)) return;
      this.options.runner
        .audited(`vm-${kind}-close`, ref, credentials, async () => {}, {
          console: kind,
          closedBy,
          code,
          reason,
          durationMs: Date.now() - opened,
          ...bytes,
        })
        .catch(e =>
          this.options.logger.warn(
            `Console close of ${ref.namespace}/${ref.name} on ${ref.cluster} not audited: ${e}`,
          ),
        );
    };
    upstream.on('close', (code, reason) => {
      closedBy ??= 'cluster';
      const text = reason.toString() || 'closed by the cluster';
      // a real virt-handler drops the connection when the VM stops (1006): still a clean end for the browser
      const forward = RESERVED_CLOSE_CODES.has(code) ? 1000 : code;
      if (
        browser.readyState === WebSocket.OPEN ||
        browser.readyState === WebSocket.CONNECTING
      )
        browser.close(forward, closeReason(text));
      finish(code, text);
    });
    browser.on('close', (code, reason) => {
      closedBy ??= 'browser';
      if (upstream.readyState === WebSocket.OPEN)
        upstream.close(1000, 'browser closed the console');
      else upstream.terminate();
      finish(code, reason.toString());
    });
    upstream.on('error', e =>
      this.options.logger.debug(
        `Console upstream of ${ref.namespace}/${ref.name} on ${ref.cluster}: ${e}`,
      ),
    );
    browser.on('error', e =>
      this.options.logger.debug(
        `Console browser side of ${ref.namespace}/${ref.name} on ${ref.cluster}: ${e}`,
      ),
    );
  }

  /** Open sessions, for shutdown and tests. */
  get openSessions() {
    return this.sessions.size;
  }

  close() {
    for (const { browser, upstream } of [...this.sessions]) {
      browser.close(1001, 'the portal is shutting down');
      upstream.close(1001, 'the portal is shutting down');
    }
  }
}
