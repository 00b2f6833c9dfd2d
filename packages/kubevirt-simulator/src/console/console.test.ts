import https from 'node:https';
import { WebSocket } from 'ws';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(30_000);

const sub = '/apis/subresources.kubevirt.io/v1/namespaces';

interface Terminal {
  ws: WebSocket;
  text(): string;
  /** Resolves once the output (from `from` on) contains the text. */
  waitFor(text: string, from?: number): Promise<string>;
  type(text: string): void;
  closed: Promise<{ code: number; reason: string }>;
}

function openTerminal(
  sim: Simulator,
  path: string,
  options: { token?: string; protocols?: string[] } = {},
): Promise<Terminal> {
  const ws = new WebSocket(
    `${sim.url.replace('https', 'wss')}${path}`,
    options.protocols ?? ['plain.kubevirt.io'],
    {
      ca: sim.caCert,
      headers:
        options.token ?? sim.tokens.admin
          ? { Authorization: `Bearer ${options.token ?? sim.tokens.admin}` }
          : {},
    },
  );
  let output = '';
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    expect(isBinary).toBe(true);
    output += data.toString('utf8');
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>(resolve =>
    ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', d => {
        body += d;
      });
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body: JSON.parse(body),
          }),
        ),
      );
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        text: () => output,
        type: text => ws.send(Buffer.from(text, 'utf8')),
        waitFor: (text, from = 0) =>
          new Promise((done, fail) => {
            const timer = setTimeout(
              () =>
                fail(
                  new Error(
                    `timed out waiting for ${JSON.stringify(
                      text,
                    )}; got ${JSON.stringify(output)}`,
                  ),
                ),
              5000,
            );
            const check = () => {
              if (output.indexOf(text, from) >= 0) {
                clearTimeout(timer);
                waiters.splice(waiters.indexOf(check), 1);
                done(output.slice(from));
              }
            };
            waiters.push(check);
            check();
          }),
      }),
    );
  });
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('the connection opened');
    },
    (e: { status: number; body: any }) => e,
  );

