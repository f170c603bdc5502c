// Layer: core/proxy. Framebuffer (0xD00) and display (0x1100) ops (spec §6.12). Imports core/proxy only.

import { ProxyArgumentError } from '../errors.ts';
import { PixelFormat, type DcpShutdownModeValue, type PixelFormatValue } from '../constants.ts';
import { ret, uintArg } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

const u32 = (v: number, what: string): bigint => uintArg(v, 32, what);

function rect(op: string, x: number, y: number, w: number, h: number): bigint[] {
  return [u32(x, `${op} x`), u32(y, `${op} y`), u32(w, `${op} w`), u32(h, `${op} h`)];
}

export function withDisplayOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class DisplayOps extends Base {
    /** P_FB_INIT(clear). */
    async fbInit(clear = false): Promise<void> {
      await this.request('P_FB_INIT', [clear]);
    }
    /** P_FB_SHUTDOWN(restoreLogo). */
    async fbShutdown(restoreLogo = true): Promise<void> {
      await this.request('P_FB_SHUTDOWN', [restoreLogo]);
    }
    /**
     * P_FB_BLIT(x, y, w, h, pixels, stride | format << 32): 4 bytes per pixel, `stridePixels`
     * per row. `pixels` is a target buffer or bytes (copied through the host heap, length checked).
     */
    async fbBlit(
      x: number,
      y: number,
      w: number,
      h: number,
      pixels: bigint | Uint8Array,
      stridePixels: number,
      format: PixelFormatValue = PixelFormat.XRGB,
    ): Promise<void> {
      const area = rect('P_FB_BLIT', x, y, w, h);
      const stride = u32(stridePixels, 'P_FB_BLIT stride');
      if (pixels instanceof Uint8Array && h > 0 && w > 0 && pixels.length < ((h - 1) * stridePixels + w) * 4) {
        throw new ProxyArgumentError(`P_FB_BLIT: ${pixels.length} bytes cannot hold ${w}x${h} pixels at stride ${stridePixels}`);
      }
      await this.request('P_FB_BLIT', [...area, pixels, stride | (u32(format, 'P_FB_BLIT format') << 32n)]);
    }
    /** P_FB_UNBLIT(x, y, w, h, buffer, stride): reads pixels back as R,G,B,0xFF into the target buffer. */
    async fbUnblit(x: number, y: number, w: number, h: number, buffer: bigint, stridePixels: number): Promise<void> {
      await this.request('P_FB_UNBLIT', [...rect('P_FB_UNBLIT', x, y, w, h), buffer, u32(stridePixels, 'P_FB_UNBLIT stride')]);
    }
    /** P_FB_FILL(x, y, w, h, 0xRRGGBB). */
    async fbFill(x: number, y: number, w: number, h: number, rgb: number): Promise<void> {
      await this.request('P_FB_FILL', [...rect('P_FB_FILL', x, y, w, h), uintArg(rgb, 24, 'P_FB_FILL colour')]);
    }
    /** P_FB_CLEAR(0xRRGGBB). */
    async fbClear(rgb: number): Promise<void> {
      await this.request('P_FB_CLEAR', [uintArg(rgb, 24, 'P_FB_CLEAR colour')]);
    }
    /** P_FB_DISPLAY_LOGO. */
    async fbDisplayLogo(): Promise<void> {
      await this.request('P_FB_DISPLAY_LOGO');
    }
    /** P_FB_RESTORE_LOGO. */
    async fbRestoreLogo(): Promise<void> {
      await this.request('P_FB_RESTORE_LOGO');
    }
    /** P_FB_IMPROVE_LOGO. */
    async fbImproveLogo(): Promise<void> {
      await this.request('P_FB_IMPROVE_LOGO');
    }

    /** P_DISPLAY_INIT: int status (a long op: DCP bring-up takes seconds). */
    async displayInit(): Promise<number> {
      return ret.status(await this.request('P_DISPLAY_INIT'));
    }
    /** P_DISPLAY_CONFIGURE(config): config string through the host heap; int status. */
    async displayConfigure(config: string): Promise<number> {
      return ret.status(await this.request('P_DISPLAY_CONFIGURE', [config]));
    }
    /** P_DISPLAY_SHUTDOWN(mode): DcpShutdownMode (0 quiesced, 1 sleep if external, 2 sleep). */
    async displayShutdown(mode: DcpShutdownModeValue): Promise<void> {
      await this.request('P_DISPLAY_SHUTDOWN', [uintArg(mode, 32, 'P_DISPLAY_SHUTDOWN mode')]);
    }
    /** P_DISPLAY_START_DCP. */
    async displayStartDcp(): Promise<void> {
      await this.request('P_DISPLAY_START_DCP');
    }
    /** P_DISPLAY_IS_EXTERNAL. */
    async displayIsExternal(): Promise<boolean> {
      return ret.bool(await this.request('P_DISPLAY_IS_EXTERNAL'));
    }
  };
}
