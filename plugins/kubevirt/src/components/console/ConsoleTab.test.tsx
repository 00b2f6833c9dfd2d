import { identityApiRef } from '@backstage/core-plugin-api';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  vmConsolePermission,
  weakestRoleFor,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { kubevirtApiRef } from '../../api';
import {
  allOperations,
  detail,
  fakeKubevirtApi,
} from '../../testing/fakeKubevirtApi';
import { ConsoleTab } from './ConsoleTab';

const terminals: FakeTerminal[] = [];
class FakeTerminal {
  written: string[] = [];
  disposed = false;
  private dataListener?: (d: string) => void;
  constructor() {
    terminals.push(this);
  }
  loadAddon() {}
  open() {}
  focus() {}
  write(data: string | Uint8Array) {
    this.written.push(
      typeof data === 'string' ? data : new TextDecoder().decode(data),
    );
  }
  onData(listener: (d: string) => void) {
    this.dataListener = listener;
    return { dispose: () => (this.dataListener = undefined) };
  }
  type(d: string) {
    this.dataListener?.(d);
  }
  dispose() {
    this.disposed = true;
  }
}
jest.mock('@xterm/xterm', () => ({
  Terminal: jest.fn().mockImplementation(() => new FakeTerminal()),
}));
jest.mock('@xterm/addon-fit', () => ({
  FitAddon: jest.fn().mockImplementation(() => ({ fit: jest.fn() })),
}));

const rfbs: {
  target: HTMLElement;
  channel: unknown;
  received: string[];
  listeners: Record<string, () => void>;
  disconnect: jest.Mock;
}[] = [];
jest.mock('@novnc/novnc/lib/rfb', () => ({
  __esModule: true,
  default: jest.fn().mockImplementation((target: HTMLElement, channel: any) => {
    const rfb = {
      target,
      channel,
      received: [] as string[],
      listeners: {} as Record<string, () => void>,
      disconnect: jest.fn(),
      sendCtrlAltDel: jest.fn(),
      addEventListener: (e: string, l: () => void) => (rfb.listeners[e] = l),
    };
    // as noVNC's Websock.attach does
    channel.onmessage = (e: MessageEvent) =>
      rfb.received.push(new TextDecoder().decode(e.data));
    rfbs.push(rfb);
    return rfb;
  }),
}));

/** A browser WebSocket the test drives: it opens, receives and closes on command. */
class FakeSocket extends EventTarget {
  static OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: string[] = [];
  closedWith?: [number | undefined, string | undefined];
  constructor(readonly url: string, readonly protocols: string[]) {
    super();
    FakeSocket.instances.push(this);
  }
  send(data: Uint8Array) {
    this.sent.push(new TextDecoder().decode(data));
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  serverOpens() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  onmessage?: (e: MessageEvent) => void;
  serverSends(text: string) {
    const event = new MessageEvent('message', {
      data: new TextEncoder().encode(text).buffer,
    });
    this.dispatchEvent(event);
    this.onmessage?.(event);
  }
  serverCloses(code: number, reason: string) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

const identity = { getCredentials: async () => ({ token: 'user-token' }) };

function renderTab(d = detail()) {
  const fake = fakeKubevirtApi(d);
  const view = renderInTestApp(
    <TestApiProvider
      apis={[
        [kubevirtApiRef, fake.api],
        [identityApiRef, identity as any],
      ]}
    >
      <ConsoleTab detail={d} />
    </TestApiProvider>,
  );
  return { fake, view };
}

const lastSocket = () => FakeSocket.instances[FakeSocket.instances.length - 1];

describe('ConsoleTab', () => {
  const realWebSocket = global.WebSocket;
  beforeEach(() => {
    (global as any).WebSocket = FakeSocket;
    FakeSocket.instances = [];
    terminals.length = 0;
    rfbs.length = 0;
  });
  afterEach(() => {
    (global as any).WebSocket = realWebSocket;
  });

  it('opens the serial console through the broker, shows what the VM writes and sends keys as binary', async () => {
    const { fake, view } = renderTab();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Connect Serial console' }),
    );
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    expect(fake.api.consoleConnection).toHaveBeenCalledWith(
      expect.objectContaining({
        cluster: 'east',
        namespace: 'payments',
        name: 'db-0',
      }),
      'console',
      'user-token',
    );
    const socket = lastSocket();
    expect(socket.url).toBe(
      'ws://localhost:7007/api/kubevirt/vms/east/payments/db-0/console',
    );
    expect(socket.protocols).toEqual([
      'plain.kubevirt.io',
      'base64url.bearer.authorization.backstage.io.user-token',
    ]);
    expect(socket.binaryType).toBe('arraybuffer');
    act(() => socket.serverOpens());
    expect(
      await screen.findByText('Connected to the serial console of db-0'),
    ).toBeInTheDocument();
    // a carriage return asks the getty for its prompt
    expect(socket.sent).toEqual(['\r']);
    act(() => socket.serverSends('db-0 login: '));
    expect(terminals[0].written.join('')).toBe('db-0 login: ');
    act(() => terminals[0].type('root\r'));
    expect(socket.sent).toEqual(['\r', 'root\r']);
    // leaving the page closes the session
    view.unmount();
    expect(socket.closedWith).toEqual([1000, 'left the console']);
  });

  it('says why the session ended when the VM stops, and reconnects on request', async () => {
    renderTab();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Connect Serial console' }),
    );
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    act(() => lastSocket().serverOpens());
    await screen.findByText('Connected to the serial console of db-0');
    act(() => lastSocket().serverCloses(1000, 'VMI stopped'));
    expect(
      await screen.findByText('Disconnected: VMI stopped'),
    ).toBeInTheDocument();
    expect(terminals[0].disposed).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(2));
  });

