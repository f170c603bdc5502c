// MMIO stubs for running the demo guest on bare CPU-model cores (demo-guest-boot.test.ts): just
// enough device behaviour to let the guest's drivers run, written from apple-devices §2.7 (AIC),
// §8.2 (PMGR start) and §9.4 (UART). The real device models live in sim/devices; these are
// test scaffolding and record every access so the test can check what the guest did.
import type { MmioDevice } from '../../sim/memory/index.ts';

export interface Access {
  readonly dev: string;
  readonly cpu: number;
  readonly write: boolean;
  readonly offset: number;
  readonly value: bigint;
}

export class UartStub implements MmioDevice {
  text = '';
  constructor(private readonly log: Access[]) {}
  read32(offset: number): number {
    this.log.push({ dev: 'uart', cpu: -1, write: false, offset, value: 0n });
    return offset === 0x10 ? 0b110 : 0; // UTRSTAT: TXBE | TXE
  }
  write32(offset: number, value: number): void {
    this.log.push({ dev: 'uart', cpu: -1, write: true, offset, value: BigInt(value) });
    if (offset === 0x20) this.text += String.fromCharCode(value & 0xff);
  }
}

/** Plain storage for 32- and 64-bit accesses (GPIO pins, PMGR, the cpu-impl blocks). */
export class StorageStub implements MmioDevice {
  readonly words = new Map<number, bigint>();
  constructor(
    protected readonly name: string,
    protected readonly log: Access[],
  ) {}
  read32(offset: number): number {
    return Number((this.words.get(offset) ?? 0n) & 0xffff_ffffn);
  }
  write32(offset: number, value: number): void {
    this.log.push({ dev: this.name, cpu: -1, write: true, offset, value: BigInt(value) });
    this.words.set(offset, BigInt(value >>> 0));
  }
  read64(offset: number): bigint {
    return this.words.get(offset) ?? 0n;
  }
  write64(offset: number, value: bigint): void {
    this.log.push({ dev: this.name, cpu: -1, write: true, offset, value });
    this.words.set(offset, value);
  }
}

/** PMGR storage that calls `start(cpu)` on a write to cluster c's start register (+0x54008 + 4c, §8.2). */
export class PmgrStub extends StorageStub {
  constructor(
    log: Access[],
    private readonly start: (cpu: number) => void,
  ) {
    super('pmgr', log);
  }
  override write32(offset: number, value: number): void {
    super.write32(offset, value);
    const rel = offset - 0x54008;
    if (rel >= 0 && rel < 8 && rel % 4 === 0) {
      for (let core = 0; core < 4; core++) if (value & (1 << core)) this.start((rel / 4) * 4 + core);
    }
  }
}

const OTHER = 1;
const SELF = 0x8000_0000;

/** AIC1 state shared by all CPUs (§2.7); `view(cpu)` is that CPU's MMIO window. */
export class AicStub {
  private readonly sw = new Uint32Array(32);
  private readonly hw = new Uint32Array(32);
  private readonly mask = new Uint32Array(32).fill(0xffffffff);
  private readonly target = new Uint32Array(1024);
  private readonly ipiPending: number[];
  private readonly ipiMasked: number[];

  constructor(
    private readonly cpus: number,
    private readonly setIrq: (cpu: number, level: boolean) => void,
    private readonly log: Access[],
  ) {
    this.ipiPending = new Array<number>(cpus).fill(0);
    this.ipiMasked = new Array<number>(cpus).fill((OTHER | SELF) >>> 0);
  }

  /** Lowest pending, unmasked IRQ whose lowest target is `cpu` (§2.7 rule 2, model choice). */
  private irqFor(cpu: number): number | undefined {
    for (let w = 0; w < 32; w++) {
      let bits = ((this.sw[w]! | this.hw[w]!) & ~this.mask[w]!) >>> 0;
      while (bits) {
        const irq = w * 32 + (31 - Math.clz32(bits & -bits));
        const t = this.target[irq]!;
        if (t && 31 - Math.clz32(t & -t) === cpu) return irq;
        bits &= bits - 1;
      }
    }
    return undefined;
  }

  private update(): void {
    for (let c = 0; c < this.cpus; c++) this.setIrq(c, this.irqFor(c) !== undefined || (this.ipiPending[c]! & ~this.ipiMasked[c]!) !== 0);
  }

