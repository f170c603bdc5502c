// The AP side of the DCP's mailbox and DART driven by a host through m1n1 proxy ops only
// (P_READ/P_WRITE, MEMREAD/MEMWRITE, P_CALL), written from apple-devices §4.3, §5.2–§5.5 and
// §6.1–§6.4 — not from the model's code. Time on the virtual M1 moves only while a core runs;
// the host keeps it moving as on a Mac by starting CPU 1 through PMGR (apple-devices §8.4) at a
// `wfi` loop of its own, which the machine then runs in the background, so a wait is just a wait.
import type { Link } from '../../core/link/connect.ts';
import { SCRATCH } from '../link/helpers.ts';

// §9.4 addresses and §4.1 offsets, spelled out here on purpose.
export const ASC = 0x231c00000n;
export const CPU_CONTROL = ASC + 0x44n;
export const INBOX_CTRL = ASC + 0x8110n;
export const OUTBOX_CTRL = ASC + 0x8114n;
export const INBOX0 = ASC + 0x8800n;
export const INBOX1 = ASC + 0x8808n;
export const OUTBOX0 = ASC + 0x8830n;
export const OUTBOX1 = ASC + 0x8838n;
export const EMPTY = 1 << 17;
export const DART_DCP = 0x23130c000n;
export const ASC_DRAM_MASK = 0xf00000000n;
// §6.1
export const DART_ERROR = 0x040n;
export const DART_ERROR_ADDR_LO = 0x050n;
export const DART_ERROR_ADDR_HI = 0x054n;
const STREAM_COMMAND = 0x020n;
const STREAM_SELECT = 0x034n;
const TCR = (sid: number): bigint => 0x100n + 4n * BigInt(sid);
const TTBR = (sid: number, n: number): bigint => 0x200n + 16n * BigInt(sid) + 4n * BigInt(n);
const PAGE = 0x4000n;

/** 1: wfi; b 1b — where CPU 1 idles. */
const IDLE_LOOP = [0xd503207f, 0x17ffffff];
/** §8.3/§8.4: cpu1's RVBAR (cpu-impl-reg[0] of cluster 0 core 1) and PMGR's CPU-start block. */
const CPU1_RVBAR = 0x2_1015_0000n;
const PMGR_CPU_START = 0x2_3b75_4000n;

export interface Msg {
  ep: number;
  msg0: bigint;
}

export class ProxyAp {
  /** Every message in order, as a tracer would list them. */
  readonly log: Array<Msg & { dir: '>' | '<' }> = [];
  private constructor(readonly link: Link) {}

  static async create(link: Link, idleAt = SCRATCH + 0x3f_c000n): Promise<ProxyAp> {
    const code = new Uint8Array(IDLE_LOOP.length * 4);
    IDLE_LOOP.forEach((w, i) => new DataView(code.buffer).setUint32(4 * i, w >>> 0, true));
    await link.client.memWrite(idleAt, code);
    // §8.4: RVBAR, then the core-enable bit 1 << (4·cluster + core), then cluster 0's start register.
    await link.proxy.write64(CPU1_RVBAR, idleAt);
    await link.proxy.write32(PMGR_CPU_START + 0x4n, 1n << 1n);
    await link.proxy.write32(PMGR_CPU_START + 0x8n, 1n << 1n);
    return new ProxyAp(link);
  }

  /** Lets some virtual time pass (the machine keeps running CPU 1 meanwhile). */
  async idle(ms = 2): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  async run(): Promise<void> {
    // §4.3: read-modify-write of CPU_CONTROL.RUN.
    const v = await this.link.proxy.read32(CPU_CONTROL);
    await this.link.proxy.write32(CPU_CONTROL, v | 0x10n);
  }

  /** §4.3 AP send: msg0 to INBOX0, then msg1 (the endpoint) to INBOX1, which pushes. */
  async send(ep: number, msg0: bigint): Promise<void> {
    this.log.push({ dir: '>', ep, msg0 });
    await this.link.proxy.write64(INBOX0, msg0);
    await this.link.proxy.write64(INBOX1, BigInt(ep));
  }

