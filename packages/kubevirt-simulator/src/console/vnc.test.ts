import https from 'node:https';
import { WebSocket } from 'ws';
import { Simulator, startSimulator } from '../index';

jest.setTimeout(30_000);

const vncPath = (ns: string, name: string, query = '') =>
  `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${name}/vnc${query}`;

/** A minimal RFB client: reads exact byte counts from the binary stream. */
class RfbClient {
  private buffer = Buffer.alloc(0);
  private wake?: () => void;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.wake?.();
    });
    this.closed = new Promise(resolve =>
      ws.on('close', (code, reason) =>
        resolve({ code, reason: reason.toString() }),
      ),
    );
  }

  static open(sim: Simulator, path: string): Promise<RfbClient> {
    const ws = new WebSocket(
      `${sim.url.replace('https', 'wss')}${path}`,
      ['plain.kubevirt.io'],
      {
        ca: sim.caCert,
        headers: { Authorization: `Bearer ${sim.tokens.admin}` },
      },
    );
    return new Promise((resolve, reject) => {
      ws.on('open', () => resolve(new RfbClient(ws)));
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
    });
  }

  async read(n: number): Promise<Buffer> {
    const deadline = Date.now() + 5000;
    while (this.buffer.length < n) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out reading ${n} bytes (have ${this.buffer.length})`,
        );
      await new Promise<void>(resolve => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  pending() {
    return this.buffer.length;
  }

  send(...bytes: Buffer[]) {
    this.ws.send(Buffer.concat(bytes));
  }

  /** ProtocolVersion, security None, ClientInit; returns ServerInit. */
  async handshake() {
    const version = (await this.read(12)).toString('latin1');
    this.send(Buffer.from('RFB 003.008\n', 'latin1'));
    const securityTypes = [...(await this.read(2))];
    this.send(Buffer.from([1]));
    const securityResult = (await this.read(4)).readUInt32BE(0);
    this.send(Buffer.from([1]));
    const init = await this.read(24);
    const name = await this.read(init.readUInt32BE(20));
    return {
      version,
      securityTypes,
      securityResult,
      width: init.readUInt16BE(0),
      height: init.readUInt16BE(2),
      bitsPerPixel: init[4],
      depth: init[5],
      bigEndian: init[6],
      trueColour: init[7],
      redShift: init[14],
      greenShift: init[15],
      blueShift: init[16],
      name: name.toString('utf8'),
    };
  }

  requestUpdate(incremental: boolean, x = 0, y = 0, w = 800, h = 600) {
    const b = Buffer.alloc(10);
    b[0] = 3;
    b[1] = incremental ? 1 : 0;
    b.writeUInt16BE(x, 2);
    b.writeUInt16BE(y, 4);
    b.writeUInt16BE(w, 6);
    b.writeUInt16BE(h, 8);
    this.send(b);
  }

  key(keysym: number) {
    for (const down of [1, 0]) {
      const b = Buffer.alloc(8);
      b[0] = 4;
      b[1] = down;
      b.writeUInt32BE(keysym, 4);
      this.send(b);
    }
  }

  /** One FramebufferUpdate with Raw rectangles at 4 bytes per pixel. */
  async readUpdate() {
    const head = await this.read(4);
    if (head[0] !== 0)
      throw new Error(
        `expected a FramebufferUpdate, got message type ${head[0]}`,
      );
    const rects = [];
    for (let i = 0; i < head.readUInt16BE(2); i++) {
      const r = await this.read(12);
      const rect = {
        x: r.readUInt16BE(0),
        y: r.readUInt16BE(2),
        w: r.readUInt16BE(4),
        h: r.readUInt16BE(6),
        encoding: r.readInt32BE(8),
      };
      rects.push({ ...rect, pixels: await this.read(rect.w * rect.h * 4) });
    }
    return rects;
  }
}

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

const pixelAt = (
  rect: { x: number; y: number; w: number; pixels: Buffer },
  x: number,
  y: number,
) => {
  const i = ((y - rect.y) * rect.w + (x - rect.x)) * 4;
  return [...rect.pixels.subarray(i, i + 4)];
};

describe('VMI VNC (RFB over the vnc subresource)', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    await sim.settled();
  });
  afterEach(() => sim.stop());

  it("completes the RFB 3.8 handshake with the VM's name, draws the screen, and shows typed keys", async () => {
    const rfb = await RfbClient.open(sim, vncPath('payments', 'payments-db-0'));
    expect(rfb.ws.protocol).toBe('plain.kubevirt.io');
    const init = await rfb.handshake();
    expect(init).toMatchObject({
      version: 'RFB 003.008\n',
      securityTypes: [1, 1],
      securityResult: 0,
      width: 800,
      height: 600,
      bitsPerPixel: 32,
      depth: 24,
      bigEndian: 0,
      trueColour: 1,
      redShift: 16,
      greenShift: 8,
      blueShift: 0,
      name: 'payments-db-0',
    });

    // SetEncodings (Raw, plus pseudo-encodings noVNC asks for) is accepted silently
    const encodings = Buffer.alloc(4 + 3 * 4);
    encodings[0] = 2;
    encodings.writeUInt16BE(3, 2);
    [0, -223, -239].forEach((e, i) => encodings.writeInt32BE(e, 4 + 4 * i));
    rfb.send(encodings);

    rfb.requestUpdate(false);
    const [full] = await rfb.readUpdate();
    expect(full).toMatchObject({ x: 0, y: 0, w: 800, h: 600, encoding: 0 });
    expect(full.pixels.length).toBe(800 * 600 * 4);
    // the Fedora band at the top, little-endian xRGB: blue, green, red, padding
    expect(pixelAt(full, 2, 2)).toEqual([114, 65, 41, 0]);

    // nothing changed yet: an incremental request waits, then a key answers it with the changed cells only
    rfb.requestUpdate(true);
    await new Promise(r => setTimeout(r, 200));
    expect(rfb.pending()).toBe(0);
    rfb.key(0x61); // 'a'
    const [changed] = await rfb.readUpdate();
    expect(changed.encoding).toBe(0);
    expect(changed.w * changed.h).toBeLessThan((800 * 600) / 20);
    expect(changed.y).toBeGreaterThan(64);
    let differs = 0;
    for (let y = changed.y; y < changed.y + changed.h; y++) {
      for (let x = changed.x; x < changed.x + changed.w; x++) {
        if (pixelAt(changed, x, y).join() !== pixelAt(full, x, y).join())
          differs++;
      }
    }
    expect(differs).toBeGreaterThan(10);

    // SetPixelFormat as noVNC sends it (red in the low byte) changes how pixels are encoded
    const pf = Buffer.alloc(20);
    pf[0] = 0;
    Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0]).copy(
      pf,
      4,
    );
    rfb.send(pf);
    rfb.requestUpdate(false, 0, 0, 4, 4);
    const [corner] = await rfb.readUpdate();
    expect(pixelAt(corner, 2, 2)).toEqual([41, 65, 114, 0]);
    rfb.ws.close(1000);
  });

  it('keeps the guest screen across reconnects, refuses a second viewer with preserveSession, and closes when the VM stops', async () => {
    const first = await RfbClient.open(
      sim,
      vncPath('orders', 'orders-worker-1'),
    );
    await first.handshake();
    for (const k of [0x75, 0x62, 0x75, 0x6e, 0x74, 0x75, 0xff0d]) first.key(k); // "ubuntu" + Return
    first.requestUpdate(false);
    const [before] = await first.readUpdate();

    const refused = await RfbClient.open(
      sim,
      vncPath('orders', 'orders-worker-1', '?preserveSession=true'),
    ).then(
      () => undefined,
      (e: { status: number; body: any }) => e,
    );
    expect(refused?.status).toBe(500);
    expect(refused?.body.message).toContain(
      'Active VNC connection. Request denied.',
    );

    const second = await RfbClient.open(
      sim,
      vncPath('orders', 'orders-worker-1'),
    );
    expect(await first.closed).toEqual({
      code: 1000,
      reason: 'replaced by a newer connection',
    });
    await second.handshake();
    second.requestUpdate(false);
    const [after] = await second.readUpdate();
    expect(after.pixels.equals(before.pixels)).toBe(true);

    expect(
      await put(
        sim,
        '/apis/subresources.kubevirt.io/v1/namespaces/orders/virtualmachines/orders-worker-1/stop',
      ),
    ).toBe(202);
    expect(await second.closed).toEqual({ code: 1000, reason: 'VMI stopped' });
  });

  it('serves vnc/screenshot as PNG to admins only', async () => {
    const shot = (token: string) =>
      new Promise<{ status: number; type?: string; body: Buffer }>(
        (resolve, reject) => {
          https
            .get(
              `${sim.url}${vncPath('payments', 'payments-db-0')}/screenshot`,
              { ca: sim.caCert, headers: { Authorization: `Bearer ${token}` } },
              res => {
                const chunks: Buffer[] = [];
                res.on('data', d => chunks.push(d));
                res.on('end', () =>
                  resolve({
                    status: res.statusCode!,
                    type: res.headers['content-type'],
                    body: Buffer.concat(chunks),
                  }),
                );
              },
            )
            .on('error', reject);
        },
      );
    const ok = await shot(sim.tokens.admin);
    expect(ok).toMatchObject({ status: 200, type: 'image/png' });
    expect(ok.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(ok.body.readUInt32BE(16)).toBe(800);
    expect((await shot(sim.tokens.viewer)).status).toBe(403);
  });
});
