// Test machine for the CPU model: one RAM region, every executor over the shared decoder,
// helpers to place code and page tables.
import { SparseRam } from '../../sim/memory/index.ts';
import { Core, PhysicalBus, CodeCache, type CoreOptions } from '../../sim/cpu/index.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';

export const RAM_BASE = 0x8_0000_0000;
export const CODE = RAM_BASE + 0x10000;
export const VBAR1 = RAM_BASE + 0x20000;
export const VBAR2 = RAM_BASE + 0x30000;

export const NOP = 0xd503201f;
export const B_SELF = 0x14000000;
export const ERET = 0xd69f03e0;
export const WFI = 0xd503207f;
export const WFE = 0xd503205f;
export const SEV = 0xd503209f;
export const svc = (imm: number): number => (0xd4000001 | (imm << 5)) >>> 0;
export const hvc = (imm: number): number => (0xd4000002 | (imm << 5)) >>> 0;
export const brk = (imm: number): number => (0xd4200000 | (imm << 5)) >>> 0;
export const movz = (rd: number, imm: number): number => (0xd2800000 | (imm << 5) | rd) >>> 0;
/** STR Xt, [Xn] and LDR Xt, [Xn] (unsigned offset 0). */
export const strX = (rt: number, rn: number): number => (0xf9000000 | (rn << 5) | rt) >>> 0;
export const ldrX = (rt: number, rn: number): number => (0xf9400000 | (rn << 5) | rt) >>> 0;

export interface Machine {
  ram: SparseRam;
  core: Core;
  codeCache: CodeCache;
}

export function machine(options: Partial<CoreOptions> = {}): Machine {
  const ram = new SparseRam({ base: BigInt(RAM_BASE), sizeBytes: 0x400_0000n });
  const codeCache = new CodeCache();
  const executors = createExecutorRegistry();
  const core = new Core({ bus: new PhysicalBus(codeCache.watch(ram), [ram]), executors, codeCache, ...options });
  core.sysregs.set('VBAR_EL1', BigInt(VBAR1));
  core.sysregs.set('VBAR_EL2', BigInt(VBAR2));
  // Vectors full of B . so a taken exception stays put.
  for (let off = 0; off < 0x800; off += 4) {
    put(ram, VBAR1 + off, [B_SELF]);
    put(ram, VBAR2 + off, [B_SELF]);
  }
  return { ram, core, codeCache };
}

export function put(ram: SparseRam, pa: number, words: readonly number[]): void {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  ram.writeAt(pa - RAM_BASE, bytes, 0, bytes.length);
}

export function put64(ram: SparseRam, pa: number, value: bigint): void {
  ram.storeAt(pa - RAM_BASE, 8, value);
}

/** Puts the core at `el` (h = SP_ELx) with PC = `pc` and D A I F clear. */
export function enter(core: Core, el: number, pc: number): void {
  core.selectStack(el, 1);
  core.daif = 0;
  core.pc = pc;
  core.contextChanged();
}