function put(sim: Simulator, path: string) {
  return new Promise<number>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method: 'PUT',
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.admin}`,
          'Content-Type': 'application/json',
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

function get(sim: Simulator, path: string) {
  return new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        ca: sim.caCert,
        headers: { Authorization: `Bearer ${sim.tokens.admin}` },
      },
      res => {
        let text = '';
        res.on('data', d => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, json: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function login(t: Terminal, user = 'fedora') {
  await t.waitFor(' login: ');
  t.type(`${user}\r`);
  await t.waitFor('Password: ');
  const from = t.text().length;
  t.type('secret\r');
  await t.waitFor('$ ', from);
}

describe('VMI serial console', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterEach(() => sim.stop());

  it('logs in and runs commands over plain.kubevirt.io, echoing like a tty', async () => {
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    expect(t.ws.protocol).toBe('plain.kubevirt.io');
    expect(await t.waitFor('payments-db-0 login: ')).toContain(
      'Fedora Linux 41 (Cloud Edition)\r\nKernel 6.11.4-301.fc41.x86_64 on an x86_64 (ttyS0)',
    );
    t.type('fedora\r');
    await t.waitFor('fedora\r\nPassword: ');
    t.type('secret\r');
    await t.waitFor('[fedora@payments-db-0 ~]$ ');
    expect(t.text()).not.toContain('secret');

    let from = t.text().length;
    t.type('hostname\r');
    expect(await t.waitFor('$ ', from)).toBe(
      'hostname\r\npayments-db-0\r\n[fedora@payments-db-0 ~]$ ',
    );

    // virt-handler drops text frames: only the binary one reaches the guest
    from = t.text().length;
    t.ws.send('whoami\r');
    t.type('whoamx\x7fi\r');
    expect(await t.waitFor('$ ', from)).toBe(
      'whoamx\b \bi\r\nfedora\r\n[fedora@payments-db-0 ~]$ ',
    );

    const vmi = (
      await get(
        sim,
        '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0',
      )
    ).json;
    from = t.text().length;
    t.type('ip a\r');
    expect(await t.waitFor('$ ', from)).toContain(
      `inet ${vmi.status.interfaces[0].ipAddress}/24`,
    );

    // seeded VMs have been up as long as their metrics say: over an hour
    from = t.text().length;
    t.type('uptime\r');
    expect(await t.waitFor('$ ', from)).toMatch(
      / up \d+:\d\d, {2}1 user, {2}load average: /,
    );

    from = t.text().length;
    t.type('cat /etc/os-release | grep -i pretty\r');
    expect(await t.waitFor('$ ', from)).toBe(
      'cat /etc/os-release | grep -i pretty\r\nPRETTY_NAME="Fedora Linux 41 (Cloud Edition)"\r\n[fedora@payments-db-0 ~]$ ',
    );

    from = t.text().length;
    t.type('exit\r');
    expect(await t.waitFor('payments-db-0 login: ', from)).toContain('logout');
    t.ws.close(1000);
    expect((await t.closed).code).toBe(1000);
  });

  it("answers with the guest's OS, and keeps the login across reconnects while the newer connection takes over", async () => {
    const first = await openTerminal(
      sim,
      `${sub}/orders/virtualmachineinstances/orders-worker-1/console`,
    );
    await login(first, 'ubuntu');
    const from = first.text().length;
    first.type('cat /etc/os-release\r');
    const release = await first.waitFor('ubuntu@orders-worker-1:~$ ', from);
    expect(release).toContain('PRETTY_NAME="Ubuntu 24.04.1 LTS"');
    expect(release).toContain('ID=ubuntu');

    const second = await openTerminal(
      sim,
      `${sub}/orders/virtualmachineinstances/orders-worker-1/console`,
    );
    expect(await first.closed).toEqual({
      code: 1000,
      reason: 'replaced by a newer connection',
    });
    await second.waitFor('ubuntu@orders-worker-1:~$ ');
    expect(second.text()).not.toContain('login:');
    second.ws.close();
  });

  it('is refused to a viewer and to anonymous (403), to a lone token subprotocol (401), and accepts the token as a subprotocol', async () => {
    const denied = await refusal(
      openTerminal(
        sim,
        `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
        { token: sim.tokens.viewer },
      ),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'virtualmachineinstances.subresources.kubevirt.io "payments-db-0" is forbidden: User "vm-viewer" cannot get resource "virtualmachineinstances/console" in API group "subresources.kubevirt.io" in the namespace "payments"',
    );
    expect(
      (
        await refusal(
          openTerminal(
            sim,
            `${sub}/payments/virtualmachineinstances/payments-db-0/vnc`,
            { token: sim.tokens.viewer },
          ),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await refusal(
          openTerminal(
            sim,
            `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
            { token: '' },
          ),
        )
      ).status,
    ).toBe(403);

    const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from(
      sim.tokens.broker,
    ).toString('base64url')}`;
    const viaProtocol = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
      { token: '', protocols: [bearer, 'plain.kubevirt.io'] },
    );
    expect(viaProtocol.ws.protocol).toBe('plain.kubevirt.io');
    await viaProtocol.waitFor('login: ');
    viaProtocol.ws.close();
    // the token subprotocol alone is refused: there would be nothing to echo back
    expect(
      (
        await refusal(
          openTerminal(
            sim,
            `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
            { token: '', protocols: [bearer] },
          ),
        )
      ).status,
    ).toBe(401);
  });

  it("gives virt-api's errors when there is no running VMI", async () => {
    const missing = await refusal(
      openTerminal(
        sim,
        `${sub}/payments/virtualmachineinstances/payments-batch/console`,
      ),
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'virtualmachineinstance.kubevirt.io "payments-batch" not found',
      details: { kind: 'virtualmachineinstance', group: 'kubevirt.io' },
    });

    // orders-legacy stays unschedulable: its VMI exists but never runs
    for (const kind of ['console', 'vnc']) {
      const notRunning = await refusal(
        openTerminal(
          sim,
          `${sub}/orders/virtualmachineinstances/orders-legacy/${kind}`,
        ),
      );
      expect(notRunning.status).toBe(400);
      expect(notRunning.body).toMatchObject({
        reason: 'BadRequest',
        message: 'VMI is not running',
      });
    }

    // a GET that does not upgrade passes the same checks, then the upgrader refuses it
    expect(
      (
        await get(
          sim,
          `${sub}/orders/virtualmachineinstances/orders-legacy/console`,
        )
      ).json.message,
    ).toBe('VMI is not running');
    const plain = await get(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    expect(plain.status).toBe(400);
    expect(plain.json.message).toContain('not using the websocket protocol');
  });

  it('holds input while the VMI is paused and runs it on unpause', async () => {
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await login(t);
    expect(
      await put(
        sim,
        `${sub}/payments/virtualmachineinstances/payments-db-0/pause`,
      ),
    ).toBe(200);
    const from = t.text().length;
    t.type('hostname\r');
    await new Promise(r => setTimeout(r, 300));
    expect(t.text().length).toBe(from);
    expect(
      await put(
        sim,
        `${sub}/payments/virtualmachineinstances/payments-db-0/unpause`,
      ),
    ).toBe(200);
    expect(await t.waitFor('$ ', from)).toBe(
      'hostname\r\npayments-db-0\r\n[fedora@payments-db-0 ~]$ ',
    );
    t.ws.close(1000);
  });

  // virt-api SoftRebootVMIRequestHandler: 409 on a paused VMI; virt-handler reboots the guest, the VMI stays
  it('soft reboot restarts the guest inside the same VMI: the console shows the reboot and a fresh login, uptime starts over; refused while paused', async () => {
    const vmiPath =
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachineinstances/payments-db-0';
    const softReboot = `${sub}/payments/virtualmachineinstances/payments-db-0/softreboot`;
    const before = (await get(sim, vmiPath)).json;
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await login(t);

    let from = t.text().length;
    expect(await put(sim, softReboot)).toBe(200);
    expect(await t.waitFor('payments-db-0 login: ', from)).toContain(
      'reboot: Restarting system\r\n\r\nFedora Linux 41 (Cloud Edition)',
    );
    // the connection survives: the guest rebooted, not the instance
    await login(t);
    from = t.text().length;
    t.type('uptime\r');
    expect(await t.waitFor('$ ', from)).toMatch(/ up 0 min, {2}1 user/);
    const after = (await get(sim, vmiPath)).json;
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.status.phase).toBe('Running');

    expect(
      await put(
        sim,
        `${sub}/payments/virtualmachineinstances/payments-db-0/pause`,
      ),
    ).toBe(200);
    expect(await put(sim, softReboot)).toBe(409);
    t.ws.close(1000);
  });

  it('closes when a live migration moves the VMI to another node, and the guest keeps its session', async () => {
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await login(t);
    expect(
      await put(sim, `${sub}/payments/virtualmachines/payments-db-0/migrate`),
    ).toBe(202);
    expect((await t.closed).reason).toMatch(/^VMI migrated to node-/);
    await sim.settled();
    const again = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await again.waitFor('[fedora@payments-db-0 ~]$ ');
    again.ws.close(1000);
  });

  it('drops the connection when the cluster goes down (fault)', async () => {
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await t.waitFor('login: ');
    sim.faults.set({ down: true });
    expect((await t.closed).code).toBe(1006);
    sim.faults.clear();
  });

  it('closes with a close frame when the VM is stopped', async () => {
    const t = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await login(t);
    expect(
      await put(sim, `${sub}/payments/virtualmachines/payments-db-0/stop`),
    ).toBe(202);
    expect(await t.closed).toEqual({ code: 1000, reason: 'VMI stopped' });
    await sim.settled();
    expect(
      (
        await refusal(
          openTerminal(
            sim,
            `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
          ),
        )
      ).status,
    ).toBe(404);

    // a new boot is a new guest: back at the login prompt
    expect(
      await put(sim, `${sub}/payments/virtualmachines/payments-db-0/start`),
    ).toBe(202);
    await sim.settled();
    const again = await openTerminal(
      sim,
      `${sub}/payments/virtualmachineinstances/payments-db-0/console`,
    );
    await again.waitFor('payments-db-0 login: ');
    again.ws.close();
  });
});
