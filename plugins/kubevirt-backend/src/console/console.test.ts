import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import type { Server } from 'node:http';
import request from 'supertest';
import { WebSocket } from 'ws';
import { brokerHarness, eventually } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const SUB = '/apis/subresources.kubevirt.io/v1/namespaces';

/** A user's browser: the Backstage token travels as a subprotocol, as the UI sends it. */
function open(server: Server, path: string, user = 'user:default/jane') {
  const { port } = server.address() as { port: number };
  const token = Buffer.from(mockCredentials.user.token(user), 'utf8').toString(
    'base64url',
  );
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/kubevirt${path}`, [
    VM_CONSOLE_PROTOCOL,
    `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${token}`,
  ]);
  let received = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer) => {
    received = Buffer.concat([received, data]);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>(resolve =>
    ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const waitFor = (predicate: (bytes: Buffer) => boolean, what: string) =>
    new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; got ${JSON.stringify(
                received.toString('latin1'),
              )}`,
            ),
          ),
        8000,
      );
      const check = () => {
        if (predicate(received)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received);
        }
      };
      waiters.add(check);
      check();
    });
  return {
    ws,
    opened,
    closed,
    text: () => received.toString('utf8'),
    bytes: () => received,
    waitForText: (text: string, from = 0) =>
      waitFor(
        b => b.toString('utf8').indexOf(text, from) >= 0,
        JSON.stringify(text),
      ).then(b => b.toString('utf8').slice(from)),
    waitForBytes: (n: number) => waitFor(b => b.length >= n, `${n} bytes`),
    consume: (n: number) => {
      const head = received.subarray(0, n);
      received = received.subarray(n);
      return head;
    },
    type: (text: string) => ws.send(Buffer.from(text, 'utf8')),
  };
}

