// Layer: core/session. The guest registers of one stopped CPU: a declarative table of what a
// debugger can name, and a per-stop file that reads each source once and writes back only what
// changed. Imports core/hv (types, constants) and this folder.
//
// Where each register lives while the CPU is in a callback session (§9.2, §7.3, §7.4):
// - x0..x30, PC (ELR), SP_EL0, SP_EL1, PSTATE (SPSR_EL2): the exc_info context, already read;
//   writes land in it and go back in the session's final burst, only if changed (ExcContext).
// - v0..v31: P_GET_SIMD_STATE into a 512-byte buffer + REQ_MEMREAD (one round trip, once per
//   stop); written back by REQ_MEMWRITE + P_PUT_SIMD_STATE before the CPU leaves the stop.
// - FPSR, FPCR and the EL1 system registers: sysreg exec, all asked registers in one batch. From
//   EL2 with HCR_EL2.E2H the plain *_EL1 names of the redirected registers reach EL2's own, so
//   the EL12 forms are used (SCTLR_EL12, TTBR0_EL12, …); TPIDR_EL1/EL0 and PAR_EL1 are not
//   redirected. Writes are sent only when the value differs from the one cached this stop.

import type { ExcContext, SysregExec } from '../hv/index.ts';
import { Spsr } from '../hv/index.ts';
import { SessionError, SessionErrorCode } from './errors.ts';

export type RegisterDef =
  | { readonly kind: 'gpr'; readonly n: number; readonly bits: 64 }
  | { readonly kind: 'context'; readonly field: 'pc' | 'sp' | 'sp_el0' | 'sp_el1' | 'cpsr'; readonly bits: 32 | 64 }
  | { readonly kind: 'simd'; readonly n: number; readonly bits: 128 }
  | { readonly kind: 'sysreg'; readonly reg: string; readonly bits: 32 | 64 }
  | { readonly kind: 'derived'; readonly field: 'currentel' | 'mpidr'; readonly bits: 64 };

function buildTable(): Map<string, RegisterDef> {
  const t = new Map<string, RegisterDef>();
  for (let n = 0; n <= 30; n++) t.set(`x${n}`, { kind: 'gpr', n, bits: 64 });
  t.set('pc', { kind: 'context', field: 'pc', bits: 64 });
  t.set('sp', { kind: 'context', field: 'sp', bits: 64 });
  t.set('sp_el0', { kind: 'context', field: 'sp_el0', bits: 64 });
  t.set('sp_el1', { kind: 'context', field: 'sp_el1', bits: 64 });
  t.set('cpsr', { kind: 'context', field: 'cpsr', bits: 32 });
  for (let n = 0; n < 32; n++) t.set(`v${n}`, { kind: 'simd', n, bits: 128 });
  t.set('fpsr', { kind: 'sysreg', reg: 'FPSR', bits: 32 });
  t.set('fpcr', { kind: 'sysreg', reg: 'FPCR', bits: 32 });
  const el12 = ['sctlr', 'tcr', 'ttbr0', 'ttbr1', 'mair', 'vbar', 'esr', 'far', 'elr', 'spsr', 'contextidr', 'cpacr', 'amair', 'afsr0', 'afsr1'];
  for (const r of el12) t.set(`${r}_el1`, { kind: 'sysreg', reg: `${r.toUpperCase()}_EL12`, bits: 64 });
  t.set('tpidr_el1', { kind: 'sysreg', reg: 'TPIDR_EL1', bits: 64 });
  t.set('tpidr_el0', { kind: 'sysreg', reg: 'TPIDR_EL0', bits: 64 });
  t.set('tpidrro_el0', { kind: 'sysreg', reg: 'TPIDRRO_EL0', bits: 64 });
  t.set('par_el1', { kind: 'sysreg', reg: 'PAR_EL1', bits: 64 });
  t.set('cntkctl_el1', { kind: 'sysreg', reg: 'CNTKCTL_EL12', bits: 64 });
  t.set('currentel', { kind: 'derived', field: 'currentel', bits: 64 });
  t.set('mpidr_el1', { kind: 'derived', field: 'mpidr', bits: 64 });
  return t;
}

/** Every register name the debug model knows, lower case (`pstate` is accepted for `cpsr`). */
export const REGISTERS: ReadonlyMap<string, RegisterDef> = buildTable();

export function registerDef(name: string): RegisterDef {
  const key = name.toLowerCase();
  const def = REGISTERS.get(key === 'pstate' ? 'cpsr' : key === 'lr' ? 'x30' : key === 'fp' ? 'x29' : key);
  if (!def) throw new SessionError(SessionErrorCode.BAD_REGISTER, `unknown register '${name}'`, { hint: 'x0..x30, pc, sp, sp_el0, sp_el1, cpsr, v0..v31, fpsr, fpcr, or an EL1 system register such as sctlr_el1' });
  return def;
}

/** SIMD state transfer (§7.4): the session owns the target buffer. */
export interface SimdIo {
  load(): Promise<Uint8Array>;
  store(bytes: Uint8Array): Promise<void>;
}

const SIMD_BYTES = 512;

/** One CPU's registers during one stop. Drop it when the CPU resumes. */
export class RegisterFile {
  readonly #sys = new Map<string, bigint>();
  #simd: Uint8Array | null = null;
  #simdDirty = false;

  constructor(
    readonly cpu: number,
    private readonly ctx: () => ExcContext,
    private readonly sysregs: SysregExec,
    private readonly simdIo: SimdIo,
  ) {}

