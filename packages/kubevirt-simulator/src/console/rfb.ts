import { GuestScreen, Rect, unionRect } from './guestScreen';

/** RFB 6.4.1 PIXEL_FORMAT, as the client may change it with SetPixelFormat. */
export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/** What QEMU offers by default: 32 bpp, depth 24, little-endian, xRGB. */
export const DEFAULT_PIXEL_FORMAT: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};

const ENCODING_RAW = 0;
const SECURITY_NONE = 1;

export function encodePixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(pf.bitsPerPixel, 0);
  b.writeUInt8(pf.depth, 1);
  b.writeUInt8(pf.bigEndian ? 1 : 0, 2);
  b.writeUInt8(pf.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(pf.redMax, 4);
  b.writeUInt16BE(pf.greenMax, 6);
  b.writeUInt16BE(pf.blueMax, 8);
  b.writeUInt8(pf.redShift, 10);
  b.writeUInt8(pf.greenShift, 11);
  b.writeUInt8(pf.blueShift, 12);
  return b;
}

export function decodePixelFormat(b: Buffer, offset = 0): PixelFormat {
  return {
    bitsPerPixel: b.readUInt8(offset),
    depth: b.readUInt8(offset + 1),
    bigEndian: b.readUInt8(offset + 2) !== 0,
    trueColour: b.readUInt8(offset + 3) !== 0,
    redMax: b.readUInt16BE(offset + 4),
    greenMax: b.readUInt16BE(offset + 6),
    blueMax: b.readUInt16BE(offset + 8),
    redShift: b.readUInt8(offset + 10),
    greenShift: b.readUInt8(offset + 11),
    blueShift: b.readUInt8(offset + 12),
  };
}

const intersect = (a: Rect, b: Rect): Rect | undefined => {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.w, b.x + b.w) - x;
  const h = Math.min(a.y + a.h, b.y + b.h) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : undefined;
};

export interface RfbHandlers {
  send(data: Buffer): void;
  key(keysym: number, down: boolean): void;
  /** A protocol error: the connection should end with this reason. */
  fail(reason: string): void;
}

/**
 * The server side of one RFB 3.8 connection (RFC 6143) over a guest screen:
 * handshake with security type None, ServerInit with the desktop name, and
 * Raw-encoded framebuffer updates in the client's pixel format. Incremental
 * update requests wait until the screen changes, as QEMU's server does.
 */
export class RfbServerConnection {
  private buffer = Buffer.alloc(0);
  private stage: 'version' | 'security' | 'init' | 'normal' | 'failed' =
    'version';
  private minor = 8;
  private format: PixelFormat = DEFAULT_PIXEL_FORMAT;
  private encodings: number[] = [ENCODING_RAW];
  private dirty?: Rect;
  private pending?: Rect;
  private readonly detach: () => void;
  /** Last pointer position and buttons, kept for completeness. */
  pointer = { x: 0, y: 0, buttons: 0 };

  constructor(
    private readonly screen: GuestScreen,
    private readonly desktopName: string,
    private readonly handlers: RfbHandlers,
  ) {
    this.detach = screen.onChange(rect => this.changed(rect));
    handlers.send(Buffer.from('RFB 003.008\n', 'latin1'));
  }

  get clientEncodings() {
    return [...this.encodings];
  }

  close() {
    this.detach();
    this.stage = 'failed';
  }

  receive(data: Buffer) {
    this.buffer = this.buffer.length
      ? Buffer.concat([this.buffer, data])
      : data;
    for (;;) {
      const used = this.step();
      if (used === 0 || this.stage === 'failed') break;
      this.buffer = this.buffer.subarray(used);
    }
  }

  /** Handles one message if it is complete; returns the bytes it used (0 = wait for more). */
  private step(): number {
    const b = this.buffer;
    switch (this.stage) {
      case 'version': {
        if (b.length < 12) return 0;
        const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(
          b.subarray(0, 12).toString('latin1'),
        );
        if (!m || Number(m[1]) !== 3) {
          this.fail('unsupported protocol version');
          return 12;
        }
        const minor = Number(m[2]);
        // 3.8 and later speak 3.8; 3.7 has no SecurityResult for None; anything else gets 3.3
        this.minor = [7, 8].includes(Math.min(minor, 8))
          ? Math.min(minor, 8)
          : 3;
        if (this.minor === 3) {
          this.handlers.send(u32(SECURITY_NONE));
          this.stage = 'init';
        } else {
          this.handlers.send(Buffer.from([1, SECURITY_NONE]));
          this.stage = 'security';
        }
        return 12;
      }
      case 'security':
        if (b.length < 1) return 0;
        if (b[0] !== SECURITY_NONE) {
          if (this.minor === 8) {
            const reason = Buffer.from('security type not supported', 'latin1');
            this.handlers.send(
              Buffer.concat([u32(1), u32(reason.length), reason]),
            );
          }
          this.fail('security type not supported');
          return 1;
        }
        if (this.minor === 8) this.handlers.send(u32(0));
        this.stage = 'init';
        return 1;
      case 'init': {
        if (b.length < 1) return 0;
        const name = Buffer.from(this.desktopName, 'utf8');
        const head = Buffer.alloc(4);
        head.writeUInt16BE(this.screen.width, 0);
        head.writeUInt16BE(this.screen.height, 2);
        this.handlers.send(
          Buffer.concat([
            head,
            encodePixelFormat(this.format),
            u32(name.length),
            name,
          ]),
        );
        this.stage = 'normal';
        return 1;
      }
      case 'normal':
        return this.clientMessage(b);
      default:
        return 0;
    }
  }

