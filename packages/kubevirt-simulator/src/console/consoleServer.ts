import http from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { authenticate, authorize, UserInfo } from '../auth/auth';
import { impersonate } from '../auth/impersonation';
import { errors, StatusError } from '../api/errors';
import { FaultController } from '../faults';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store, StoreEvent } from '../store/store';
import { onGuestReboot } from '../kubevirt/guestReboots';
import { guestInfoOf } from '../kubevirt/vmiFacts';
import { GuestScreen, osAccent } from './guestScreen';
import { GuestShell } from './guestShell';
import { encodePng } from './png';
import { RfbServerConnection } from './rfb';

/** The only subprotocol virt-api's upgrader offers (client-go subresources.PlainStreamProtocolName). */
export const PLAIN_STREAM_PROTOCOL = 'plain.kubevirt.io';
/** kube-apiserver's websocket authenticator: a bearer token passed as a subprotocol. */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export type ConsoleKind = 'console' | 'vnc';

const vmiType = resourceTypeOfKind('VirtualMachineInstance');
const PATH =
  /^\/apis\/subresources\.kubevirt\.io\/(v1|v1alpha3)\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/(console|vnc)$/;

// virt-api's errors name the singular resource (pkg/virt-api/rest/console.go, vnc.go, subresource.go)
const vmiNotFound = (name: string) =>
  new StatusError(
    404,
    'NotFound',
    `virtualmachineinstance.kubevirt.io "${name}" not found`,
    { name, group: 'kubevirt.io', kind: 'virtualmachineinstance' },
  );
