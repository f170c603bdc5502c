// Layer: sim/hv, the virtual M1's hypervisor model. Imports this folder's mmio-forms and
// descriptors only.
//
// §10.4: a guest data abort on a software-mapped page, emulated as m1n1's hv_handle_dabort does
// (src/hv_vm.c): translate FAR, walk the stage-2 descriptor, fetch and decode the instruction
// (mmio-forms.ts), check the page (a page-straddling access becomes two halves, each with its
// own descriptor), split each half into naturally aligned operations and run them, then apply a
// load's result. Every aligned operation goes to the caller's runner, which performs step 7
// (aligned-op.ts: MAP / HOOK / PROXY_HOOK / trace events). The runner may be synchronous or
// return a promise (a HOOK_VM session); `emulateDataAbortSync` / `emulateDataAbort` drive the
// same generator.

import { SpteType, TARGET_MASK_L4, isHw, isSw, spteType } from './descriptors.ts';
import { MAX_RW_SIZE, findForm, type GuestRegisters } from './mmio-forms.ts';

export type { GuestRegisters };

const PAGE_MASK = 0x3fffn;
const U64 = (1n << 64n) - 1n;

/** One naturally aligned operation (§10.4 step 7). */
export interface AlignedOp {
  /** The descriptor as m1n1 passes it: the half's walk result, its target advanced per chunk for MAP/HW. */
  readonly pte: bigint;
  readonly ipa: bigint;
  readonly va: bigint;
  /** log2 bytes, 0..6. */
  readonly width: number;
  readonly write: boolean;
  /** PAR_EL1 of the half's stage-1 translation (ATTR / SH flags). */
  readonly par: bigint;
  /** 2^width bytes: the data to write, or to be filled by the runner for a read. */
  readonly data: Uint8Array;
}

/** true = done; false = failed (the emulation is abandoned and the abort forwarded). */
export type OpRunner = (op: AlignedOp) => boolean;
export type AsyncOpRunner = (op: AlignedOp) => boolean | Promise<boolean>;

export interface StageOneResult {
  readonly ipa: bigint;
  readonly par: bigint;
}

export interface DataAbortInput {
  readonly esr: bigint;
  readonly far: bigint;
  /** ELR of the faulting instruction. */
  readonly elr: bigint;
  readonly regs: GuestRegisters;
  readonly ipaBits: number;
  /** hv_translate(va, s1 only, write): undefined on a fault. */
  readonly translate: (va: bigint, write: boolean) => StageOneResult | undefined;
  /** hv_pt_walk (Stage2Map.walk). */
  readonly walk: (ipa: bigint) => bigint;
  /** The 32-bit instruction at ELR (stage 1+2 translation and read); undefined on failure. */
  readonly fetch: () => number | undefined;
  /** m1n1's console lines. */
  readonly log?: (line: string) => void;
}

export type ForwardReason =
  | 'translation-failed'
  | 'ipa-out-of-range'
  | 'unmapped'
  | 'fetch-failed'
  | 'not-emulated'
  | 'va-mismatch'
  | 'access-failed';

export type EmulationOutcome =
  /** Emulated: the caller advances ELR by 4 and resumes the guest. */
  | { readonly kind: 'emulated'; readonly form: string; readonly width: number; readonly va: bigint; readonly data: Uint8Array; readonly straddled: boolean }
  /** The descriptor is hardware (a concurrent re-map): resume without advancing ELR. */
  | { readonly kind: 'retry' }
  /**
   * Forward to the host as EXCEPTION_LOWER / SYNC. `partial`: an earlier aligned operation (or a
   * store's base writeback) already took effect. On 'access-failed' the runner is expected to
   * have replaced ESR/FAR in the context with the fault's values (§10.4 step 7).
   */
  | { readonly kind: 'forward'; readonly reason: ForwardReason; readonly partial: boolean };

type Step = Generator<AlignedOp, EmulationOutcome, boolean>;

const hex = (v: bigint) => `0x${v.toString(16)}`;

