// Layer: sim/firmware/ops. m1n1's framebuffer ops (spec §6.12) on the RAM framebuffer boot_args
// describes (video base/width/height/stride/depth, §8.1), as fb.c draws. Imports the op table
// types and this folder's target-io.
//
// fb.c keeps a shadow copy and copies it whole to the hardware buffer after each change; the
// visible result is the same as drawing straight into the framebuffer, which is what this does.
// Pixels are 32-bit words: depth & 0xFF = 32 → x:8 R:8 G:8 B:8 (B in the low byte); anything else
// (the Mac's 30-bit mode) → R:10 G:10 B:10 with each 8-bit component shifted left by 2 (B<<2,
// G<<12, R<<22), read back as bits 29:22, 19:12, 9:2. Coordinates are not clipped (fb.c does not
// clip either; writes past the buffer go wherever the address is, under the session guard).
//
// State as at m1n1's prompt: fb_init ran at boot when there is a framebuffer, so the console is
// initialized; P_FB_SHUTDOWN un-initializes it and every drawing op except BLIT then does nothing
// (BLIT after shutdown draws into a freed shadow in m1n1; here it does nothing either).
// P_FB_INIT captures the centre square (256×256 retina, 128×128 else) as the "original logo"
// the first time, zeroes the buffer (clear) or its first 256 bytes, and clears the console text
// area. P_FB_DISPLAY_LOGO would draw m1n1's own logo, whose pixels are not part of this model: it
// prints m1n1's line and draws nothing. P_FB_RESTORE_LOGO puts the captured square back.

import type { OpContext, OpFamily } from '../op-table.ts';
import { MAX_TARGET_BUFFER, readTarget, writeTarget } from './target-io.ts';

export interface FramebufferInfo {
  readonly base: bigint;
  readonly width: number;
  readonly height: number;
  /** Bytes per row (boot_args video.stride). */
  readonly stride: number;
  /** boot_args video.depth: bits per pixel in the low byte, flags above (0x10000 retina). */
  readonly depth: number;
}

const RETINA = 0x10000;
const PIX_FMT_XBGR = 1;
const FILL_CHUNK = 1 << 16;

interface Rgb {
  r: number;
  g: number;
  b: number;
}

export function rgbToPixel(depth: number, c: Rgb): number {
  return ((depth & 0xff) === 32 ? c.b | (c.g << 8) | (c.r << 16) : (c.b << 2) | (c.g << 12) | (c.r << 22)) >>> 0;
}

export function pixelToRgb(depth: number, p: number): Rgb {
  return (depth & 0xff) === 32 ? { r: (p >>> 16) & 0xff, g: (p >>> 8) & 0xff, b: p & 0xff } : { r: (p >>> 22) & 0xff, g: (p >>> 12) & 0xff, b: (p >>> 2) & 0xff };
}

const int2rgb = (c: bigint): Rgb => ({ r: Number((c >> 16n) & 0xffn), g: Number((c >> 8n) & 0xffn), b: Number(c & 0xffn) });
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

interface Logo {
  readonly width: number;
  readonly height: number;
  /** R, G, B, 0xFF per pixel (what fb_unblit stores). */
  readonly pixels: Uint8Array;
}

class Framebuffer {
  initialized = true;
  origLogo: Logo | undefined;

  constructor(private readonly info: () => FramebufferInfo | undefined) {}

  get fb(): FramebufferInfo | undefined {
    return this.info();
  }

  /** Address of pixel (x, y); fb.c indexes a u32 array with u32 arithmetic. */
  private at(fb: FramebufferInfo, x: number, y: number): bigint {
    return fb.base + 4n * BigInt((x + y * Math.floor(fb.stride / 4)) >>> 0);
  }

  blit(ctx: OpContext, fb: FramebufferInfo, x: number, y: number, w: number, h: number, src: bigint | Uint8Array, stride: number, fmt: number): void {
    // A row wider than any buffer the host can have uploaded: nothing sensible to model.
    if (w * 4 > MAX_TARGET_BUFFER) return;
    for (let i = 0; i < h; i++) {
      const rowOff = (i * stride) >>> 0;
      let row: Uint8Array;
      if (src instanceof Uint8Array) row = src.subarray(rowOff * 4, (rowOff + w) * 4);
      else {
        const r = readTarget(ctx, src + BigInt(((rowOff * 4) >>> 0)), w * 4);
        if (r.faulted) return;
        row = r.bytes;
      }
      const out = new Uint8Array(w * 4);
      const ov = new DataView(out.buffer);
      for (let j = 0; j < w; j++) {
        const p = row.subarray(j * 4);
        const c = fmt === PIX_FMT_XBGR ? { r: p[2]!, g: p[1]!, b: p[0]! } : { r: p[0]!, g: p[1]!, b: p[2]! };
        ov.setUint32(j * 4, rgbToPixel(fb.depth, c), true);
      }
      if (!writeTarget(ctx, this.at(fb, x, y + i), out)) return;
    }
  }

