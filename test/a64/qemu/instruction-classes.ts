// What the lockstep runner must know about an instruction word before stepping it, from the A64
// top-level encoding classes (Arm ARM C4.1) rather than a decoder, so the reference side does not
// depend on the code it checks: exclusive sequences, and which classes can write FP/SIMD state.

/**
 * Whether an instruction word can write v0-v31, FPSR or FPCR, from the A64 top-level encoding
 * (op0 = bits 28:25): SIMD&FP data processing (x111), loads/stores with V = 1 (x1x0, bit 26),
 * and system instructions (MSR FPCR/FPSR; SVC, after which the kernel may deliver a signal).
 */
export function mayWriteFpState(word: number): boolean {
  const op0 = (word >>> 25) & 0xf;
  if ((op0 & 0b0111) === 0b0111) return true;
  if ((op0 & 0b0101) === 0b0100 && (word & (1 << 26)) !== 0) return true;
  return (word & 0xffc00000) >>> 0 === 0xd5000000 || (word & 0xff000000) >>> 0 === 0xd4000000;
}

/** gdb's limit too: an exclusive sequence longer than this is single-stepped (and may spin). */
export const ATOMIC_SEQUENCE_LIMIT = 16;
export const wordAt = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** `svc #0`, the Linux syscall instruction. */
export const SVC_0 = 0xd4000001;

/** LDXR, LDAXR, LDXP, LDAXP (all sizes): load/store exclusive class with o2 = 0, L = 1. */
export const isLoadExclusive = (word: number) => (word & 0x3fc00000) >>> 0 === 0x08400000;
/** STXR, STLXR, STXP, STLXP: the same class with o2 = 0, L = 0. */
export const isStoreExclusive = (word: number) => (word & 0x3fc00000) >>> 0 === 0x08000000;

/** Where a conditional branch (B.cond, CBZ/CBNZ, TBZ/TBNZ) at `pc` goes when taken, else undefined. */
function conditionalTarget(word: number, pc: bigint): bigint | undefined {
  const sext = (v: number, bits: number) => BigInt((v << (32 - bits)) >> (32 - bits));
  if ((word & 0xff000010) >>> 0 === 0x54000000 || (word & 0x7e000000) === 0x34000000) return pc + 4n * sext((word >>> 5) & 0x7ffff, 19);
  if ((word & 0x7e000000) === 0x36000000) return pc + 4n * sext((word >>> 5) & 0x3fff, 14);
  return undefined;
}

/**
 * For an exclusive sequence starting at `pc` (code = the words from there): the addresses to stop
 * at, i.e. just after the store-exclusive and every target of a conditional branch that leaves
 * the sequence. Undefined if no store-exclusive follows within the limit.
 */
export function exclusiveSequenceStops(pc: bigint, code: Uint8Array): bigint[] | undefined {
  const stops = new Set<bigint>();
  for (let i = 1; i * 4 + 4 <= code.length; i++) {
    const word = wordAt(code, i * 4);
    const at = pc + BigInt(i * 4);
    if (isStoreExclusive(word)) {
      stops.add(at + 4n);
      const end = at + 4n;
      return [...stops].filter((a) => a === end || a < pc || a > at);
    }
    const target = conditionalTarget(word, at);
    if (target !== undefined) stops.add(target);
  }
  return undefined;
}

