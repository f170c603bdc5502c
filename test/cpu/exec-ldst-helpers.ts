// Shared pieces of the ldst executor unit tests (exec-ldst.test.ts, exec-ldst-sync-mmu.test.ts):
// instruction words from `llvm-mc-16 -triple=aarch64 -show-encoding` (the text beside each), a
// one-instruction runner, and the machines (MMU off; a 4K-granule stage 1 with pages of each
// permission). Test code.
import { machine, enter, put64, RAM_BASE, CODE, type Machine } from './helpers.ts';
export { enter, put64, RAM_BASE, CODE, machine, type Machine };
import { Core, EXCEPTION_TAKEN } from '../../sim/cpu/index.ts';
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { LDST_EXECUTORS } from '../../sim/cpu/executors/ldst.ts';

export const registry = new ExecutorRegistry(defaultDecoder()).register(LDST_EXECUTORS);

export const W = {
  LDXR_X: 0xc85f7c20, // ldxr x0, [x1]
  LDXR_W: 0x885f7c20, // ldxr w0, [x1]
  STXR_X: 0xc8027c23, // stxr w2, x3, [x1]
  STLXR_X: 0xc802fc23, // stlxr w2, x3, [x1]
  LDXP_X: 0xc87f1424, // ldxp x4, x5, [x1]
  STXP_X: 0xc8221c26, // stxp w2, x6, x7, [x1]
  LDADD_X: 0xf8230020, // ldadd x3, x0, [x1]
  LDADDH: 0x78230020, // ldaddh w3, w0, [x1]
  LDSMAXH: 0x78234020, // ldsmaxh w3, w0, [x1]
  LDUMIN_X: 0xf8237020, // ldumin x3, x0, [x1]
  SWPB: 0x38238020, // swpb w3, w0, [x1]
  CAS_X: 0xc8a27c23, // cas x2, x3, [x1]
  CASP_X: 0x48227c26, // casp x2, x3, x6, x7, [x1]
  LDAR_W: 0x88dffc20, // ldar w0, [x1]
  LDR_X: 0xf9400020, // ldr x0, [x1]
  LDR_W: 0xb9400020, // ldr w0, [x1]
  STR_X: 0xf9000023, // str x3, [x1]
  LDP_X_PRE: 0xa9c09420, // ldp x0, x5, [x1, #8]!
  STP_X: 0xa9001823, // stp x3, x6, [x1]
  LDTR_X: 0xf8400820, // ldtr x0, [x1]
  STTR_X: 0xf8000823, // sttr x3, [x1]
  PRFM: 0xf9800020, // prfm pldl1keep, [x1]
  PRFM_REG: 0xf8a36830, // prfm pstl1keep, [x1, x3]
  LDRAA: 0xf8201420, // ldraa x0, [x1, #8]
  LDRAB_PRE: 0xf8ffec20, // ldrab x0, [x1, #-16]!
  LDR_POST: 0xf8408420, // ldr x0, [x1], #8
  LDRSH_X_REG: 0x78a37820, // ldrsh x0, [x1, x3, lsl #1]
  LDRSB_W_SXTW: 0x38e3c820, // ldrsb w0, [x1, w3, sxtw]
  LDUR_X: 0xf85ff020, // ldur x0, [x1, #-1]
  STUR_X: 0xf81ff023, // stur x3, [x1, #-1]
  LD4_8H_POST: 0x4cdf0420, // ld4 { v0.8h, v1.8h, v2.8h, v3.8h }, [x1], #64
  LD3R_4S: 0x4d40e83e, // ld3r { v30.4s, v31.4s, v0.4s }, [x1]
  ST2_S_LANE3_POST: 0x4da39024, // st2 { v4.s, v5.s }[3], [x1], x3
  LD1_H_LANE5: 0x4d404822, // ld1 { v2.h }[5], [x1]
  LD1R_8B_POST: 0x0dc3c022, // ld1r { v2.8b }, [x1], x3
  LDR_B: 0x3d400020, // ldr b0, [x1]
  STR_H_PRE: 0x7c1fec20, // str h0, [x1, #-2]!
  STR_X_WB_SAME: 0xf8008c21, // str x1, [x1, #8]! (Rt == Rn: gas's encoding, LLVM refuses it)
  LDR_X_POST_SAME: 0xf8408421, // ldr x1, [x1], #8 (Rt == Rn)
} as const;

export type Outcome = 'ok' | 'fault';

/** Runs one instruction word at the core's pc (no fetch), as the run loop would. */
export function exec(m: Machine | Core, word: number): Outcome {
  const core = m instanceof Core ? m : m.core;
  const p = registry.predecode(word);
  const pc = core.pc;
  try {
    if (p.exec(core, p) !== true) core.pc = pc + 4;
    return 'ok';
  } catch (e) {
    if (e !== EXCEPTION_TAKEN) throw e;
    return 'fault';
  }
}

export const DATA_PA = RAM_BASE + 0x20_0000;

/** MMU off at EL1 (VA = PA over the RAM). */
export function flat(): Machine {
  const m = machine();
  enter(m.core, 1, CODE);
  return m;
}

export const X = (m: Machine | Core, n: number) => (m instanceof Core ? m : m.core).getX(n);
export const setX = (m: Machine, n: number, v: bigint | number) => m.core.setX(n, BigInt(v));
export const esr = (m: Machine) => m.core.sysregs.get('ESR_EL1');
export const far = (m: Machine) => m.core.sysregs.get('FAR_EL1');

// ---- stage 1 for the MMU tests: 4K granule, 39-bit VA ----
const L1 = RAM_BASE + 0x100000;
const L2 = RAM_BASE + 0x101000;
const L3 = RAM_BASE + 0x102000;
const AF = 1n << 10n;
const PAGE = 3n | AF;
export const VA = 0x4000_0000;

/** VA page 0: DATA_PA RW (EL1 only); 1: unmapped; 2: RW (EL1 only); 3: read-only; 4: EL0 and EL1 RW. */
export function paged(m: Machine): void {
  const { ram, core } = m;
  put64(ram, L1 + 8, BigInt(L2) | 3n);
  put64(ram, L2, BigInt(L3) | 3n);
  put64(ram, L3, BigInt(DATA_PA) | PAGE);
  put64(ram, L3 + 16, BigInt(DATA_PA + 0x2000) | PAGE);
  put64(ram, L3 + 24, BigInt(DATA_PA + 0x3000) | PAGE | (2n << 6n));
  put64(ram, L3 + 32, BigInt(DATA_PA + 0x4000) | PAGE | (1n << 6n));
  core.sysregs.set('TCR_EL1', 25n | (2n << 32n));
  core.sysregs.set('TTBR0_EL1', BigInt(L1));
  core.sysregs.writeAs('SCTLR_EL1', 0x30d00801n);
  enter(core, 1, CODE);
}