describe('console websocket proxy', () => {
  let sim: Simulator;
  const { start, auditEvents } = brokerHarness();
  // jane may use consoles; viewer may only read
  // the same answer with or without a resource: the broker may ask either way
  const decide = async (requests: any[], options: any) => {
    const user = (options.credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return requests.map(r => ({
      result:
        user === 'user:default/viewer' &&
        r.permission.name === 'kubevirt.vm.console'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  };
  const permissions = mockServices.permissions.mock({
    authorize: decide as any,
    authorizeConditional: decide as any,
  });

  let server: Server;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
    server = (await start({ east: sim }, permissions.factory)).server;
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('refuses a user without the console permission before anything reaches the cluster', async () => {
    // an admin's direct session: a second connection to the same console would replace it
    const direct = new WebSocket(
      `${sim.url.replace(
        'https',
        'wss',
      )}${SUB}/payments/virtualmachineinstances/payments-db-1/console`,
      [VM_CONSOLE_PROTOCOL],
      {
        ca: sim.caCert,
        headers: { Authorization: `Bearer ${sim.tokens.admin}` },
      },
    );
    await new Promise(resolve => direct.once('open', resolve));
    let directClosed = false;
    direct.on('close', () => {
      directClosed = true;
    });

    const denied = open(
      server,
      '/vms/east/payments/payments-db-1/console',
      'user:default/viewer',
    );
    expect(await denied.closed).toEqual({
      code: 4403,
      reason:
        'You may not console virtual machine payments/payments-db-1 on cluster east',
    });
    await new Promise(r => setTimeout(r, 200));
    expect(directClosed).toBe(false);
    expect(
      auditEvents.find(
        e => e.eventId === 'vm-console-open' && e.outcome === 'fail',
      ),
    ).toMatchObject({
      meta: {
        actor: 'user:default/viewer',
        name: 'payments-db-1',
        console: 'console',
      },
    });
    direct.close();
  });

  it('refuses names that are not Kubernetes names (400) before any permission check or cluster connection', async () => {
    // (an encoded dot segment cannot be sent: the client's URL parser folds %2E%2E before the request leaves)
    const hostile = [
      'payments-db-1%2Fconsole%3Fx%3D',
      'x%23y',
      'x%00y',
      'p%D0%B0yments-db-0',
      '..%2F..%2Fapi',
      'a'.repeat(254),
      '%E0%A4%A',
    ];
    sim.clearReceived();
    const before = auditEvents.length;
    for (const name of hostile) {
      for (const path of [
        `/vms/east/payments/${name}/console`,
        `/vms/east/${name}/payments-db-0/vnc`,
        `/vms/${name}/payments/payments-db-0/console`,
      ]) {
        const session = open(server, path);
        const { code, reason } = await Promise.race([
          session.closed,
          new Promise<{ code: number; reason: string }>(r =>
            setTimeout(() => r({ code: 0, reason: 'no answer' }), 5000),
          ),
        ]);
        expect({
          path,
          code,
          invalid: /^Invalid request/.test(reason),
        }).toEqual({ path, code: 4400, invalid: true });
      }
    }
    // beyond the broker's watches and its own rights probe (self reviews, on its own schedule)
    expect(
      sim
        .received()
        .filter(
          r =>
            !/[?&]watch=true/.test(r.url) &&
            !/^\/apis\/authorization\.k8s\.io\/v1\/selfsubject/.test(r.url),
        ),
    ).toEqual([]);
    // nothing was authorized, so nothing was opened or refused for a role
    expect(
      auditEvents
        .slice(before)
        .filter(
          e =>
            e.eventId.startsWith('vm-console') ||
            e.eventId.startsWith('vm-vnc'),
        ),
    ).toEqual([]);
  });

  it('refuses a connection without a Backstage token with 401', async () => {
    const { port } = server.address() as { port: number };
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/api/kubevirt/vms/east/payments/payments-db-0/console`,
      [VM_CONSOLE_PROTOCOL],
    );
    const status = await new Promise<number>(resolve =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
    );
    expect(status).toBe(401);
  });

  it('logs in and runs a command through the proxy, audited when opened and closed', async () => {
    const term = open(server, '/vms/east/payments/payments-db-0/console');
    await term.opened;
    expect(term.ws.protocol).toBe(VM_CONSOLE_PROTOCOL);
    term.type('\r');
    await term.waitForText('payments-db-0 login:');
    term.type('jane\r');
    await term.waitForText('Password:');
    term.type('secret\r');
    await term.waitForText('$ ');
    const from = term.text().length;
    term.type('hostname\r');
    expect(await term.waitForText('$ ', from)).toContain('payments-db-0');
    expect(
      auditEvents.find(
        e => e.eventId === 'vm-console-open' && e.outcome === 'success',
      ),
    ).toMatchObject({
      meta: {
        actor: 'user:default/jane',
        cluster: 'east',
        namespace: 'payments',
        name: 'payments-db-0',
      },
    });
    term.ws.close();
    const closeEvent = await eventually(
      async () => auditEvents.find(e => e.eventId === 'vm-console-close'),
      e => !!e,
    );
    expect(closeEvent).toMatchObject({
      outcome: 'success',
      meta: { closedBy: 'browser', name: 'payments-db-0' },
    });
    expect(
      (closeEvent!.meta.toVm as number) > 0 &&
        (closeEvent!.meta.fromVm as number) > 0,
    ).toBe(true);
  });

  it('closes the browser side when the VM stops', async () => {
    const term = open(server, '/vms/east/orders/orders-worker-1/console');
    await term.opened;
    await request(server)
      .post('/api/kubevirt/vms/east/orders/orders-worker-1/stop')
      .send({})
      .expect(202);
    const closed = await term.closed;
    expect(closed.code).toBe(1000);
    expect(closed.reason).toBe('VMI stopped');
    const closeEvent = await eventually(
      async () =>
        auditEvents.find(
          e =>
            e.eventId === 'vm-console-close' &&
            e.meta.name === 'orders-worker-1',
        ),
      e => !!e,
    );
    expect(closeEvent?.meta.closedBy).toBe('cluster');
  });

  it('passes on the cluster refusal for a VM that is not running', async () => {
    const term = open(server, '/vms/east/payments/payments-batch/vnc');
    const closed = await term.closed;
    expect(closed.code).toBe(4404);
    expect(closed.reason).toContain('payments/payments-batch');
  });

  it('drops a browser that stops answering keep-alive pings, and its cluster session with it', async () => {
    const quick = await start({ east: sim }, permissions.factory, {
      kubevirt: { console: { keepAliveSeconds: 0.2 } },
    });
    const { port } = quick.server.address() as { port: number };
    const token = Buffer.from(
      mockCredentials.user.token('user:default/jane'),
      'utf8',
    ).toString('base64url');
    // a client that never answers pings, like a laptop that went to sleep
    const silent = new WebSocket(
      `ws://127.0.0.1:${port}/api/kubevirt/vms/east/platform/bastion/console`,
      [VM_CONSOLE_PROTOCOL, `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${token}`],
      { autoPong: false } as any,
    );
    await new Promise(resolve => silent.once('open', resolve));
    const closed = await new Promise<number>(resolve =>
      silent.once('close', code => resolve(code)),
    );
    expect(closed).toBe(1006);
    const closeEvent = await eventually(
      async () =>
        auditEvents.find(
          e => e.eventId === 'vm-console-close' && e.meta.name === 'bastion',
        ),
      e => !!e,
    );
    expect(closeEvent?.meta.closedBy).toBe('broker');
  });

  it('completes the RFB handshake through the proxy and gets the screen and a key round-trip', async () => {
    const vnc = open(server, '/vms/east/data/search-indexer-0/vnc');
    await vnc.opened;
    expect(
      (await vnc.waitForBytes(12)).subarray(0, 12).toString('latin1'),
    ).toBe('RFB 003.008\n');
    vnc.consume(12);
    vnc.ws.send(Buffer.from('RFB 003.008\n', 'latin1'));
    // security types: [count=1, None=1]
    expect([...(await vnc.waitForBytes(2)).subarray(0, 2)]).toEqual([1, 1]);
    vnc.consume(2);
    vnc.ws.send(Buffer.from([1]));
    expect((await vnc.waitForBytes(4)).readUInt32BE(0)).toBe(0);
    vnc.consume(4);
    vnc.ws.send(Buffer.from([1])); // ClientInit, shared
    const init = await vnc.waitForBytes(24);
    const nameLength = init.readUInt32BE(20);
    const serverInit = await vnc.waitForBytes(24 + nameLength);
    expect([serverInit.readUInt16BE(0), serverInit.readUInt16BE(2)]).toEqual([
      800, 600,
    ]);
    expect(serverInit.subarray(24, 24 + nameLength).toString('utf8')).toBe(
      'search-indexer-0',
    );
    vnc.consume(24 + nameLength);

    // full update request: a Raw rectangle of the whole screen at 4 bytes per pixel
    const update = Buffer.alloc(10);
    update.writeUInt8(3, 0);
    update.writeUInt8(0, 1);
    update.writeUInt16BE(800, 6);
    update.writeUInt16BE(600, 8);
    vnc.ws.send(update);
    const full = await vnc.waitForBytes(4 + 12 + 800 * 600 * 4);
    expect(full.readUInt8(0)).toBe(0); // FramebufferUpdate
    expect([full.readUInt16BE(8), full.readUInt16BE(10)]).toEqual([800, 600]);
    vnc.consume(4 + 12 + 800 * 600 * 4);

    // a key (X11 keysym 'a', down then up) changes the guest's screen: an incremental update follows
    const key = (down: number) => Buffer.from([4, down, 0, 0, 0, 0, 0, 0x61]);
    vnc.ws.send(key(1));
    vnc.ws.send(key(0));
    update.writeUInt8(1, 1);
    vnc.ws.send(update);
    const changed = await vnc.waitForBytes(16);
    expect(changed.readUInt8(0)).toBe(0);
    expect(changed.readUInt16BE(2)).toBeGreaterThanOrEqual(1);
    vnc.ws.close();
    await vnc.closed;
  });
});
