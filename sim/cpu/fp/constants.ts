// Layer: sim/cpu/fp. Constants and the small shared state of the FP helpers (see README.md).
// Imports nothing.

/** Element formats, numbered as the Arm ARM's `size` field (1 half, 2 single, 3 double). */
export const FMT_H = 1;
export const FMT_S = 2;
export const FMT_D = 3;

/** FPSR cumulative exception bits. */
export const FPSR_IOC = 1;
export const FPSR_DZC = 2;
export const FPSR_OFC = 4;
export const FPSR_UFC = 8;
export const FPSR_IXC = 16;
export const FPSR_IDC = 128;

/** FPCR control bits. */
export const FPCR_AHP = 1 << 26;
export const FPCR_DN = 1 << 25;
export const FPCR_FZ = 1 << 24;
export const FPCR_RMODE_SHIFT = 22;
export const FPCR_RMODE_MASK = 3 << 22;
export const FPCR_FZ16 = 1 << 19;

/** Rounding modes: 0–3 are FPCR.RMode's coding; TIEAWAY (FCVTA*, FRINTA) and ODD (FCVTXN) are the Arm ARM's extra two. */
export const RN = 0;
export const RP = 1;
export const RM = 2;
export const RZ = 3;
export const TIEAWAY = 4;
export const ODD = 5;

/** The rounding FPCR.RMode selects. */
export const fpcrRounding = (fpcr: number): number => (fpcr >>> FPCR_RMODE_SHIFT) & 3;

/** Anything holding FPCR and FPSR (CpuState / Core satisfy it). Helpers OR flags into `fpsr`. */
export interface FpEnv {
  fpcr: number;
  fpsr: number;
}

/**
 * Second result word. A value is passed as (lo, hi) int32 halves of its bit pattern (hi ignored
 * for half and single); functions return lo and leave hi here (0 for half and single), as
 * Core.read64 leaves its high half in `memHi`.
 */
export const fpOut = { hi: 0 };

// Classification of an operand (FPUnpack's FPType; DENORM is a finite subnormal not flushed).
export const T_ZERO = 0;
export const T_DENORM = 1;
export const T_NORMAL = 2;
export const T_INF = 3;
export const T_QNAN = 4;
export const T_SNAN = 5;

/** Exponent and fraction widths by format. */
export const EBITS = [0, 5, 8, 11] as const;
export const FBITS = [0, 10, 23, 52] as const;
