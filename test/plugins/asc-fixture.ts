// Test fixture for the ASC and DCP tracer plugins: the j274 ADT with /arm-io/dcp (§9.4: reg[0] at
// 0x231c00000, first child iop-dcp-nub with asc-dram-mask 0xf00000000) and a second ASC (`ans`,
// its DART's mapper on stream 1), a TestBackend that also serves guest memory (readMemory) and
// the DART registers (readMmio), page tables built as §6.2 describes, and the AP side of the
// mailbox as §4.3 describes (INBOX0 then INBOX1 to send; OUTBOX_CTRL, OUTBOX0, OUTBOX1 to receive).

import { encodeStringList, encodeU32, encodeU32Array, encodeU64Array, type AdtNodeSpec } from '../../core/formats/adt/index.ts';
import type { MmioReply } from '../../core/plugin/backend.ts';
import { AIC_PHANDLE, j274Adt, TestBackend } from '../plugin/helpers.ts';

export const DCP_ASC = 0x231c00000n;
export const DART_DCP = 0x23130c000n;
export const ANS_ASC = 0x23ac00000n;
export const DART_ANS = 0x23ac80000n;
export const DRAM_MASK = 0xf00000000n;
export const PAGE = 0x4000n;

const reg = (bus: bigint, size: bigint): Uint8Array => encodeU64Array([bus, size]);

export const ASC_NODES: AdtNodeSpec[] = [
  {
    name: 'dcp',
    props: { compatible: encodeStringList(['iop,ascwrap-v4']), reg: reg(0x31c00000n, 0xc000n), interrupts: encodeU32Array([427, 428, 429, 430]), 'interrupt-parent': encodeU32(AIC_PHANDLE) },
    children: [{ name: 'iop-dcp-nub', props: { 'asc-dram-mask': encodeU64Array([DRAM_MASK]) } }],
  },
  {
    name: 'ans',
    props: { compatible: encodeStringList(['iop,ascwrap-v4']), reg: reg(0x3ac00000n, 0xc000n) },
    children: [{ name: 'iop-ans-nub', props: {} }],
  },
  {
    name: 'dart-ans',
    props: { compatible: encodeStringList(['dart,t8020']), reg: reg(0x3ac80000n, 0x4000n) },
    children: [{ name: 'mapper-ans', props: { reg: encodeU32(1) } }],
  },
];

/** Guest memory in 16 KiB pages, the DART register file, page tables. */
export class AscBackend extends TestBackend {
  readonly pages = new Map<bigint, Uint8Array>();
  /** DART registers (TCR, TTBR) by physical address. */
  readonly mmio: Map<bigint, bigint>;
  /** Memory and MMIO reads the tracer made (addresses). */
  readonly memReads: bigint[] = [];
  private nextTable = 0x810000000n;
  /** (dart base, sid, iova page) → pa, to write test data at DVAs. */
  private readonly maps = new Map<string, bigint>();

