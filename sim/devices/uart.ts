// Layer: sim/devices. UART0, Apple's Samsung-style ("s5l") serial port (apple-devices §9.4 row
// /arm-io/uart0; bit names from m1n1 uart_regs.h and Linux samsung_tty's APPLE_S5L_* set).
// Imports sim/devices, sim/memory (FAULT).
//
// TX: every byte written to UTXH goes to the sink at once, so UTRSTAT TXBE [1] and TXE [2] always
// read 1 and UFSTAT's TX count is 0. RX: `pushRx` queues bytes; URXH pops one (0 when empty);
// UTRSTAT RXD [0] is set while a byte waits; UFSTAT RXCNT [3:0] / RXFULL [8] show up to the
// 16-byte FIFO (m1n1's UFSTAT layout). Bytes beyond 16 wait in the host queue instead of being
// lost (model choice: no overrun, the host side cannot be flow-controlled otherwise).
// Interrupt (AIC 605): Apple's UART latches RXTHRESH [4], TXTHRESH [5] and RXTO [9] in UTRSTAT
// (write 1 to clear) and raises its line while a latched bit's enable in UCON is set:
// RXTHRESH_ENA [12], TXTHRESH_ENA [13], RXTO_ENA [9] — what Linux's apple_s5l startup and IRQ
// handler use. Model choices: RXTO latches whenever pushRx leaves bytes waiting (the line goes
// idle right after them); RXTHRESH latches when the FIFO holds ≥ 8 bytes (Linux programs
// RXTRIG8); TXTHRESH latches after each UTXH write and when TXTHRESH_ENA goes 0 → 1 (the TX FIFO
// is always empty, so always "below threshold"). UFCON bit 1 (RESETRX) empties the RX queue;
// UFCON bits 1–2 self-clear. ULCON/UCON/UBRDIV/UFRACVAL are storage (24 MHz clock, no timing).
// Access rules: aligned 32-bit accesses, plus 8-bit at a register's offset (the byte registers
// UTXH/URXH are also driven with byte accesses by Samsung drivers); other accesses fault; offsets
// in the window that are no register are RAZ/WI.

import { FAULT, type Fault } from '../memory/physical-memory.ts';
import type { Device, DeviceContext, IrqLine } from './device.ts';
import { RegisterTable } from './register-table.ts';

export const UART0_BASE = 0x235200000n;
export const UART0_SIZE = 0x4000n;
export const UART0_AIC_IRQ = 605;
export const UART_FIFO_DEPTH = 16;
export const UART_RX_THRESHOLD = 8;

export type UartRegName = 'ULCON' | 'UCON' | 'UFCON' | 'UTRSTAT' | 'UFSTAT' | 'UTXH' | 'URXH' | 'UBRDIV' | 'UFRACVAL';

export const UART_REGS = new RegisterTable<UartRegName>([
  { name: 'ULCON', offset: 0x00, access: 'RW' },
  { name: 'UCON', offset: 0x04, access: 'RW' },
  { name: 'UFCON', offset: 0x08, access: 'RW' },
  { name: 'UTRSTAT', offset: 0x10, access: 'RW' },
  { name: 'UFSTAT', offset: 0x18, access: 'R' },
  { name: 'UTXH', offset: 0x20, access: 'W' },
  { name: 'URXH', offset: 0x24, access: 'R' },
  { name: 'UBRDIV', offset: 0x28, access: 'RW' },
  { name: 'UFRACVAL', offset: 0x2c, access: 'RW' },
]);

export const UCON = { RXTO_ENA: 1 << 9, RXTHRESH_ENA: 1 << 12, TXTHRESH_ENA: 1 << 13 } as const;
export const UTRSTAT = { RXD: 1 << 0, TXBE: 1 << 1, TXE: 1 << 2, RXTHRESH: 1 << 4, TXTHRESH: 1 << 5, RXTO: 1 << 9 } as const;
export const UFSTAT = { RXCNT_MASK: 0xf, RXFULL: 1 << 8, TXCNT_SHIFT: 4, TXFULL: 1 << 9 } as const;
export const UFCON = { RESETRX: 1 << 1, RESETTX: 1 << 2 } as const;

const LATCHED = UTRSTAT.RXTHRESH | UTRSTAT.TXTHRESH | UTRSTAT.RXTO;

export interface UartOptions {
  name?: string;
  base?: bigint;
  size?: bigint;
  /** Receives every transmitted byte (the machine prints them as the guest's console). */
  onTx?: (byte: number) => void;
  /** The UART's interrupt line (j274: AIC 605). */
  irq?: IrqLine;
}