  /** Values in the order asked; one round trip at most per source (SIMD, sysregs). */
  async read(names: readonly string[]): Promise<bigint[]> {
    const defs = names.map(registerDef);
    const missingSys = [...new Set(defs.flatMap((d) => (d.kind === 'sysreg' && !this.#sys.has(d.reg) ? [d.reg] : [])))];
    const needSimd = this.#simd === null && defs.some((d) => d.kind === 'simd');
    const simd = needSimd ? this.simdIo.load() : null;
    const sys = missingSys.length > 0 ? this.sysregs.run(missingSys.map((reg) => ({ kind: 'read' as const, reg }))) : null;
    if (simd) this.#simd = checkSimd(await simd);
    if (sys) (await sysregFault(sys, missingSys)).forEach((v, i) => this.#sys.set(missingSys[i]!, v));
    return defs.map((d) => this.#value(d));
  }

  #value(d: RegisterDef): bigint {
    const ctx = this.ctx();
    switch (d.kind) {
      case 'gpr':
        return ctx.reg(d.n);
      case 'context':
        switch (d.field) {
          case 'pc':
            return ctx.elr;
          case 'sp':
            return usesSpEl1(ctx.spsr) ? ctx.sp1 : ctx.sp0;
          case 'sp_el0':
            return ctx.sp0;
          case 'sp_el1':
            return ctx.sp1;
          case 'cpsr':
            // SPSR.SS belongs to the host's step machinery (§9.11), not to the guest.
            return ctx.spsr & 0xffffffffn & ~Spsr.SS;
        }
        break;
      case 'simd': {
        const v = new DataView(this.#simd!.buffer, this.#simd!.byteOffset + d.n * 16, 16);
        return v.getBigUint64(0, true) | (v.getBigUint64(8, true) << 64n);
      }
      case 'sysreg':
        return this.#sys.get(d.reg)!;
      case 'derived':
        return d.field === 'currentel' ? ctx.spsr & 0xcn : ctx.mpidr;
    }
    throw new Error('unreachable');
  }

  /** Writes; context registers go back with the session's end, sysregs now (only if changed). */
  async write(values: ReadonlyMap<string, bigint>): Promise<void> {
    const entries = [...values].map(([name, value]) => ({ name, def: registerDef(name), value }));
    for (const { name, def, value } of entries) {
      if (value < 0n || value >= 1n << BigInt(def.bits)) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `${name} = ${value} does not fit in ${def.bits} bits`);
      if (def.kind === 'derived') throw new SessionError(SessionErrorCode.BAD_REGISTER, `${name} is read-only`, { hint: def.field === 'currentel' ? 'change the EL through cpsr' : 'MPIDR comes from the hardware' });
    }
    if (entries.some((e) => e.def.kind === 'simd') && this.#simd === null) this.#simd = checkSimd(await this.simdIo.load());
    const sysWrites: Array<{ reg: string; value: bigint }> = [];
    const ctx = this.ctx();
    for (const { def, value } of entries) {
      switch (def.kind) {
        case 'gpr':
          ctx.setReg(def.n, value);
          break;
        case 'context':
          if (def.field === 'pc') ctx.elr = value;
          else if (def.field === 'sp_el0' || (def.field === 'sp' && !usesSpEl1(ctx.spsr))) ctx.sp0 = value;
          else if (def.field === 'sp_el1' || def.field === 'sp') ctx.sp1 = value;
          else ctx.spsr = (ctx.spsr & ~0xffffffffn) | (value & ~Spsr.SS) | (ctx.spsr & Spsr.SS);
          break;
        case 'simd': {
          const v = new DataView(this.#simd!.buffer, this.#simd!.byteOffset + def.n * 16, 16);
          v.setBigUint64(0, value & 0xffffffffffffffffn, true);
          v.setBigUint64(8, value >> 64n, true);
          this.#simdDirty = true;
          break;
        }
        case 'sysreg':
          if (this.#sys.get(def.reg) !== value) sysWrites.push({ reg: def.reg, value });
          break;
        case 'derived':
          break;
      }
    }
    if (sysWrites.length > 0) {
      await sysregFault(this.sysregs.run(sysWrites.map((w) => ({ kind: 'write' as const, reg: w.reg, value: w.value }))), sysWrites.map((w) => w.reg));
      for (const w of sysWrites) this.#sys.set(w.reg, w.value);
    }
  }

  /** Sends changed SIMD registers back (before the CPU resumes or the session leaves it). */
  async flush(): Promise<void> {
    if (!this.#simdDirty || !this.#simd) return;
    this.#simdDirty = false;
    await this.simdIo.store(this.#simd);
  }
}

/** SPSR.M: EL1h (M[0] = 1 at EL1) runs on SP_EL1; EL0t and EL1t on SP_EL0. */
function usesSpEl1(spsr: bigint): boolean {
  return (spsr & 1n) === 1n && ((spsr >> 2n) & 3n) >= 1n;
}

function checkSimd(bytes: Uint8Array): Uint8Array {
  if (bytes.length < SIMD_BYTES) throw new SessionError(SessionErrorCode.BAD_REGISTER, `SIMD state read gave ${bytes.length} bytes, expected ${SIMD_BYTES}`);
  return bytes.slice(0, SIMD_BYTES);
}

/** A sysreg access that faulted on the target (HV_SYSREG_FAULT) is the register's problem: BAD_REGISTER. */
async function sysregFault<T>(request: Promise<T>, regs: readonly string[]): Promise<T> {
  try {
    return await request;
  } catch (cause) {
    const e = cause as { code?: string; message?: string; hint?: string } | undefined;
    if (e?.code !== 'HV_SYSREG_FAULT') throw cause;
    throw new SessionError(SessionErrorCode.BAD_REGISTER, `${regs.join(', ')}: ${e.message ?? 'the access faulted'}`, { cause, hint: e.hint });
  }
}