  /** The DART registers as the hardware answers them. */
  override readMmio: ((addr: bigint, width: number) => Promise<bigint>) | undefined = async (addr: bigint): Promise<bigint> => {
    this.memReads.push(addr);
    const v = this.mmio.get(addr);
    if (v !== undefined) return v;
    // Registers the AP wrote through traced accesses were recorded as memory.
    const b = await this.readMemory(addr, 4);
    return BigInt(new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true));
  };

  readMemory = async (addr: bigint, size: number): Promise<Uint8Array> => {
    this.memReads.push(addr);
    const out = new Uint8Array(size);
    for (let i = 0; i < size; ) {
      const a = addr + BigInt(i);
      const page = a & ~(PAGE - 1n);
      const at = Number(a - page);
      const n = Math.min(size - i, Number(PAGE) - at);
      const p = this.pages.get(page);
      if (p) out.set(p.subarray(at, at + n), i);
      i += n;
    }
    return out;
  };

  constructor() {
    const mmio = new Map<bigint, bigint>();
    super(j274Adt({ extra: ASC_NODES }), { hardware: (addr) => mmio.get(addr) ?? 0n });
    this.mmio = mmio;
  }

  writeMem(addr: bigint, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const a = addr + BigInt(i);
      const page = a & ~(PAGE - 1n);
      let p = this.pages.get(page);
      if (!p) this.pages.set(page, (p = new Uint8Array(Number(PAGE))));
      const at = Number(a - page);
      const n = Math.min(bytes.length - i, Number(PAGE) - at);
      p.set(bytes.subarray(i, i + n), at);
      i += n;
    }
  }

  private u64(addr: bigint): bigint {
    const p = this.pages.get(addr & ~(PAGE - 1n));
    return p ? new DataView(p.buffer).getBigUint64(Number(addr & (PAGE - 1n)), true) : 0n;
  }

  private setU64(addr: bigint, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.writeMem(addr, b);
  }

  /**
   * Maps [iova, iova+size) to [pa, …) in `dart` stream `sid` as §6.2/§6.3 describe: TCR
   * TRANSLATE_ENABLE, TTBR[sid][iova>>36] valid → L1, L1 entry → L2, leaf PTE = PA | (0xfff<<40) | 3.
   */
  map(dart: bigint, sid: number, iova: bigint, pa: bigint, size: number): void {
    this.mmio.set(dart + 0x100n + BigInt(4 * sid), 0x80n);
    for (let off = 0n; off < BigInt(size); off += PAGE) {
      const va = iova + off;
      const ttbrAddr = dart + 0x200n + BigInt(16 * sid) + 4n * ((va >> 36n) & 3n);
      let ttbr = this.mmio.get(ttbrAddr) ?? 0n;
      if ((ttbr & 0x80000000n) === 0n) {
        const l1 = this.allocTable();
        ttbr = 0x80000000n | (l1 >> 12n);
        this.mmio.set(ttbrAddr, ttbr);
      }
      const l1 = (ttbr & 0x7fffffffn) << 12n;
      const e1Addr = l1 + 8n * ((va >> 25n) & 0x7ffn);
      let e1 = this.u64(e1Addr);
      if ((e1 & 1n) === 0n) {
        e1 = this.allocTable() | 3n;
        this.setU64(e1Addr, e1);
      }
      const l2 = e1 & 0x000000ffffffc000n;
      this.setU64(l2 + 8n * ((va >> 14n) & 0x7ffn), (pa + off) | (0xfffn << 40n) | 3n);
      this.maps.set(`${dart}:${sid}:${va}`, pa + off);
    }
  }

  private allocTable(): bigint {
    const t = this.nextTable;
    this.nextTable += PAGE;
    this.writeMem(t, new Uint8Array(Number(PAGE)));
    return t;
  }

  /** Writes bytes at a device address of a mapping made with map() (test data, not traced). */
  writeIova(dart: bigint, sid: number, iova: bigint, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const va = iova + BigInt(i);
      const page = va & ~(PAGE - 1n);
      const pa = this.maps.get(`${dart}:${sid}:${page}`);
      if (pa === undefined) throw new Error(`IOVA 0x${va.toString(16)} is not mapped`);
      const at = Number(va - page);
      const n = Math.min(bytes.length - i, Number(PAGE) - at);
      this.writeMem(pa + BigInt(at), bytes.subarray(i, i + n));
      i += n;
    }
  }
}

/** The AP side of one ASC's mailbox (§4.1 offsets, §4.3 sequences), awaiting each traced access. */
export class ApMailbox {
  constructor(
    private readonly backend: TestBackend,
    private readonly base: bigint,
    private readonly cpu = 0,
  ) {}

  private async do(r: MmioReply | Promise<MmioReply>): Promise<void> {
    await r;
  }

  /** §4.3 AP send: msg0 to INBOX0 (0x8800), msg1 = EP to INBOX1 (0x8808), 64-bit stores. */
  async send(ep: number, msg0: bigint): Promise<void> {
    await this.do(this.backend.write(this.base + 0x8800n, msg0, { width: 8, cpu: this.cpu }));
    await this.do(this.backend.write(this.base + 0x8808n, BigInt(ep), { width: 8, cpu: this.cpu }));
  }

  /** §4.3 AP receive: OUTBOX_CTRL not EMPTY, OUTBOX0 (0x8830), OUTBOX1 (0x8838) pops. */
  async recv(ep: number, msg0: bigint): Promise<void> {
    await this.do(this.backend.read(this.base + 0x8114n, 0x100001n, { cpu: this.cpu }));
    await this.do(this.backend.read(this.base + 0x8830n, msg0, { width: 8, cpu: this.cpu }));
    await this.do(this.backend.read(this.base + 0x8838n, BigInt(ep), { width: 8, cpu: this.cpu }));
  }

  /** §4.3 start: read-modify-write of CPU_CONTROL.RUN. */
  async start(): Promise<void> {
    await this.do(this.backend.read(this.base + 0x44n, 0n, { cpu: this.cpu }));
    await this.do(this.backend.write(this.base + 0x44n, 0x10n, { cpu: this.cpu }));
  }
}

/** A syslog entry (§5.5): hdr, unk, 24-byte context, then the message, NUL-terminated. */
export function syslogEntry(context: string, message: string, entrySize: number): Uint8Array {
  const e = new Uint8Array(0x20 + entrySize);
  e.set(new TextEncoder().encode(context).subarray(0, 23), 8);
  e.set(new TextEncoder().encode(message).subarray(0, entrySize - 1), 0x20);
  return e;
}
