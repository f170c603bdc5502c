// Layer: gdbstub. Imports nothing. The AArch64 register table as data: one record per
// register drives the target description XML (target-description.ts), the `g`/`G` packet
// layout and `p`/`P` numbering (rsp/handlers/registers.ts), and the stop reply's expedited set.
//
// Numbering: gdb takes remote register numbers from the `regnum` attributes we send, so they
// are ours to choose; core and FPU follow gdb's own aarch64 layout (x0–x30 = 0–30, sp 31,
// pc 32, cpsr 33, v0–v31 34–65, fpsr 66, fpcr 67) so a `g` dump reads the same as QEMU's.
// System registers are not in the `g` packet: gdb fetches registers past the end of a short
// `g` reply with `p`, so they cost nothing on a `stepi` and one packet each when shown.

export type FeatureName = 'org.gnu.gdb.aarch64.core' | 'org.gnu.gdb.aarch64.fpu' | 'org.hvdbg.aarch64.sysregs';

export interface RegisterDef {
  readonly name: string;
  readonly regnum: number;
  readonly bitsize: 32 | 64 | 128;
  /** A gdb predefined type (`uint64`, `code_ptr`…) or one the feature defines (`cpsr_flags`). */
  readonly type: string;
  readonly feature: FeatureName;
  /** gdb register group; absent = gdb's default by type. */
  readonly group?: 'general' | 'float' | 'vector' | 'system';
  /** Part of the `g`/`G` packet. */
  readonly inG: boolean;
  /** gdb restores it after an inferior call; wrong for MMU/exception state. */
  readonly saveRestore: boolean;
}

const CORE = 'org.gnu.gdb.aarch64.core';
const FPU = 'org.gnu.gdb.aarch64.fpu';
const SYS = 'org.hvdbg.aarch64.sysregs';

const xRegs = Array.from({ length: 31 }, (_, i) => `x${i}` as const);
const vRegs = Array.from({ length: 32 }, (_, i) => `v${i}` as const);

/** EL1 state a kernel debugger wants, in the order gdb shows them (regnum 68 onwards). */
const SYSREGS = [
  ['sctlr_el1', 'uint64'],
  ['tcr_el1', 'uint64'],
  ['ttbr0_el1', 'data_ptr'],
  ['ttbr1_el1', 'data_ptr'],
  ['mair_el1', 'uint64'],
  ['vbar_el1', 'code_ptr'],
  ['esr_el1', 'uint64'],
  ['far_el1', 'data_ptr'],
  ['elr_el1', 'code_ptr'],
  ['spsr_el1', 'uint64'],
  ['sp_el0', 'data_ptr'],
  ['sp_el1', 'data_ptr'],
  ['currentel', 'uint64'],
  ['tpidr_el1', 'data_ptr'],
  ['tpidr_el0', 'data_ptr'],
  ['contextidr_el1', 'uint64'],
  ['cpacr_el1', 'uint64'],
  ['par_el1', 'uint64'],
  ['mpidr_el1', 'uint64'],
] as const;

export type SysregName = (typeof SYSREGS)[number][0];
export type RegisterName = (typeof xRegs)[number] | 'sp' | 'pc' | 'cpsr' | (typeof vRegs)[number] | 'fpsr' | 'fpcr' | SysregName;

function build(): RegisterDef[] {
  const regs: RegisterDef[] = [];
  const add = (def: Omit<RegisterDef, 'regnum'>) => regs.push({ ...def, regnum: regs.length });
  for (const name of xRegs) add({ name, bitsize: 64, type: 'uint64', feature: CORE, inG: true, saveRestore: true });
  add({ name: 'sp', bitsize: 64, type: 'data_ptr', feature: CORE, inG: true, saveRestore: true });
  add({ name: 'pc', bitsize: 64, type: 'code_ptr', feature: CORE, inG: true, saveRestore: true });
  add({ name: 'cpsr', bitsize: 32, type: 'cpsr_flags', feature: CORE, inG: true, saveRestore: true });
  for (const name of vRegs) add({ name, bitsize: 128, type: 'aarch64v', feature: FPU, inG: true, saveRestore: true });
  add({ name: 'fpsr', bitsize: 32, type: 'uint32', feature: FPU, inG: true, saveRestore: true });
  add({ name: 'fpcr', bitsize: 32, type: 'uint32', feature: FPU, inG: true, saveRestore: true });
  for (const [name, type] of SYSREGS) add({ name, bitsize: 64, type, feature: SYS, group: 'system', inG: false, saveRestore: false });
  return regs;
}

export const AARCH64_REGISTERS: readonly RegisterDef[] = build();

const byName = new Map(AARCH64_REGISTERS.map((r) => [r.name, r]));

export function registerByNum(regnum: number): RegisterDef | undefined {
  return AARCH64_REGISTERS[regnum];
}

export function registerByName(name: RegisterName): RegisterDef {
  const def = byName.get(name);
  if (def === undefined) throw new Error(`register table has no ${name}`); // a bug in this file
  return def;
}

/** The `g` packet: these registers, in this order, each bitsize/8 bytes little-endian. */
export const G_PACKET_REGISTERS: readonly RegisterDef[] = AARCH64_REGISTERS.filter((r) => r.inG);

/**
 * Sent with every stop reply: what gdb reads right after a stop to find the frame
 * (pc, sp, fp = x29, lr = x30) and to decode the instruction set and EL (cpsr).
 */
export const EXPEDITED_REGISTERS: readonly RegisterName[] = ['pc', 'sp', 'x29', 'x30', 'cpsr'];

/** CPSR bit fields shown by gdb (`p $cpsr`): ARM ARM D1.2 / C5.2.19 SPSR_ELx layout. */
export const CPSR_FIELDS: ReadonlyArray<{ name: string; start: number; end: number }> = [
  { name: 'SP', start: 0, end: 0 },
  { name: 'EL', start: 2, end: 3 },
  { name: 'nRW', start: 4, end: 4 },
  { name: 'F', start: 6, end: 6 },
  { name: 'I', start: 7, end: 7 },
  { name: 'A', start: 8, end: 8 },
  { name: 'D', start: 9, end: 9 },
  { name: 'BTYPE', start: 10, end: 11 },
  { name: 'SSBS', start: 12, end: 12 },
  { name: 'IL', start: 20, end: 20 },
  { name: 'SS', start: 21, end: 21 },
  { name: 'PAN', start: 22, end: 22 },
  { name: 'UAO', start: 23, end: 23 },
  { name: 'DIT', start: 24, end: 24 },
  { name: 'TCO', start: 25, end: 25 },
  { name: 'V', start: 28, end: 28 },
  { name: 'C', start: 29, end: 29 },
  { name: 'Z', start: 30, end: 30 },
  { name: 'N', start: 31, end: 31 },
];