  it('shows the broker refusal carried by the close code', async () => {
    renderTab();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Connect Serial console' }),
    );
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    act(() =>
      lastSocket().serverCloses(
        4400,
        'Serial console of virtual machine payments/db-0 on cluster east: VMI is not running',
      ),
    );
    expect(
      await screen.findByText(
        'Serial console of virtual machine payments/db-0 on cluster east: VMI is not running',
      ),
    ).toBeInTheDocument();
  });

  it('closes the websocket when the user disconnects', async () => {
    renderTab();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Connect Serial console' }),
    );
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    act(() => lastSocket().serverOpens());
    fireEvent.click(await screen.findByRole('button', { name: 'Disconnect' }));
    expect(lastSocket().closedWith).toEqual([1000, 'left the console']);
    expect(
      await screen.findByRole('button', { name: 'Connect Serial console' }),
    ).toBeEnabled();
  });

  it('opens VNC with noVNC on the same kind of websocket', async () => {
    renderTab();
    fireEvent.click(await screen.findByRole('button', { name: 'VNC' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connect VNC' }));
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(1));
    expect(lastSocket().url).toMatch(/\/vms\/east\/payments\/db-0\/vnc$/);
    act(() => {
      lastSocket().serverOpens();
      // the RFB server speaks first, while noVNC is still loading
      lastSocket().serverSends('RFB 003.008\n');
    });
    await waitFor(() => expect(rfbs).toHaveLength(1));
    expect(rfbs[0].channel).toBe(lastSocket());
    expect(rfbs[0].received).toEqual(['RFB 003.008\n']);
    expect(rfbs[0].target).toBe(screen.getByTestId('vnc-console'));
    const ctrlAltDel = screen.getByRole('button', {
      name: 'Send Ctrl+Alt+Del',
    });
    expect(ctrlAltDel).toBeDisabled();
    act(() => rfbs[0].listeners.connect());
    expect(ctrlAltDel).toBeEnabled();
  });

  it('is disabled with the role it needs when the user may not use consoles', async () => {
    renderTab(
      detail({ allowedOperations: allOperations.filter(o => o !== 'console') }),
    );
    const button = await screen.findByRole('button', {
      name: 'Connect Serial console',
    });
    expect(button).toBeDisabled();
    const role = weakestRoleFor(vmConsolePermission)!;
    expect(
      screen.getByText(
        `Your VM role does not allow console on this VM; it needs ${role}`,
      ),
    ).toBeInTheDocument();
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it('asks to start a stopped VM first', async () => {
    renderTab(detail({ status: 'Stopped' }, { vmi: undefined }));
    expect(
      await screen.findByText('db-0 is Stopped; start it to use its console.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Connect Serial console' }),
    ).toBeDisabled();
  });
});