function* steps(input: DataAbortInput): Step {
  const log = input.log ?? (() => {});
  const write = (input.esr & (1n << 6n)) !== 0n;
  const far = BigInt.asUintN(64, input.far);
  const s1 = input.translate(far, write);
  if (!s1) {
    log(`HV: stage 1 translation failed at VA ${hex(far)}`);
    return { kind: 'forward', reason: 'translation-failed', partial: false };
  }
  if (s1.ipa >> BigInt(input.ipaBits)) {
    log(`hv_handle_abort(): IPA out of bounds: ${hex(far)} -> ${hex(s1.ipa)}`);
    return { kind: 'forward', reason: 'ipa-out-of-range', partial: false };
  }
  const pte = input.walk(s1.ipa);
  if (pte === 0n) {
    log(`HV: Unmapped IPA ${hex(s1.ipa)}`);
    return { kind: 'forward', reason: 'unmapped', partial: false };
  }
  if (isHw(pte)) {
    log(`HV: Data abort on mapped page (${hex(far)} -> ${hex(pte)})`);
    return { kind: 'retry' };
  }
  const insn = input.fetch();
  if (insn === undefined) {
    log(`HV: Failed to fetch instruction for data abort at ${hex(input.elr)}`);
    return { kind: 'forward', reason: 'fetch-failed', partial: false };
  }

  const buffer = new Uint8Array(MAX_RW_SIZE);
  const view = new DataView(buffer.buffer);
  const decoded = findForm(insn, write, input.regs);
  const pass1 = decoded?.form.decode(decoded.ctx, view);
  if (!decoded || !pass1) {
    log(`HV: ${write ? 'store' : 'load'} not emulated: 0x${(insn >>> 0).toString(16).padStart(8, '0')} at ${hex(s1.ipa)}`);
    return { kind: 'forward', reason: 'not-emulated', partial: false };
  }
  const wroteBack = decoded.form.writesBack === true;
  const va = pass1.va !== undefined ? pass1.va & U64 : far;
  const bytes = 1 << pass1.width;
  const p0 = va & ~PAGE_MASK;
  const p1 = (va + BigInt(bytes) - 1n) & ~PAGE_MASK & U64;

  const half = function* (hpte: bigint, hva: bigint, hipa: bigint, off: number, len: number, par: bigint): Generator<AlignedOp, boolean, boolean> {
    // hv_emulate_rw: MAP and HW descriptors advance their target with the chunk; hooks keep theirs.
    const advance = isHw(hpte) || (isSw(hpte) && spteType(hpte) === SpteType.MAP);
    let paddr = (hpte & TARGET_MASK_L4) | (hva & 3n);
    let p = hpte;
    let left = len;
    let first = true;
    while (left > 0) {
      let w = 0;
      for (let c = 6; c > 0; c--) {
        if (left >= 1 << c && (hipa & BigInt((1 << c) - 1)) === 0n) {
          w = c;
          break;
        }
      }
      const chunk = 1 << w;
      if (advance) p = (paddr & TARGET_MASK_L4) | (p & ~TARGET_MASK_L4 & U64);
      const data = buffer.slice(off, off + chunk);
      const ok = yield { pte: p, ipa: hipa, va: hva, width: w, write, par, data };
      if (!ok) {
        if (!first) log('HV: WARNING: Failed to emulate split op but part of it did commit!');
        return false;
      }
      if (!write) buffer.set(data, off);
      left -= chunk;
      off += chunk;
      hipa += BigInt(chunk);
      hva = (hva + BigInt(chunk)) & U64;
      if (advance) paddr += BigInt(chunk);
      first = false;
    }
    return true;
  };

  let straddled = false;
  if (p0 === p1) {
    if (far !== va) {
      log(`HV: faulted at ${hex(far)}, but expecting ${hex(va)}`);
      return { kind: 'forward', reason: 'va-mismatch', partial: wroteBack };
    }
    if (!(yield* half(pte, va, s1.ipa, 0, bytes, s1.par))) return { kind: 'forward', reason: 'access-failed', partial: true };
  } else {
    straddled = true;
    const off = Number(p1 - va);
    let va2: bigint;
    const upper = far === va;
    if (upper) va2 = p1;
    else if (far === p1) va2 = va;
    else {
      log(`HV: faulted at ${hex(far)}, but expecting ${hex(p1)}`);
      return { kind: 'forward', reason: 'va-mismatch', partial: wroteBack };
    }
    const other = upper ? 'upper' : 'lower';
    const s2 = input.translate(va2, write);
    if (!s2) {
      log(`HV: ${other} half stage 1 translation failed at VA ${hex(va2)}`);
      return { kind: 'forward', reason: 'translation-failed', partial: wroteBack };
    }
    if (s2.ipa >> BigInt(input.ipaBits)) {
      log(`hv_handle_abort(): ${other} half IPA out of bounds: ${hex(va2)} -> ${hex(s2.ipa)}`);
      return { kind: 'forward', reason: 'ipa-out-of-range', partial: wroteBack };
    }
    const pte2 = input.walk(s2.ipa);
    if (pte2 === 0n) {
      log(`HV: Unmapped ${other} half IPA ${hex(s2.ipa)}`);
      return { kind: 'forward', reason: 'unmapped', partial: wroteBack };
    }
    log(`HV: Emulating ${write ? 'write' : 'read'} straddling page boundary as two ops @ ${hex(va)} (${bytes} bytes)`);
    const ok1 = upper ? yield* half(pte, va, s1.ipa, 0, off, s1.par) : yield* half(pte2, va2, s2.ipa, 0, off, s2.par);
    if (!ok1) return { kind: 'forward', reason: 'access-failed', partial: true };
    const ok2 = upper ? yield* half(pte2, va2, s2.ipa, off, bytes - off, s2.par) : yield* half(pte, p1, s1.ipa, off, bytes - off, s1.par);
    if (!ok2) {
      log('HV: WARNING: Failed to emulate upper half but lower half did commit!');
      return { kind: 'forward', reason: 'access-failed', partial: true };
    }
  }
  if (!write) decoded.form.apply?.(decoded.ctx, view);
  return { kind: 'emulated', form: decoded.form.label, width: pass1.width, va, data: buffer.slice(0, bytes), straddled };
}

/** §10.4 with a synchronous runner (no HOOK_VM sessions). */
export function emulateDataAbortSync(input: DataAbortInput, run: OpRunner): EmulationOutcome {
  const gen = steps(input);
  let r = gen.next(true);
  while (!r.done) r = gen.next(run(r.value));
  return r.value;
}

/** §10.4 with a runner that may open a HOOK_VM session (returns a promise). */
export async function emulateDataAbort(input: DataAbortInput, run: AsyncOpRunner): Promise<EmulationOutcome> {
  const gen = steps(input);
  let r = gen.next(true);
  while (!r.done) {
    const ok = run(r.value);
    r = gen.next(typeof ok === 'boolean' ? ok : await ok);
  }
  return r.value;
}
