import { FakeSignalsServer } from '../../testing/fakeSignalsServer';
import { LiveSignalClient, LiveSignalEvent } from './LiveSignalClient';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until(what: () => boolean, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

function setup(options: { refuse?: number; idleCloseMs?: number } = {}) {
  const server = new FakeSignalsServer();
  server.refuse = options.refuse ?? 0;
  const client = new LiveSignalClient({
    baseUrl: async () => 'http://backstage.example/api/signals',
    token: async () => 'the-token',
    retryMs: 20,
    maxRetryMs: 80,
    idleCloseMs: options.idleCloseMs ?? 50,
    createSocket: (url, protocols) =>
      new server.WebSocket(url, protocols) as unknown as WebSocket,
    random: () => 0.5,
  });
  const heard = (channel: string) => {
    const events: LiveSignalEvent[] = [];
    const stop = client.subscribe(channel, e => events.push(e));
    return { events, stop };
  };
  return { server, client, heard };
}

describe('LiveSignalClient', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('connects to signals-backend with the token as subprotocol', async () => {
    const { server, client, heard } = setup();
    close = () => client.close();
    heard('kubevirt:vm:east/payments/db-0');
    await until(() => server.openSockets.length === 1);
    expect(server.sockets[0].url).toBe('ws://backstage.example/api/signals');
    expect(server.sockets[0].protocols).toEqual(['the-token']);
    expect(server.sockets[0].frames).toEqual([
      { action: 'subscribe', channel: 'kubevirt:vm:east/payments/db-0' },
    ]);
  });

  it('after a refused handshake retries at once, and tells the subscriber when its channel is live: what changed before is read again', async () => {
    const { server, client, heard } = setup({ refuse: 1 });
    close = () => client.close();
    const vm = heard('kubevirt:vm:east/payments/db-0');
    // the change happens while no socket listens: nobody hears the signal
    server.publish('kubevirt:vm:east/payments/db-0', { status: 'Stopping' });
    await until(() => vm.events.length > 0);
    expect(server.sockets).toHaveLength(2);
    expect(vm.events).toEqual([{ type: 'resync' }]);
    server.publish('kubevirt:vm:east/payments/db-0', { status: 'Stopped' });
    expect(vm.events).toEqual([
      { type: 'resync' },
      { type: 'signal', message: { status: 'Stopped' } },
    ]);
  });

  it('after a lost connection subscribes every channel on the new socket and tells every subscriber', async () => {
    const { server, client, heard } = setup();
    close = () => client.close();
    const a = heard('kubevirt:vm:east/payments/db-0');
    const b = heard('kubevirt:entity:payments-api');
    await until(() => server.openSockets.length === 1);
    await until(() => a.events.length === 1 && b.events.length === 1);
    server.dropAll();
    await until(() => server.openSockets.length === 1);
    await until(() => a.events.length === 2 && b.events.length === 2);
    expect(server.openSockets[0].channels).toEqual(
      new Set([
        'kubevirt:vm:east/payments/db-0',
        'kubevirt:entity:payments-api',
      ]),
    );
    expect(a.events[1]).toEqual({ type: 'resync' });
    expect(b.events[1]).toEqual({ type: 'resync' });
  });

  it('keeps a good socket: no reconnect after the first refused handshake (the plugin-signals client cycles every 5 s)', async () => {
    const { server, client, heard } = setup({ refuse: 1 });
    close = () => client.close();
    const vm = heard('kubevirt:vm:east/payments/db-0');
    await until(() => server.openSockets.length === 1);
    // many times the longest retry delay
    await sleep(400);
    expect(server.sockets).toHaveLength(2);
    expect(server.openSockets).toHaveLength(1);
    expect(vm.events).toEqual([{ type: 'resync' }]);
  });

  it('subscribes a new channel on the open socket at once and tells its subscriber; a second subscriber of a live channel sends nothing', async () => {
    const { server, client, heard } = setup();
    close = () => client.close();
    heard('kubevirt:clusters');
    await until(() => server.openSockets.length === 1);
    const row = heard('kubevirt:vm:east/payments/db-0');
    expect(
      server.sockets[0].channels.has('kubevirt:vm:east/payments/db-0'),
    ).toBe(true);
    await until(() => row.events.length === 1);
    expect(row.events).toEqual([{ type: 'resync' }]);
    const again = heard('kubevirt:vm:east/payments/db-0');
    await sleep(20);
    expect(again.events).toEqual([]);
    expect(
      server.sockets[0].frames.filter(
        (f: any) => f.channel === 'kubevirt:vm:east/payments/db-0',
      ),
    ).toHaveLength(1);
    // the channel stays while one subscriber is left
    row.stop();
    expect(
      server.sockets[0].channels.has('kubevirt:vm:east/payments/db-0'),
    ).toBe(true);
    again.stop();
    expect(
      server.sockets[0].channels.has('kubevirt:vm:east/payments/db-0'),
    ).toBe(false);
  });

  it('closes its socket normally once nobody has listened for a while, and does not reconnect', async () => {
    const { server, client, heard } = setup({ idleCloseMs: 30 });
    close = () => client.close();
    const first = heard('kubevirt:clusters');
    await until(() => server.openSockets.length === 1);
    // moving to another page: a subscriber leaves, the next comes before the socket idles out
    first.stop();
    const next = heard('kubevirt:clusters');
    await sleep(60);
    expect(server.openSockets).toHaveLength(1);
    next.stop();
    await until(() => server.openSockets.length === 0);
    await sleep(150);
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0].closedWith).toBe(1000);
  });

  it('tells every subscriber to read again every resyncEveryMs while open', async () => {
    const server = new FakeSignalsServer();
    const client = new LiveSignalClient({
      baseUrl: async () => 'http://backstage.example/api/signals',
      token: async () => 'the-token',
      resyncEveryMs: 40,
      createSocket: (url, protocols) =>
        new server.WebSocket(url, protocols) as unknown as WebSocket,
    });
    close = () => client.close();
    const events: LiveSignalEvent[] = [];
    client.subscribe('kubevirt:clusters', e => events.push(e));
    await until(() => events.length >= 3);
    expect(events.every(e => e.type === 'resync')).toBe(true);
    expect(server.sockets).toHaveLength(1);
    client.close();
    const after = events.length;
    await sleep(120);
    expect(events).toHaveLength(after);
  });

  it('backs off while the backend refuses, and connects once it answers', async () => {
    const { server, client, heard } = setup({ refuse: 4 });
    close = () => client.close();
    const started = Date.now();
    const vm = heard('kubevirt:vm:east/payments/db-0');
    await until(() => vm.events.length === 1, 3_000);
    expect(server.sockets).toHaveLength(5);
    // 20 + 40 + 80 + 80 ms of waiting at least
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