  /** §4.3 AP receive, waiting up to `spins` idles; undefined if nothing came. */
  async tryRecv(spins = 200): Promise<Msg | undefined> {
    for (let i = 0; i <= spins; i++) {
      const ctrl = Number(await this.link.proxy.read32(OUTBOX_CTRL));
      if ((ctrl & EMPTY) === 0) {
        const msg0 = await this.link.proxy.read64(OUTBOX0);
        const msg1 = await this.link.proxy.read64(OUTBOX1);
        const m = { ep: Number(msg1 & 0xffn), msg0 };
        this.log.push({ dir: '<', ...m });
        return m;
      }
      if (i < spins) await this.idle();
    }
    return undefined;
  }

  async recv(spins = 200): Promise<Msg> {
    const m = await this.tryRecv(spins);
    if (!m) throw new Error('no message from the IOP');
    return m;
  }
}

/** A DART stream's tables built by the host in RAM (§6.2, §6.3) and programmed over MMIO (§6.1, §6.4). */
export class ProxyDart {
  private next: bigint;
  readonly l1: bigint;
  private readonly l2 = new Map<number, bigint>();

  constructor(
    private readonly link: Link,
    readonly base: bigint,
    readonly sid: number,
    /** 16 KiB-aligned RAM the host owns for tables. */
    tables: bigint,
  ) {
    this.l1 = tables;
    this.next = tables + PAGE;
  }

  async init(): Promise<void> {
    await this.link.client.memWrite(this.l1, new Uint8Array(Number(PAGE)));
    await this.link.proxy.write32(this.base + TTBR(this.sid, 0), (this.l1 >> 12n) | (1n << 31n));
    await this.link.proxy.write32(this.base + TCR(this.sid), 0x80n);
    await this.invalidate();
  }

  async invalidate(): Promise<void> {
    await this.link.proxy.write32(this.base + STREAM_SELECT, 1n << BigInt(this.sid));
    await this.link.proxy.write32(this.base + STREAM_COMMAND, 1n << 20n);
    for (let i = 0; i < 10 && (Number(await this.link.proxy.read32(this.base + STREAM_COMMAND)) & 4) !== 0; i++);
  }

  /** Ensures an L2 table for L1 index `i1` (the L1 PTE as m1n1's Python builds it: L2 | 2 | 1). */
  async l2For(i1: number): Promise<bigint> {
    let l2 = this.l2.get(i1);
    if (l2 === undefined) {
      l2 = this.next;
      this.next += PAGE;
      await this.link.client.memWrite(l2, new Uint8Array(Number(PAGE)));
      await this.link.proxy.write64(this.l1 + 8n * BigInt(i1), l2 | 3n);
      this.l2.set(i1, l2);
    }
    return l2;
  }

  /** Leaf PTEs as m1n1 builds them: PA | SP_END 0xfff | SP_PROT_DIS | VALID (§6.3). */
  async map(iova: bigint, pa: bigint, size: bigint): Promise<void> {
    for (let off = 0n; off < size; off += PAGE) {
      const va = iova + off;
      const l2 = await this.l2For(Number((va >> 25n) & 0x7ffn));
      await this.link.proxy.write64(l2 + 8n * ((va >> 14n) & 0x7ffn), (pa + off) | (0xfffn << 40n) | 3n);
    }
    await this.invalidate();
  }

  async error(): Promise<{ error: number; addr: bigint }> {
    const error = Number(await this.link.proxy.read32(this.base + DART_ERROR));
    const lo = await this.link.proxy.read32(this.base + DART_ERROR_ADDR_LO);
    const hi = await this.link.proxy.read32(this.base + DART_ERROR_ADDR_HI);
    return { error, addr: lo | (hi << 32n) };
  }

  async clearError(): Promise<void> {
    await this.link.proxy.write32(this.base + DART_ERROR, 0xffffffffn);
  }
}
