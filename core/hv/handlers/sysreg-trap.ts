// Layer: core/hv handlers. Trapped MSR/MRS/SYS instructions (spec §9.12 EC 0x18, EC 0x3F with
// ISS 0x20): CPU power-down via CYC_OVRD, shadowed debug registers, dropped writes, and
// everything else executed on the target with the EL1 → EL12 redirections. Imports
// core/arch/a64 and core/hv.
//
// Round trips: a write trap's execution is sent in the same burst as the context write-back and
// P_EXIT (the guest's view does not depend on its result), so it costs 2 round trips in all
// (context read, final burst); a read trap needs the value first: 3.

import { lookupSysReg, packSysReg, type SysRegEncoding } from '../../arch/a64/sysregs.ts';
import { Debug, IMPDEF_SYSREG_ISS, esrIss } from '../constants.ts';
import { hex } from '../errors.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';

export interface MsrIss {
  readonly enc: SysRegEncoding;
  readonly rt: number;
  readonly read: boolean;
}

/** ISS of an MSR/MRS trap (App. B): Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, Dir 0. */
export function decodeMsrIss(iss: number): MsrIss {
  return {
    enc: { op0: (iss >>> 20) & 3, op2: (iss >>> 17) & 7, op1: (iss >>> 14) & 7, crn: (iss >>> 10) & 15, crm: (iss >>> 1) & 15 },
    rt: (iss >>> 5) & 31,
    read: (iss & 1) === 1,
  };
}

const key = (name: string): number => packSysReg(lookupSysReg(name)!);
const CYC_OVRD = key('CYC_OVRD_EL1');
const DROPPED_WRITES = new Set([key('ACC_CFG_EL1'), key('ACC_OVRD_EL1')]);
/** DC CIVAC Xt: its operand is a guest VA the host translates first (§9.12 (d)). */
const DC_CIVAC = packSysReg({ op0: 1, op1: 3, crn: 7, crm: 14, op2: 1 });

/**
 * Registers the m1n1 firmware serves itself (§9.5), so their traps never reach the host and no
 * watcher here can see them: the fast-IPI ones (apple-devices §2.5) — IPI_SR and IPI_CR in the
 * fast path, IPI_RR_LOCAL/GLOBAL writes in the locked path (forwarded only when no CPU has the
 * target MPIDR). Not the whole §9.5 list: the ones a tracer asks for.
 */
export const FIRMWARE_SERVED_SYSREGS: ReadonlyMap<number, string> = new Map(['IPI_RR_LOCAL_EL1', 'IPI_RR_GLOBAL_EL1', 'IPI_SR_EL1', 'IPI_CR_EL1'].map((n) => [key(n), n]));

/** Shadowed per CPU: the guest never sees or disturbs the debugger's registers (§9.11). */
const SHADOWED = new Set<number>([key('VMSA_LOCK_EL1'), key('MDSCR_EL1')]);
for (let n = 0; n < Debug.BREAKPOINTS; n++) for (const op2 of [4, 5]) SHADOWED.add(packSysReg({ op0: 2, op1: 0, crn: 0, crm: n, op2 }));
for (let n = 0; n < Debug.WATCHPOINTS; n++) for (const op2 of [6, 7]) SHADOWED.add(packSysReg({ op0: 2, op1: 0, crn: 0, crm: n, op2 }));

/**
 * EL1 registers the guest thinks it owns, redirected to their EL12 view (§9.12 (d)). Pairs whose
 * Apple names core/arch/a64 does not know yet (SPRR_PPERM/UPERM/AMRANGE/UMPRR, GXF_PABENTRY/
 * ENTRY, the *_GL12 exception registers) are executed as trapped, without redirection.
 */
