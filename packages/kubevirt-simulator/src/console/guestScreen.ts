import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './font';

export type Rgb = readonly [number, number, number];
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const SCREEN_WIDTH = 800;
export const SCREEN_HEIGHT = 600;

const BACKGROUND: Rgb = [16, 16, 16];
const TEXT: Rgb = [204, 204, 204];
const WHITE: Rgb = [255, 255, 255];
const BAND_HEIGHT = 64;
const SCALE = 2;
const CELL_W = 12;
const CELL_H = 20;
const ORIGIN_X = 8;
const ORIGIN_Y = BAND_HEIGHT + 8;

/** Brand colours of the guest OSes the simulator boots, for the top band. */
export const osAccent = (osId: string): Rgb =>
  (({ ubuntu: [233, 84, 32], centos: [38, 36, 98] } as Record<string, Rgb>)[
    osId
  ] ?? [41, 65, 114]);

export const unionRect = (a: Rect | undefined, b: Rect): Rect => {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
  };
};

/**
 * The guest's display: a band with the VM's name over a text console
 * (tty1), kept as 24-bit RGB pixels. Terminal output redraws only the cells
 * it touches and reports the changed rectangle to the listeners, so VNC
 * updates stay small.
 */
export class GuestScreen {
  readonly width = SCREEN_WIDTH;
  readonly height = SCREEN_HEIGHT;
  readonly pixels = new Uint8Array(SCREEN_WIDTH * SCREEN_HEIGHT * 3);
  readonly cols = Math.floor((SCREEN_WIDTH - 2 * ORIGIN_X) / CELL_W);
  readonly rows = Math.floor((SCREEN_HEIGHT - ORIGIN_Y - 4) / CELL_H);
  private grid: string[][];
  private row = 0;
  private col = 0;
  private escape = '';
  private readonly listeners = new Set<(changed: Rect) => void>();

  constructor(title: string, subtitle: string, accent: Rgb) {
    this.grid = Array.from({ length: this.rows }, () =>
      Array(this.cols).fill(' '),
    );
    this.fill({ x: 0, y: 0, w: this.width, h: this.height }, BACKGROUND);
    this.fill({ x: 0, y: 0, w: this.width, h: BAND_HEIGHT }, accent);
    const titleScale = title.length * 6 * 3 <= this.width - 32 ? 3 : 2;
    this.text(
      16,
      10,
      title.slice(0, Math.floor((this.width - 32) / (6 * titleScale))),
      titleScale,
      WHITE,
      accent,
    );
    this.text(16, 40, subtitle.slice(0, 60), 2, WHITE, accent);
    this.drawCursor(true);
  }

  onChange(listener: (changed: Rect) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The pixel at (x, y) as RGB, for tests and screenshots. */
  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.pixels[i], this.pixels[i + 1], this.pixels[i + 2]];
  }

  /** Terminal output: printable characters, CR, LF, BS, and the clear-screen sequence. */
  write(output: string) {
    let changed: Rect | undefined;
    const mark = (r: Rect) => {
      changed = unionRect(changed, r);
    };
    this.drawCursor(false, mark);
    for (const ch of output) {
      if (this.escape) {
        this.escape += ch;
        if (/[@-~]/.test(ch) && this.escape.length > 2) {
          if (this.escape === '\x1b[2J') this.clear(mark);
          if (this.escape === '\x1b[H') {
            this.row = 0;
            this.col = 0;
          }
          this.escape = '';
        }
        continue;
      }
      if (ch === '\x1b') this.escape = ch;
      else if (ch === '\r') this.col = 0;
      else if (ch === '\n') this.newline(mark);
      else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch >= ' ') {
        if (this.col >= this.cols) {
          this.col = 0;
          this.newline(mark);
        }
        this.grid[this.row][this.col] = ch;
        mark(this.drawCell(this.row, this.col));
        this.col++;
      }
    }
    this.drawCursor(true, mark);
    if (changed) for (const l of this.listeners) l(changed);
  }

  private newline(mark: (r: Rect) => void) {
    if (this.row < this.rows - 1) {
      this.row++;
      return;
    }
    this.grid.shift();
    this.grid.push(Array(this.cols).fill(' '));
    for (let r = 0; r < this.rows; r++)
      for (let c = 0; c < this.cols; c++) this.drawCell(r, c);
    mark(this.terminalArea());
  }

  private clear(mark: (r: Rect) => void) {
    this.grid = Array.from({ length: this.rows }, () =>
      Array(this.cols).fill(' '),
    );
    this.fill(this.terminalArea(), BACKGROUND);
    mark(this.terminalArea());
  }

  private terminalArea(): Rect {
    return {
      x: ORIGIN_X,
      y: ORIGIN_Y,
      w: this.cols * CELL_W,
      h: this.rows * CELL_H,
    };
  }

  private cellRect(row: number, col: number): Rect {
    return {
      x: ORIGIN_X + col * CELL_W,
      y: ORIGIN_Y + row * CELL_H,
      w: CELL_W,
      h: CELL_H,
    };
  }

  private drawCell(row: number, col: number): Rect {
    const rect = this.cellRect(row, col);
    this.fill(rect, BACKGROUND);
    this.glyph(rect.x + 1, rect.y + 2, this.grid[row][col], SCALE, TEXT);
    return rect;
  }

  private drawCursor(on: boolean, mark?: (r: Rect) => void) {
    const col = Math.min(this.col, this.cols - 1);
    const rect = on
      ? this.cellRect(this.row, col)
      : this.drawCell(this.row, col);
    if (on)
      this.fill(
        { x: rect.x + 1, y: rect.y + CELL_H - 3, w: CELL_W - 2, h: 2 },
        TEXT,
      );
    mark?.(rect);
  }

  private fill(r: Rect, [red, green, blue]: Rgb) {
    for (let y = r.y; y < r.y + r.h && y < this.height; y++) {
      for (let x = r.x; x < r.x + r.w && x < this.width; x++) {
        const i = (y * this.width + x) * 3;
        this.pixels[i] = red;
        this.pixels[i + 1] = green;
        this.pixels[i + 2] = blue;
      }
    }
  }

  private glyph(x0: number, y0: number, ch: string, scale: number, color: Rgb) {
    const rows = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (rows[gy] & (0x10 >> gx))
          this.fill(
            { x: x0 + gx * scale, y: y0 + gy * scale, w: scale, h: scale },
            color,
          );
      }
    }
  }

  private text(
    x: number,
    y: number,
    text: string,
    scale: number,
    color: Rgb,
    background: Rgb,
  ) {
    this.fill(
      { x, y, w: text.length * 6 * scale, h: GLYPH_HEIGHT * scale },
      background,
    );
    [...text].forEach((ch, i) =>
      this.glyph(x + i * 6 * scale, y, ch, scale, color),
    );
  }
}