  private clientMessage(b: Buffer): number {
    if (b.length < 1) return 0;
    switch (b[0]) {
      case 0: // SetPixelFormat
        if (b.length < 20) return 0;
        this.format = decodePixelFormat(b, 4);
        if (
          !this.format.trueColour ||
          ![8, 16, 32].includes(this.format.bitsPerPixel)
        ) {
          this.fail(
            'only true-colour pixel formats of 8, 16 or 32 bits are supported',
          );
        }
        return 20;
      case 2: {
        // SetEncodings
        if (b.length < 4) return 0;
        const count = b.readUInt16BE(2);
        if (b.length < 4 + 4 * count) return 0;
        this.encodings = Array.from({ length: count }, (_, i) =>
          b.readInt32BE(4 + 4 * i),
        );
        return 4 + 4 * count;
      }
      case 3: {
        // FramebufferUpdateRequest
        if (b.length < 10) return 0;
        const incremental = b[1] !== 0;
        const rect = {
          x: b.readUInt16BE(2),
          y: b.readUInt16BE(4),
          w: b.readUInt16BE(6),
          h: b.readUInt16BE(8),
        };
        const clipped = intersect(rect, {
          x: 0,
          y: 0,
          w: this.screen.width,
          h: this.screen.height,
        });
        if (!incremental) {
          this.sendUpdate(clipped ? [clipped] : []);
        } else {
          this.pending = clipped;
          this.flush();
        }
        return 10;
      }
      case 4: // KeyEvent
        if (b.length < 8) return 0;
        this.handlers.key(b.readUInt32BE(4), b[1] !== 0);
        return 8;
      case 5: // PointerEvent
        if (b.length < 6) return 0;
        this.pointer = {
          buttons: b[1],
          x: b.readUInt16BE(2),
          y: b.readUInt16BE(4),
        };
        return 6;
      case 6: {
        // ClientCutText
        if (b.length < 8) return 0;
        const length = b.readUInt32BE(4);
        if (b.length < 8 + length) return 0;
        return 8 + length;
      }
      default:
        this.fail(`unknown client message type ${b[0]}`);
        return b.length;
    }
  }

  private changed(rect: Rect) {
    this.dirty = unionRect(this.dirty, rect);
    this.flush();
  }

  private flush() {
    if (!this.pending || !this.dirty || this.stage !== 'normal') return;
    const rect = intersect(this.pending, this.dirty);
    if (!rect) return;
    this.pending = undefined;
    this.dirty = undefined;
    this.sendUpdate([rect]);
  }

  private sendUpdate(rects: Rect[]) {
    const head = Buffer.alloc(4);
    head.writeUInt8(0, 0);
    head.writeUInt16BE(rects.length, 2);
    const parts = [head];
    for (const r of rects) {
      const rh = Buffer.alloc(12);
      rh.writeUInt16BE(r.x, 0);
      rh.writeUInt16BE(r.y, 2);
      rh.writeUInt16BE(r.w, 4);
      rh.writeUInt16BE(r.h, 6);
      rh.writeInt32BE(ENCODING_RAW, 8);
      parts.push(rh, this.encodeRect(r));
    }
    this.handlers.send(Buffer.concat(parts));
  }

  private encodeRect(r: Rect): Buffer {
    const pf = this.format;
    const bytes = pf.bitsPerPixel / 8;
    const out = Buffer.alloc(r.w * r.h * bytes);
    const { pixels, width } = this.screen;
    const scale = (v: number, max: number) =>
      max === 255 ? v : Math.round((v * max) / 255);
    let o = 0;
    for (let y = r.y; y < r.y + r.h; y++) {
      let i = (y * width + r.x) * 3;
      for (let x = 0; x < r.w; x++, i += 3) {
        const v =
          ((scale(pixels[i], pf.redMax) << pf.redShift) |
            (scale(pixels[i + 1], pf.greenMax) << pf.greenShift) |
            (scale(pixels[i + 2], pf.blueMax) << pf.blueShift)) >>>
          0;
        if (bytes === 4) {
          if (pf.bigEndian) out.writeUInt32BE(v, o);
          else out.writeUInt32LE(v, o);
        } else if (bytes === 2) {
          if (pf.bigEndian) out.writeUInt16BE(v & 0xffff, o);
          else out.writeUInt16LE(v & 0xffff, o);
        } else out[o] = v & 0xff;
        o += bytes;
      }
    }
    return out;
  }

  private fail(reason: string) {
    this.stage = 'failed';
    this.detach();
    this.handlers.fail(reason);
  }
}

function u32(v: number) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v, 0);
  return b;
}