  private event(cpu: number): number {
    const irq = this.irqFor(cpu);
    const ipi = (this.ipiPending[cpu]! & ~this.ipiMasked[cpu]!) >>> 0;
    let ev = 0;
    if (irq !== undefined) {
      this.mask[irq >> 5]! |= 1 << (irq & 31);
      ev = 0x10000 | irq;
    } else if (ipi & OTHER) {
      this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | OTHER) >>> 0;
      ev = 0x40001;
    } else if (ipi & SELF) {
      this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | SELF) >>> 0;
      ev = 0x40002;
    }
    this.update();
    return ev;
  }

  /** A device's level-triggered line (§2.7 rule 1: pending = hw_line OR sw). */
  setLine(irq: number, level: boolean): void {
    if (level) this.hw[irq >> 5]! |= 1 << (irq & 31);
    else this.hw[irq >> 5]! &= ~(1 << (irq & 31));
    this.update();
  }

  view(cpu: number): MmioDevice {
    return {
      read32: (offset) => {
        this.log.push({ dev: 'aic', cpu, write: false, offset, value: 0n });
        if (offset === 0x0004) return 896; // INFO
        if (offset === 0x2000) return cpu; // WHOAMI
        if (offset === 0x2004) return this.event(cpu);
        return 0;
      },
      write32: (offset, value) => {
        this.log.push({ dev: 'aic', cpu, write: true, offset, value: BigInt(value) });
        const w = (offset & 0x7f) >> 2;
        if (offset === 0x2008) {
          for (let c = 0; c < this.cpus; c++) if (value & (1 << c)) this.ipiPending[c] = (this.ipiPending[c]! | OTHER) >>> 0;
          if (value & SELF) this.ipiPending[cpu] = (this.ipiPending[cpu]! | SELF) >>> 0;
        } else if (offset === 0x200c) this.ipiPending[cpu] = (this.ipiPending[cpu]! & ~value) >>> 0;
        else if (offset === 0x2024) this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | value) >>> 0;
        else if (offset === 0x2028) this.ipiMasked[cpu] = (this.ipiMasked[cpu]! & ~value) >>> 0;
        else if (offset >= 0x3000 && offset < 0x4000) this.target[(offset - 0x3000) >> 2] = value;
        else if (offset >= 0x4000 && offset < 0x4080) this.sw[w]! |= value;
        else if (offset >= 0x4080 && offset < 0x4100) this.sw[w]! &= ~value;
        else if (offset >= 0x4100 && offset < 0x4180) this.mask[w]! |= value;
        else if (offset >= 0x4180 && offset < 0x4200) this.mask[w]! &= ~value;
        this.update();
      },
    };
  }
}

/**
 * AP GPIO pin storage with external input levels and IRQ groups (apple-devices §3.2–3.4, edge
 * modes only): `setInput` changes a pin's level, a matching edge latches the pin in its group,
 * a write of 1 to IRQ_GROUP[g][w] acknowledges it, and group g drives AIC line 190 + g.
 */
export class GpioStub extends StorageStub {
  private readonly levels = new Map<number, boolean>();
  private readonly pending = new Uint32Array(7 * 7);

  constructor(
    log: Access[],
    private readonly setLine: (irq: number, level: boolean) => void,
  ) {
    super('gpio', log);
  }

  private config(pin: number): number {
    return Number(this.words.get(4 * pin) ?? 0n);
  }

  setInput(pin: number, level: boolean): void {
    const was = this.levels.get(pin) ?? false;
    this.levels.set(pin, level);
    const cfg = this.config(pin);
    const mode = (cfg >> 1) & 7;
    const edge = (mode === 4 && level && !was) || (mode === 5 && !level && was) || (mode === 6 && level !== was);
    if (!edge) return;
    const group = (cfg >> 16) & 7;
    this.pending[group * 7 + (pin >> 5)]! |= 1 << (pin & 31);
    this.update(group);
  }

  private update(group: number): void {
    this.setLine(190 + group, this.pending.subarray(group * 7, group * 7 + 7).some((w) => w !== 0));
  }

  override read32(offset: number): number {
    if (offset >= 0x800 && offset < 0x800 + 0x40 * 7) return this.pending[((offset - 0x800) >> 6) * 7 + ((offset & 0x3f) >> 2)]! >>> 0;
    const v = super.read32(offset);
    if (offset >= 0x800 || ((v >> 1) & 7) === 1) return v;
    return (v & ~1) | (this.levels.get(offset >> 2) ? 1 : 0); // an input reads the external level
  }

  override write32(offset: number, value: number): void {
    if (offset >= 0x800 && offset < 0x800 + 0x40 * 7) {
      this.log.push({ dev: this.name, cpu: -1, write: true, offset, value: BigInt(value) });
      const group = (offset - 0x800) >> 6;
      this.pending[group * 7 + ((offset & 0x3f) >> 2)]! &= ~value;
      this.update(group);
      return;
    }
    super.write32(offset, value);
  }
}