const vmiConflict = (name: string, why: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "${name}": ${why}`,
    { name, group: 'kubevirt.io', kind: 'virtualmachineinstance' },
  );

interface Guest {
  uid: string;
  serial: GuestShell;
  tty1: GuestShell;
  screen?: GuestScreen;
  /** When the guest last rebooted inside its instance (soft reboot); its uptime counts from here. */
  rebootedAt?: number;
}

/** One open console or VNC connection. */
class ConsoleSession {
  detach: () => void = () => {};

  constructor(
    readonly ws: WebSocket,
    readonly uid: string,
    /** The node whose virt-handler serves the stream. */
    readonly node: string,
    private readonly onEnd: (s: ConsoleSession) => void,
  ) {}

  cleanup() {
    this.detach();
    this.detach = () => {};
    this.onEnd(this);
  }

  /** Closes with a close frame (1000) carrying the reason. */
  end(reason: string) {
    this.cleanup();
    if (
      this.ws.readyState === WebSocket.OPEN ||
      this.ws.readyState === WebSocket.CONNECTING
    )
      this.ws.close(1000, reason.slice(0, 120));
  }
}

/** X11 keysyms to what a terminal receives; undefined for keys the guest ignores. */
export function keysymToInput(
  keysym: number,
  ctrl: boolean,
): string | undefined {
  if (keysym >= 0x20 && keysym <= 0x7e) {
    const ch = String.fromCharCode(keysym);
    if (ctrl && /[a-z]/i.test(ch))
      return String.fromCharCode(ch.toLowerCase().charCodeAt(0) - 96);
    return ch;
  }
  return (
    {
      0xff0d: '\r',
      0xff8d: '\r',
      0xff08: '\x7f',
      0xff09: '\t',
      0xff1b: '\x1b',
    } as Record<number, string>
  )[keysym];
}

const isControl = (keysym: number) => keysym === 0xffe3 || keysym === 0xffe4;

const isPaused = (vmi: KubeObject) =>
  (vmi.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Paused' && c.status === 'True',
  );

const sessionKey = (kind: ConsoleKind, namespace: string, name: string) =>
  `${kind}:${namespace}/${name}`;

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}

/**
 * The Authorization header, or the bearer token a browser passes as a
 * subprotocol (kube-apiserver's websocket ProtocolAuthenticator): it needs
 * one other subprotocol beside it, to be echoed back.
 */
function authorizationOf(req: http.IncomingMessage): string | undefined {
  if (req.headers.authorization) return req.headers.authorization;
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  const tokens = protocols.filter(p => p.startsWith(BEARER_PROTOCOL_PREFIX));
  if (!tokens.length) return undefined;
  // protocol.go answers these with an authentication error (401), not as a request without credentials
  if (tokens.length > 1 || tokens.length === protocols.length)
    throw errors.unauthorized();
  const token = Buffer.from(
    tokens[0].slice(BEARER_PROTOCOL_PREFIX.length),
    'base64url',
  ).toString('utf8');
  return `Bearer ${token}`;
}

/**
 * KubeVirt's VMI `console` and `vnc` subresources: WebSocket upgrades that
 * pass kube-apiserver's authentication and RBAC (`get` on
 * `virtualmachineinstances/console|vnc` in subresources.kubevirt.io) and
 * virt-api's state checks, then stream binary frames from a simulated guest:
 * a serial console (ttyS0) or an RFB server drawing its screen (tty1).
 * Each VMI has one connection of each kind at a time; a new one replaces the
 * old, as virt-handler does. Connections close with a close frame when the
 * VMI stops, is deleted or migrates to another node.
 */
export class ConsoleServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 1024 * 1024,
    handleProtocols: protocols =>
      protocols.has(PLAIN_STREAM_PROTOCOL) ? PLAIN_STREAM_PROTOCOL : false,
  });
  private readonly guests = new Map<string, Guest>();
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly users: Record<string, UserInfo>,
    private readonly faults: FaultController,
    /** When the guest booted, if known better than the VMI's Running time (seeded VMs have run for a while). */
    private readonly bootTime: (vmi: KubeObject) => number | undefined = () =>
      undefined,
  ) {
    const unsubscribe = store.subscribe(e => this.onStoreEvent(e));
    const noReboots = onGuestReboot(store, uid => this.onGuestReboot(uid));
    // a cluster that goes down takes its connections with it (no close frame)
    const detach = faults.onDropWatches(() => {
      if (faults.isDown()) for (const ws of this.wss.clients) ws.terminate();
    });
    this.unsubscribe = () => {
      unsubscribe();
      noReboots();
      detach();
    };
  }

  /** kube-apiserver's checks then virt-api's: the VMI if a connection may open, else a StatusError. */
  check(
    user: UserInfo,
    namespace: string,
    name: string,
    kind: ConsoleKind,
    preserveSession = false,
  ): KubeObject {
    authorize(this.store, user, {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: `virtualmachineinstances/${kind}`,
      namespace,
      name,
    });
    return this.validate(namespace, name, kind, preserveSession);
  }

  /** virt-api's validateVMIForConsole / vmiHasDisplay, and virt-handler's preserveSession refusal. */
  private validate(
    namespace: string,
    name: string,
    kind: ConsoleKind,
    preserveSession: boolean,
  ): KubeObject {
    const vmi = this.store.get(vmiType, namespace, name);
    if (!vmi) throw vmiNotFound(name);
    const devices = vmi.spec?.domain?.devices ?? {};
    if (kind === 'console') {
      if (devices.autoattachSerialConsole === false)
        throw errors.badRequest('No serial consoles are present.');
      if (vmi.status?.phase === 'Failed')
        throw vmiConflict(name, 'VMI is in failed status');
    } else if (devices.autoattachGraphicsDevice === false) {
      throw errors.badRequest('No graphics devices are present.');
    }
    if (vmi.status?.phase !== 'Running')
      throw errors.badRequest('VMI is not running');
    if (
      kind === 'vnc' &&
      preserveSession &&
      this.sessions.has(sessionKey('vnc', namespace, name))
    ) {
      // virt-handler answers 503 and virt-api wraps what its dialer saw
      throw errors.internal(
        "Can't connect to websocket (503): websocket: bad handshake: application info: Active VNC connection. Request denied.",
      );
    }
    return vmi;
  }

  /** A plain GET (no upgrade) gets through the same checks, then gorilla's upgrader refuses it. */
  refusePlainRequest(
    user: UserInfo,
    namespace: string,
    name: string,
    kind: ConsoleKind,
  ) {
    this.check(user, namespace, name, kind);
    throw errors.badRequest(
      "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header",
    );
  }

  async handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    try {
      if (this.faults.isDown()) {
        socket.destroy();
        return;
      }
      await this.faults.delay();
      // kube-apiserver authenticates before it routes
      const user = impersonate(
        this.store,
        authenticate(authorizationOf(req), this.users),
        req.headersDistinct,
      );
      const url = new URL(req.url ?? '/', 'http://localhost');
      const m = PATH.exec(url.pathname);
      if (!m)
        throw new StatusError(
          404,
          'NotFound',
          'the server could not find the requested resource',
          {},
        );
      const absent = this.faults.subresourcesAnswer();
      if (absent) {
        const text = `${absent.text}\n`;
        socket.end(
          `HTTP/1.1 ${absent.code} ${
            http.STATUS_CODES[absent.code]
          }\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(
            text,
          )}\r\nConnection: close\r\n\r\n${text}`,
        );
        return;
      }
      const [, , namespace, name, kind] = m.map(decodeURIComponent);
      const vmi = this.check(
        user,
        namespace,
        name,
        kind as ConsoleKind,
        /^(true|1)$/i.test(url.searchParams.get('preserveSession') ?? ''),
      );
      this.wss.handleUpgrade(req, socket, head, ws =>
        this.open(ws, vmi, kind as ConsoleKind),
      );
    } catch (e) {
      const err =
        e instanceof StatusError
          ? e
          : errors.internal(String((e as Error)?.message ?? e));
      const body = JSON.stringify(err.toStatus());
      socket.end(
        `HTTP/1.1 ${err.code} ${
          http.STATUS_CODES[err.code]
        }\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
          body,
        )}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
  }

  /** Ends every connection (simulator stop or reset). */
  closeAll(reason = 'simulator stopped') {
    for (const s of [...this.sessions.values()]) s.end(reason);
    this.guests.clear();
  }

  stop() {
    this.closeAll();
    this.unsubscribe();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private guest(vmi: KubeObject): Guest {
    const uid = vmi.metadata.uid!;
    let guest = this.guests.get(uid);
    if (!guest) {
      const { namespace, name } = vmi.metadata;
      const describe = (o: KubeObject) => {
        const facts = guestInfoOf(o);
        return {
          ...facts,
          bootTime:
            this.guests.get(uid)?.rebootedAt ??
            this.bootTime(o) ??
            facts.bootTime,
        };
      };
      let last = describe(vmi);
      // the guest reads its VMI at each command (IP, uptime), and keeps the last view once it is gone
      const info = () => {
        const current = this.store.get(vmiType, namespace, name);
        if (current?.metadata.uid === uid) last = describe(current);
        return last;
      };
      guest = {
        uid,
        serial: new GuestShell(info, 'ttyS0'),
        tty1: new GuestShell(info, 'tty1'),
      };
      const paused = isPaused(vmi);
      guest.serial.setPaused(paused);
      guest.tty1.setPaused(paused);
      this.guests.set(uid, guest);
    }
    return guest;
  }

  /** The guest's display (tty1), drawn when first looked at. */
  private screenOf(guest: Guest, vmi: KubeObject): GuestScreen {
    if (!guest.screen) {
      const info = guestInfoOf(vmi);
      const screen = new GuestScreen(
        vmi.metadata.name,
        info.os.prettyName,
        osAccent(info.os.id),
      );
      guest.screen = screen;
      guest.tty1.attach(out => screen.write(out));
      guest.tty1.greet();
    }
    return guest.screen;
  }

  /** GET …/vnc/screenshot: the screen as PNG, with the vnc checks and RBAC on `virtualmachineinstances/vnc/screenshot`. */
  screenshot(user: UserInfo, namespace: string, name: string): Buffer {
    authorize(this.store, user, {
      verb: 'get',
      group: 'subresources.kubevirt.io',
      resource: 'virtualmachineinstances/vnc/screenshot',
      namespace,
      name,
    });
    const vmi = this.validate(namespace, name, 'vnc', false);
    const screen = this.screenOf(this.guest(vmi), vmi);
    return encodePng(screen.width, screen.height, screen.pixels);
  }

  private open(ws: WebSocket, vmi: KubeObject, kind: ConsoleKind) {
    const { namespace, name } = vmi.metadata;
    const key = sessionKey(kind, namespace!, name);
    this.sessions.get(key)?.end('replaced by a newer connection');
    const guest = this.guest(vmi);
    const session = new ConsoleSession(
      ws,
      guest.uid,
      vmi.status?.nodeName ?? '',
      s => {
        if (this.sessions.get(key) === s) this.sessions.delete(key);
      },
    );
    this.sessions.set(key, session);
    const send = (data: Buffer) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: true });
    };
    // virt-handler copies only binary messages to the guest and drops text ones
    let onBinary: (data: Buffer) => void;
    if (kind === 'console') {
      session.detach = guest.serial.attach(out =>
        send(Buffer.from(out, 'utf8')),
      );
      onBinary = data => guest.serial.input(data.toString('utf8'));
      guest.serial.greet();
    } else {
      let ctrl = false;
      const rfb = new RfbServerConnection(this.screenOf(guest, vmi), name, {
        send,
        key: (keysym, down) => {
          if (isControl(keysym)) ctrl = down;
          const input = down ? keysymToInput(keysym, ctrl) : undefined;
          if (input) guest.tty1.input(input);
        },
        fail: reason => session.end(`RFB protocol error: ${reason}`),
      });
      session.detach = () => rfb.close();
      onBinary = data => rfb.receive(data);
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) onBinary(toBuffer(data));
    });
    ws.on('close', () => session.cleanup());
    ws.on('error', () => session.cleanup());
  }

  /** A soft reboot: the same instance, a guest that starts over (a guest nobody looked at yet boots when first seen). */
  private onGuestReboot(uid: string) {
    const guest = this.guests.get(uid);
    if (!guest) return;
    guest.rebootedAt = Date.now();
    guest.serial.reboot();
    guest.tty1.reboot();
  }

  private onStoreEvent(e: StoreEvent) {
    if (e.object.kind !== 'VirtualMachineInstance') return;
    const vmi = e.object;
    const gone = e.type === 'DELETED';
    if (
      !gone &&
      !vmi.metadata.deletionTimestamp &&
      vmi.status?.phase === 'Running'
    ) {
      const guest = this.guests.get(vmi.metadata.uid!);
      const paused = isPaused(vmi);
      guest?.serial.setPaused(paused);
      guest?.tty1.setPaused(paused);
      // after a live migration the source node's virt-handler no longer serves the stream
      for (const kind of ['console', 'vnc'] as const) {
        const session = this.sessions.get(
          sessionKey(kind, vmi.metadata.namespace!, vmi.metadata.name),
        );
        if (
          session &&
          session.uid === vmi.metadata.uid &&
          vmi.status?.nodeName &&
          session.node !== vmi.status.nodeName
        ) {
          session.end(`VMI migrated to ${vmi.status.nodeName}`);
        }
      }
      return;
    }
    const reason =
      gone || vmi.metadata.deletionTimestamp
        ? 'VMI stopped'
        : `VMI is ${vmi.status?.phase ?? 'not running'}`;
    for (const kind of ['console', 'vnc'] as const) {
      const session = this.sessions.get(
        sessionKey(kind, vmi.metadata.namespace!, vmi.metadata.name),
      );
      if (session && session.uid === vmi.metadata.uid) session.end(reason);
    }
    if (gone || vmi.metadata.deletionTimestamp)
      this.guests.delete(vmi.metadata.uid!);
  }
}