  /** The pixels of a rectangle as R, G, B, 0xFF (fb_unblit). */
  unblit(ctx: OpContext, fb: FramebufferInfo, x: number, y: number, w: number, h: number): Uint8Array | undefined {
    if (w * h * 4 > MAX_TARGET_BUFFER) return undefined;
    const out = new Uint8Array(w * h * 4);
    for (let i = 0; i < h; i++) {
      const r = readTarget(ctx, this.at(fb, x, y + i), w * 4);
      if (r.faulted) return undefined;
      const v = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
      for (let j = 0; j < w; j++) {
        const c = pixelToRgb(fb.depth, v.getUint32(j * 4, true));
        out.set([c.r, c.g, c.b, 0xff], (i * w + j) * 4);
      }
    }
    return out;
  }

  /** memset32 of `bytes` at pixel (x, y), in chunks of one reused pattern. */
  fill(ctx: OpContext, fb: FramebufferInfo, x: number, y: number, bytes: number, pixel: number): boolean {
    const total = bytes - (bytes % 4);
    const pattern = new Uint8Array(Math.min(total, FILL_CHUNK));
    const v = new DataView(pattern.buffer);
    for (let o = 0; o < pattern.length; o += 4) v.setUint32(o, pixel, true);
    const start = this.at(fb, x, y);
    for (let o = 0; o < total; o += FILL_CHUNK) {
      if (!writeTarget(ctx, start + BigInt(o), pattern.subarray(0, Math.min(FILL_CHUNK, total - o)))) return false;
    }
    return true;
  }

  logoSize(fb: FramebufferInfo): number {
    return fb.depth & RETINA ? 256 : 128;
  }

  /** fb_clear_console: zero every console text row. */
  clearConsole(ctx: OpContext, fb: FramebufferInfo): void {
    const retina = (fb.depth & RETINA) !== 0;
    const fw = retina ? 16 : 8;
    const fh = retina ? 32 : 16;
    let marginRows = 2;
    let marginCols = 4;
    let maxRow: number;
    let maxCol: number;
    if (fb.height < fb.width) {
      maxRow = (Math.floor(fb.height / fh) - 2 * marginRows) >>> 0;
      maxCol = (Math.floor(((fb.width - this.logoSize(fb)) >>> 0) / 2 / fw) - 2 * marginCols) >>> 0;
    } else {
      maxRow = Math.floor(fb.height / fh);
      maxCol = Math.floor(fb.width / fw);
      marginRows = 0;
      marginCols = 0;
    }
    const rowBytes = ((marginCols + maxCol) * fw * 4) >>> 0;
    for (let row = 0; row < maxRow && row < fb.height; row++) {
      for (let y = 0; y < fh; y++) if (!this.fill(ctx, fb, 0, (marginRows + row) * fh + y, rowBytes, 0)) return;
    }
  }

  restoreLogo(ctx: OpContext, fb: FramebufferInfo): void {
    const l = this.origLogo;
    if (!l) return;
    this.blit(ctx, fb, ((fb.width - l.width) / 2) | 0, ((fb.height - l.height) / 2) | 0, l.width, l.height, l.pixels, l.width, 0);
  }
}

/** fb_improve_logo: tints the captured logo in place (m1n1's rainbow easter egg). */
function improveLogo(l: Logo): void {
  const magic = new TextEncoder().encode('BY;iX2gK0b89P9P*Qa');
  const p = l.pixels;
  if (p[l.width * (l.height + 1) * 2]! <= 250) return;
  let k = 0;
  for (let i = 0; i < l.height; i++) {
    const c = Math.min((Math.max(Math.floor((i * 128) / l.height), 41) - 41) / 11, 5) | 0;
    for (let j = 0; j < l.width * 4; j++, k++) p[k] = Math.floor((p[k]! * (magic[c * 3 + ((j - (j >> 2)) % 3)]! - 42)) / 63);
  }
}

