// Layer: sim/hv, the virtual M1's hypervisor model. Imports nothing from hvdbg.
//
// The virtual UART (§11; m1n1 src/hv_vuart.c): a firmware HOOK over [base, base + 0x1000) that
// emulates the Samsung-style UART registers the guest's driver uses, backed by pipe 1 of the USB
// device (iodev USB_VUART, the host's second tty). Status is re-synthesised at every access
// (before the access is served) and on every hypervisor tick; the guest's RX/TX-threshold/
// timeout bits drive an AIC *software* IRQ. Bytes written are also scanned for "HVLOG: " lines,
// which m1n1 prints on its console.

export const VuartReg = {
  ULCON: 0x000,
  UCON: 0x004,
  UFCON: 0x008,
  UTRSTAT: 0x010,
  UFSTAT: 0x018,
  UTXH: 0x020,
  URXH: 0x024,
  UBRDIV: 0x028,
} as const;

export const UTRSTAT_RXD = 1 << 0;
export const UTRSTAT_TXBE = 1 << 1;
export const UTRSTAT_TXE = 1 << 2;
export const UTRSTAT_RXTHRESH = 1 << 4;
export const UTRSTAT_TXTHRESH = 1 << 5;
export const UTRSTAT_RXTO = 1 << 9;
export const UFSTAT_RXCNT_MASK = 0xf;
export const UFSTAT_RXFULL = 1 << 8;
const UCON_MODE_IRQ = 1;
const UCON_RXTO_ENA = 1 << 9;
const UCON_TXTHRESH_ENA = 1 << 13;
const IRQ_BITS = UTRSTAT_TXTHRESH | UTRSTAT_RXTHRESH | UTRSTAT_RXTO;

/** The window the hook covers (4 KiB; the rest of the 16 KiB page is left as §10.2 makes it). */
export const VUART_SIZE = 0x1000n;

/** Pipe 1 of the USB device as the firmware sees it (§1.2: a closed pipe reads nothing and drops writes). */
export interface VuartPipe {
  /** Bytes waiting from the host (0 when the pipe is closed). */
  canRead(): number;
  /** One byte from the host; only called when canRead() > 0. */
  readByte(): number;
  /** Whether the host has the pipe open (DTR). */
  canWrite(): boolean;
  writeByte(byte: number): void;
}

export interface VuartHost {
  /** aic_set_sw(irq, level): the guest-visible software-triggered AIC IRQ. */
  setSoftwareIrq(irq: number, level: boolean): void;
  /** Text m1n1 prints on its console (the HVLOG pass-through). */
  console(text: string): void;
}

const HVLOG_PREFIX = 'HVLOG: ';

export class Vuart {
  private ucon = 0;
  private utrstat = 0;
  private ufstat = 0;
  private hvlogState = 0;

  /**
   * `pipe` is undefined when P_HV_MAP_VUART's iodev is not USB0..USB7 (no backing channel:
   * output is dropped, nothing is ever received). `irq` 0 means "no IRQ" as in m1n1.
   */
  constructor(
    private readonly pipe: VuartPipe | undefined,
    private readonly host: VuartHost,
    private readonly irq: number,
  ) {}

  /** The hook: one guest access at `addr` (only the low 12 bits matter; widths are ignored). */
  access(addr: bigint, write: boolean, value: bigint): bigint {
    const off = Number(addr & 0xfffn);
    this.poll();
    if (write) {
      switch (off) {
        case VuartReg.UCON:
          this.ucon = Number(value & 0xffffffffn);
          break;
        case VuartReg.UTXH: {
          const b = Number(value & 0xffn);
          if (this.pipe?.canWrite()) this.pipe.writeByte(b);
          this.passthrough(b);
          break;
        }
        case VuartReg.UTRSTAT:
          this.utrstat &= ~(Number(value & 0xffffffffn) & IRQ_BITS);
          break;
        default:
          break;
      }
      return 0n;
    }
    switch (off) {
      case VuartReg.UCON:
        return BigInt(this.ucon >>> 0);
      case VuartReg.URXH:
        return this.pipe && this.pipe.canRead() > 0 ? BigInt(this.pipe.readByte() & 0xff) : 0n;
      case VuartReg.UTRSTAT:
        return BigInt(this.utrstat >>> 0);
      case VuartReg.UFSTAT:
        return BigInt(this.ufstat >>> 0);
      default:
        return 0n;
    }
  }

  /** update_irq: run on every access and on every hypervisor tick (hv_vuart_poll). */
  poll(): void {
    this.utrstat |= UTRSTAT_TXBE | UTRSTAT_TXE;
    this.utrstat &= ~UTRSTAT_RXD;
    this.ufstat = 0;
    const queued = this.pipe?.canRead() ?? 0;
    if (queued > 0) {
      this.utrstat |= UTRSTAT_RXD;
      this.ufstat = queued > 15 ? 15 | UFSTAT_RXFULL : queued;
      if ((this.ucon & 3) === UCON_MODE_IRQ && this.ucon & UCON_RXTO_ENA) this.utrstat |= UTRSTAT_RXTO;
    }
    if (((this.ucon >>> 2) & 3) === UCON_MODE_IRQ && this.ucon & UCON_TXTHRESH_ENA) this.utrstat |= UTRSTAT_TXTHRESH;
    if (this.irq) this.host.setSoftwareIrq(this.irq, (this.utrstat & IRQ_BITS) !== 0);
  }

  /** Current register values (diagnostics and tests). */
  get state(): { ucon: number; utrstat: number; ufstat: number } {
    return { ucon: this.ucon >>> 0, utrstat: this.utrstat >>> 0, ufstat: this.ufstat >>> 0 };
  }

  /**
   * m1n1's matcher: advance on the next prefix byte, else restart at 0 without re-testing the
   * byte (so "HHVLOG: " does not match); after the prefix, echo until CR or LF.
   */
  private passthrough(b: number): void {
    if (this.hvlogState === HVLOG_PREFIX.length) {
      if (b === 0x0d || b === 0x0a) {
        this.host.console('\n');
        this.hvlogState = 0;
      } else {
        this.host.console(String.fromCharCode(b));
      }
      return;
    }
    if (b === HVLOG_PREFIX.charCodeAt(this.hvlogState)) this.hvlogState++;
    else this.hvlogState = 0;
    if (this.hvlogState === HVLOG_PREFIX.length) this.host.console(HVLOG_PREFIX);
  }
}