export class Uart implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  private readonly regs = { ULCON: 0, UCON: 0, UFCON: 0, UBRDIV: 0, UFRACVAL: 0 };
  private latched = 0;
  private rx: number[] = [];
  private rxHead = 0;
  private irqOut = false;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly options: UartOptions = {},
  ) {
    this.name = options.name ?? 'uart0';
    this.base = options.base ?? UART0_BASE;
    this.size = options.size ?? UART0_SIZE;
  }

  /** Bytes arriving from the outside world (the host's terminal). */
  pushRx(bytes: Uint8Array | readonly number[]): void {
    if (bytes.length === 0) return;
    for (const b of bytes) this.rx.push(b & 0xff);
    this.latched |= UTRSTAT.RXTO;
    if (this.rxCount() >= UART_RX_THRESHOLD) this.latched |= UTRSTAT.RXTHRESH;
    this.updateIrq();
  }

  /** Bytes received but not yet read by the guest. */
  get rxPending(): number {
    return this.rx.length - this.rxHead;
  }

  get irqLevel(): boolean {
    return this.irqOut;
  }

  reset(): void {
    this.regs.ULCON = this.regs.UCON = this.regs.UFCON = this.regs.UBRDIV = this.regs.UFRACVAL = 0;
    this.latched = 0;
    this.rx = [];
    this.rxHead = 0;
    this.updateIrq();
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = UART_REGS.lookup(offset);
    if (!reg || reg.access === 'W') return 0;
    switch (reg.name) {
      case 'UTRSTAT':
        return (this.latched | UTRSTAT.TXBE | UTRSTAT.TXE | (this.rxPending > 0 ? UTRSTAT.RXD : 0)) >>> 0;
      case 'UFSTAT': {
        const n = this.rxCount();
        return n >= UART_FIFO_DEPTH ? UFSTAT.RXFULL : n;
      }
      case 'URXH':
        return this.popRx();
      case 'UFCON':
        return this.regs.UFCON & ~(UFCON.RESETRX | UFCON.RESETTX);
      default:
        return this.regs[reg.name as keyof Uart['regs']];
    }
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = UART_REGS.lookup(offset);
    if (!reg || reg.access === 'R') return;
    const v = value >>> 0;
    switch (reg.name) {
      case 'UTXH':
        this.options.onTx?.(v & 0xff);
        this.latched |= UTRSTAT.TXTHRESH;
        break;
      case 'UTRSTAT':
        this.latched &= ~(v & LATCHED);
        break;
      case 'UCON':
        if (v & UCON.TXTHRESH_ENA && !(this.regs.UCON & UCON.TXTHRESH_ENA)) this.latched |= UTRSTAT.TXTHRESH;
        this.regs.UCON = v;
        break;
      case 'UFCON':
        if (v & UFCON.RESETRX) {
          if (this.rxPending > 0) this.ctx.log(`${this.name}: RX FIFO reset dropped ${this.rxPending} byte(s)`);
          this.rx = [];
          this.rxHead = 0;
        }
        this.regs.UFCON = v;
        break;
      default:
        this.regs[reg.name as keyof Uart['regs']] = v;
    }
    this.updateIrq();
  }

  read8(offset: number): number | Fault {
    if (!UART_REGS.lookup(offset)) return (offset & 3) === 0 ? 0 : FAULT;
    const v = this.read32(offset);
    return v === FAULT ? v : v & 0xff;
  }

  write8(offset: number, value: number): void | Fault {
    const reg = UART_REGS.lookup(offset);
    if (!reg) return (offset & 3) === 0 ? undefined : FAULT;
    // A byte store to a control register keeps its upper bytes.
    const keep = reg.name === 'UTXH' || reg.name === 'UTRSTAT' ? 0 : this.storedValue(reg.name) & ~0xff;
    return this.write32(offset, (keep | (value & 0xff)) >>> 0);
  }

  private storedValue(name: UartRegName): number {
    return name in this.regs ? this.regs[name as keyof Uart['regs']] : 0;
  }

  private rxCount(): number {
    return Math.min(this.rxPending, UART_FIFO_DEPTH);
  }

  private popRx(): number {
    if (this.rxPending === 0) return 0;
    const b = this.rx[this.rxHead++]!;
    if (this.rxHead > 4096 && this.rxHead * 2 > this.rx.length) {
      this.rx = this.rx.slice(this.rxHead);
      this.rxHead = 0;
    }
    return b;
  }

  private updateIrq(): void {
    const ucon = this.regs.UCON;
    const level =
      ((this.latched & UTRSTAT.RXTHRESH) !== 0 && (ucon & UCON.RXTHRESH_ENA) !== 0) ||
      ((this.latched & UTRSTAT.RXTO) !== 0 && (ucon & UCON.RXTO_ENA) !== 0) ||
      ((this.latched & UTRSTAT.TXTHRESH) !== 0 && (ucon & UCON.TXTHRESH_ENA) !== 0);
    if (level !== this.irqOut) {
      this.irqOut = level;
      this.options.irq?.(level);
    }
  }
}