export function framebufferOps(deps: { framebuffer: () => FramebufferInfo | undefined }): OpFamily {
  const state = new Framebuffer(deps.framebuffer);
  /** Runs `fn` with the framebuffer when the console is initialized; always replies 0. */
  const draw = (ctx: OpContext, fn: (fb: FramebufferInfo) => void): bigint => {
    const fb = state.fb;
    if (fb && state.initialized) ctx.guard.returnable(() => fn(fb));
    return 0n;
  };
  return {
    family: 'framebuffer',
    ops: [
      {
        name: 'P_FB_INIT',
        handler: (a, ctx) => {
          const fb = state.fb;
          if (!fb) return 0n;
          ctx.firmware.console(`fb init: ${fb.width}x${fb.height} (${fb.depth & 0xff}) [s=${Math.floor(fb.stride / 4)}] @0x${fb.base.toString(16)}\n`);
          ctx.guard.returnable(() => {
            state.initialized = true;
            if (!state.origLogo) {
              const n = state.logoSize(fb);
              const pixels = state.unblit(ctx, fb, ((fb.width - n) / 2) | 0, ((fb.height - n) / 2) | 0, n, n);
              if (pixels) state.origLogo = { width: n, height: n, pixels };
            }
            // fb_init(clear) zeroes the whole buffer, else the first 256 bytes (a stage-1 workaround).
            const size = fb.stride * fb.height;
            if (!state.fill(ctx, fb, 0, 0, (a[0]! & 0xffn) !== 0n ? size : Math.min(256, size), 0)) return;
            state.clearConsole(ctx, fb);
          });
          return 0n;
        },
      },
      {
        name: 'P_FB_SHUTDOWN',
        handler: (a, ctx) =>
          draw(ctx, (fb) => {
            state.clearConsole(ctx, fb);
            if ((a[0]! & 0xffn) !== 0n) {
              state.restoreLogo(ctx, fb);
              state.origLogo = undefined;
            }
            state.initialized = false;
          }),
      },
      {
        // a5: stride in pixels (low 32 bits) | pixel format << 32 (§6.12).
        name: 'P_FB_BLIT',
        handler: (a, ctx) => draw(ctx, (fb) => state.blit(ctx, fb, u32(a[0]!), u32(a[1]!), u32(a[2]!), u32(a[3]!), a[4]!, u32(a[5]!), u32(a[5]! >> 32n))),
      },
      {
        name: 'P_FB_UNBLIT',
        handler: (a, ctx) =>
          draw(ctx, (fb) => {
            const w = u32(a[2]!);
            const h = u32(a[3]!);
            const stride = u32(a[5]!);
            const px = state.unblit(ctx, fb, u32(a[0]!), u32(a[1]!), w, h);
            if (!px) return;
            for (let i = 0; i < h; i++) if (!writeTarget(ctx, a[4]! + BigInt(((i * stride * 4) >>> 0)), px.subarray(i * w * 4, (i + 1) * w * 4))) return;
          }),
      },
      {
        name: 'P_FB_FILL',
        handler: (a, ctx) =>
          draw(ctx, (fb) => {
            const pixel = rgbToPixel(fb.depth, int2rgb(a[4]!));
            const [x, y, w, h] = [u32(a[0]!), u32(a[1]!), u32(a[2]!), u32(a[3]!)];
            for (let i = 0; i < h; i++) if (!state.fill(ctx, fb, x, (y + i) >>> 0, (w * 4) >>> 0, pixel)) return;
          }),
      },
      {
        name: 'P_FB_CLEAR',
        handler: (a, ctx) => draw(ctx, (fb) => void state.fill(ctx, fb, 0, 0, (Math.floor(fb.stride / 4) * fb.height * 4) >>> 0, rgbToPixel(fb.depth, int2rgb(a[0]!)))),
      },
      {
        name: 'P_FB_DISPLAY_LOGO',
        handler: (_a, ctx) => draw(ctx, () => ctx.firmware.console('fb: display logo\n')),
      },
      { name: 'P_FB_RESTORE_LOGO', handler: (_a, ctx) => draw(ctx, (fb) => state.restoreLogo(ctx, fb)) },
      {
        name: 'P_FB_IMPROVE_LOGO',
        handler: () => {
          if (state.origLogo) improveLogo(state.origLogo);
          return 0n;
        },
      },
    ],
  };
}
