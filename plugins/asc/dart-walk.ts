// Layer: plugins/asc. Reading a coprocessor's shared buffers the way the firmware sees them:
// DVA → IOVA (strip the IOP nub's asc-dram-mask, keep 36 bits, §4.4, §5.4) → physical address by
// walking the DART's page tables from its TTBR registers (§6.1, §6.2), then guest memory. The
// ADT tells which DART and stream serve an ASC (§9.6). Imports core/formats/adt and
// core/errors.ts.

import { adtRegPhys, findNode, type AdtNode } from '../../core/formats/adt/index.ts';
import { HvdbgError } from '../../core/errors.ts';

export const DART_PAGE = 0x4000;
const PAGE_MASK = 0x3fffn;
const PTE_ADDR = 0x000000ffffffc000n;
const IOVA_MASK = (1n << 36n) - 1n;

/** Where an ASC's DMA goes: its DART (base, stream) and the DVA bits that are not IOVA. */
export interface DartRoute {
  /** ADT path of the DART. */
  readonly path: string;
  readonly base: bigint;
  readonly sid: number;
  /** `asc-dram-mask` of the ASC's first child (0 when absent, §5.4). */
  readonly dramMask: bigint;
  /** PTE address layout (§6.3): t8020 keeps PA[39:14] in place, t6000 holds PA>>14 in [39:10]. */
  readonly pte: 't8020' | 't6000';
}

export class DartWalkError extends HvdbgError {
  constructor(code: 'ASC_NO_DART' | 'ASC_DART_FAULT' | 'ASC_DART_BYPASS_UNKNOWN', message: string, hint: string) {
    super(code, message, { hint, fatal: false });
  }
}

/** The guest access a walk needs: 32-bit MMIO reads of the DART and physical memory reads. */
export interface DartIo {
  mmio32(addr: bigint): Promise<number>;
  memory(addr: bigint, size: number): Promise<Uint8Array>;
}

/**
 * The DART of `asc` from the ADT: `dartPath` (config) or `/arm-io/dart-<asc name>`; the stream is
 * the DART's first child's `reg` (§6: `mapper-dcp` reg = SID), 0 when absent.
 */
export function findDartRoute(adt: AdtNode, asc: AdtNode, dartPath?: string): DartRoute | undefined {
  const parent = asc.path.slice(0, asc.path.lastIndexOf('/')) || '';
  const node = findNode(adt, dartPath ?? `${parent}/dart-${asc.name}`);
  if (!node || !node.has('reg')) return undefined;
  let sid = 0;
  const mapper = node.children[0];
  if (mapper?.has('reg')) {
    try {
      sid = mapper.u32('reg');
    } catch {
      sid = 0;
    }
  }
  let dramMask = 0n;
  const nub = asc.children[0];
  if (nub?.has('asc-dram-mask')) {
    try {
      dramMask = nub.u64('asc-dram-mask');
    } catch {
      dramMask = 0n;
    }
  }
  let compatible: string[] = [];
  try {
    compatible = node.has('compatible') ? node.strings('compatible') : [];
  } catch {
    compatible = [];
  }
  // §6: dart,t8110 has another register layout this walker does not know.
  if (compatible.some((c) => c.startsWith('dart,t8110'))) return undefined;
  const pte = compatible.some((c) => c.startsWith('dart,t6000')) ? 't6000' : 't8020';
  return { path: node.path, base: adtRegPhys(node, 0).addr, sid, dramMask, pte };
}

/** §4.4/§5.4: the IOVA the DART tables are indexed with. */
export function dvaToIova(dva: bigint, dramMask: bigint): bigint {
  return dva & ~dramMask & IOVA_MASK;
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const u64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

/**
 * One walk context: translations are cached for its lifetime only (one traced event), since the
 * tracer does not see the guest edit the tables.
 */
export class DartWalker {
  private readonly pages = new Map<bigint, bigint>();
  private bypass: boolean | undefined;
  constructor(
    private readonly route: DartRoute,
    private readonly io: DartIo,
  ) {}

  /** §6.2 translation of one IOVA page; throws ASC_DART_FAULT naming the missing level. */
  async translate(iova: bigint): Promise<bigint> {
    const page = iova & ~PAGE_MASK;
    const hit = this.pages.get(page);
    if (hit !== undefined) return hit | (iova & PAGE_MASK);
    const { base, sid } = this.route;
    if (this.bypass === undefined) {
      // §6.1 TCR: TRANSLATE_ENABLE [7], BYPASS_DART [8].
      const tcr = await this.io.mmio32(base + 0x100n + BigInt(4 * sid));
      this.bypass = (tcr & 0x180) === 0x100;
    }
    let pa: bigint;
    if (this.bypass) {
      pa = page;
    } else {
      const n = Number((iova >> 36n) & 3n);
      const ttbr = await this.io.mmio32(base + 0x200n + BigInt(16 * sid + 4 * n));
      if (((ttbr >>> 31) & 1) === 0) throw this.fault('NO_TTBR', iova, `TTBR[${sid}][${n}] = ${hex(ttbr)} is not valid`);
      const l1 = BigInt(ttbr & 0x7fffffff) << 12n;
      const e1 = u64(await this.io.memory(l1 + 8n * ((iova >> 25n) & 0x7ffn), 8));
      if ((e1 & 1n) === 0n) throw this.fault('NO_PMD', iova, `L1 entry ${hex(e1)} is not valid`);
      const e2 = u64(await this.io.memory(this.pteAddr(e1) + 8n * ((iova >> 14n) & 0x7ffn), 8));
      if ((e2 & 1n) === 0n) throw this.fault('NO_PTE', iova, `L2 entry ${hex(e2)} is not valid`);
      pa = this.pteAddr(e2);
    }
    this.pages.set(page, pa);
    return pa | (iova & PAGE_MASK);
  }

  private pteAddr(pte: bigint): bigint {
    return this.route.pte === 't6000' ? ((pte >> 10n) & 0x3fffffffn) << 14n : pte & PTE_ADDR;
  }

  /** `size` bytes at `dva` as the IOP sees them, page by page. */
  async read(dva: bigint, size: number): Promise<Uint8Array> {
    const out = new Uint8Array(size);
    let iova = dvaToIova(dva, this.route.dramMask);
    let at = 0;
    while (at < size) {
      const inPage = DART_PAGE - Number(iova & PAGE_MASK);
      const n = Math.min(inPage, size - at);
      const pa = await this.translate(iova);
      out.set((await this.io.memory(pa, n)).subarray(0, n), at);
      at += n;
      iova += BigInt(n);
    }
    return out;
  }

  private fault(kind: string, iova: bigint, why: string): DartWalkError {
    return new DartWalkError('ASC_DART_FAULT', `${this.route.path} stream ${this.route.sid}: IOVA ${hex(iova)} does not translate (${kind}: ${why})`, 'the buffer is not mapped in the DART page tables the tracer walked (apple-devices §6.2)');
  }
}