const REDIRECT_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['SCTLR_EL1', 'SCTLR_EL12'], ['TTBR0_EL1', 'TTBR0_EL12'], ['TTBR1_EL1', 'TTBR1_EL12'], ['TCR_EL1', 'TCR_EL12'],
  ['ESR_EL1', 'ESR_EL12'], ['FAR_EL1', 'FAR_EL12'], ['AFSR0_EL1', 'AFSR0_EL12'], ['AFSR1_EL1', 'AFSR1_EL12'],
  ['MAIR_EL1', 'MAIR_EL12'], ['AMAIR_EL1', 'AMAIR_EL12'], ['CONTEXTIDR_EL1', 'CONTEXTIDR_EL12'],
  ['AMX_CONFIG_EL1', 'AMX_CONFIG_EL12'], ['SPRR_CONFIG_EL1', 'SPRR_CONFIG_EL12'], ['APCTL_EL1', 'APCTL_EL12'],
  ['APSTS_EL1', 'APSTS_EL12'], ['KERNKEYLO_EL1', 'KERNKEYLO_EL12'], ['KERNKEYHI_EL1', 'KERNKEYHI_EL12'],
  ['GXF_CONFIG_EL1', 'GXF_CONFIG_EL12'], ['VBAR_GL1', 'VBAR_GL12'], ['SPSR_GL1', 'SPSR_GL12'],
  ['ASPSR_GL1', 'ASPSR_GL12'], ['ESR_GL1', 'ESR_GL12'], ['ELR_GL1', 'ELR_GL12'],
];
const REDIRECTS = new Map<number, SysRegEncoding>();
for (const [from, to] of REDIRECT_NAMES) {
  const a = lookupSysReg(from);
  const b = lookupSysReg(to);
  if (a && b) REDIRECTS.set(packSysReg(a), b);
}

/** A trapped access as watchers see it (after it was served). */
export interface SysregAccess {
  readonly cpu: number;
  /** The guest's MSR/MRS (ELR before the host steps past it). */
  readonly pc: bigint;
  /** Packed encoding (core/arch/a64 packSysReg). */
  readonly key: number;
  readonly write: boolean;
  /** The value written, or the value the guest read. */
  readonly value: bigint;
}

/**
 * EC 0x18 (ISS in ESR) and EC 0x3F with ISS 0x20 (ISS in AFSR1_EL2). `observe` sees every
 * access served here (e.g. the fast-IPI registers HACR_EL2 traps, apple-devices §2.5).
 */
export async function handleSysregTrap(s: TrapSession, impdef: boolean, observe?: (access: SysregAccess) => void): Promise<TrapResult> {
  const ctx = s.ctx;
  if (impdef && esrIss(ctx.esr) !== IMPDEF_SYSREG_ISS) {
    return { kind: 'stop', stop: { reason: 'exception', detail: `Apple IMPDEF exception, ISS ${hex(esrIss(ctx.esr))}`, esr: ctx.esr } };
  }
  const iss = decodeMsrIss(impdef ? Number(ctx.afsr1 & 0x1ffffffn) : esrIss(ctx.esr));
  const k = packSysReg(iss.enc);
  const host = s.host;
  const value = iss.read ? 0n : ctx.reg(iss.rt);
  let got = 0n;

  if (k === CYC_OVRD && !iss.read) {
    // Not performed (§9.12 (a)); bit 0 = this CPU powers down: it leaves the guest.
    if ((value & 1n) !== 0n) {
      host.log(`cpu${s.cpu}: guest powers the CPU down (CYC_OVRD ${hex(value)})`);
      s.defer(host.proxy.hvExitCpu(-1));
      host.cpus.delete(s.cpu);
    }
  } else if (SHADOWED.has(k)) {
    const shadow = s.state.shadow;
    if (iss.read) ctx.setReg(iss.rt, (got = shadow.get(k) ?? 0n));
    else shadow.set(k, value);
  } else if (DROPPED_WRITES.has(k) && !iss.read) {
    // §9.12 (c): dropped.
  } else {
    const target = REDIRECTS.get(k) ?? iss.enc;
    if (iss.read) {
      ctx.setReg(iss.rt, (got = await host.sysregs.read(target)));
    } else {
      // §9.12 (d): DC CIVAC's operand is a guest VA; writes go through GL2 on unlocked CPUs.
      const operand = k === DC_CIVAC ? await host.proxy.hvTranslate(value, true, false) : value;
      const mode = host.features?.appleSysregsUnlocked ? 'gl2' : 'el2';
      s.defer(host.sysregs.issue({ kind: 'write', reg: target, value: operand, mode }));
    }
  }
  observe?.({ cpu: s.cpu, pc: ctx.elr, key: k, write: !iss.read, value: iss.read ? got : value });
  ctx.elr += 4n;
  return HANDLED;
}

/** Packed MDSCR_EL1, the key of its per-CPU shadow (for the debug model). */
export const MDSCR_KEY = key('MDSCR_EL1');
