// Layer: sim/machine. m1n1's `call`, `el1_call`, `el0_call` (and the GL variants) on the CPU
// model: the code at an address runs on the CPU serving the proxy, at the level the op names,
// and returns x0 (spec §6.2, §7.3). Imports sim/cpu, sim/firmware's guard and this folder.
//
// How the model does what m1n1's C and assembly do:
// - The function returns to a firmware word holding `b .`; the call ends when the core's PC
//   reaches it at the call's level. The core's state before the call is restored afterwards,
//   except x0 (the result) and the SIMD registers (m1n1 does not preserve them either, §7.4).
// - A fault inside the function is m1n1's own exception handler under the session guard (§5):
//   at EL2 the core traps to EL2 (routed here by the machine, owner 'call'); at EL0 with
//   HCR_EL2.TGE = 1 likewise; at EL1 the core vectors through VBAR_EL1, which points at a page
//   of `hvc` stubs while the call runs, as m1n1 forwards its EL1 exceptions to EL2.
// - GL1/GL2 (Apple's guarded levels) are modelled as EL1/EL2: the CPU model has no SPRR/GXF
//   permission model, so code run at GL2 behaves as at EL2 (m1n1's hosts use GL2 only to reach
//   system registers, which the model's EL2 can).
// - The function runs in slices with the event loop served between them, so a function that
//   never returns hangs the firmware as it would on a Mac, without freezing the process.

import { EC, HCR, REG_SP, type Core, type Syndrome } from '../cpu/index.ts';
import { GUARD_MARKER, type ExceptionGuard } from '../firmware/exception-guard.ts';
import type { AccessWidth } from '../memory/index.ts';
import { saveContext, restoreContext, enterLevel } from './core-context.ts';
import type { Machine } from './machine.ts';

export type CallLevel = 'el2' | 'el1' | 'el0' | 'gl2' | 'gl1';

const EL_OF: Record<CallLevel, number> = { el2: 2, gl2: 2, el1: 1, gl1: 1, el0: 0 };

const B_SELF = 0x14000000;
const SMC_42 = 0xd4000543;
const RET = 0xd65f03c0;
const HVC_VECTOR = 0xd4000002; // hvc #imm16 = HVC_VECTOR | imm16 << 5
const VECTOR_HVC_BASE = 0xe100;
const SPSR_DAIF = 0xf << 6;
/**
 * Slices grow from FIRST_SLICE to SLICE: the call ends only when a slice does (the core spins on
 * `b .` meanwhile), and the usual call is a 2-instruction `msr`/`mrs` + `ret` from a host —
 * interpreted when debug is active (MDSCR.SS, breakpoints), where a 200,000-instruction spin
 * costs milliseconds per call.
 */
const FIRST_SLICE = 64;
const SLICE = 200_000;

/** Where the call machinery keeps its words in m1n1's image (model choice: above its text). */
export interface CallAreas {
  /** `b .`: the return address handed to called functions. */
  readonly returnStub: bigint;
  /** 2 KiB-aligned vector table of `hvc` stubs for EL1 calls. */
  readonly el1Vectors: bigint;
  /** m1n1's secondary-CPU entry, which it writes into every RVBAR (apple-devices §8.4). */
  readonly secondaryEntry: bigint;
  /** m1n1's el3_call thunk: `smc #42; ret`. */
  readonly el3Thunk: bigint;
  /** Top of CPU n's call stack = stacksTop − n × stackSize. */
  readonly stacksTop: bigint;
  readonly stackSize: bigint;
}

export function callAreas(m1n1Base: bigint): CallAreas {
  return { returnStub: m1n1Base + 0x1000n, el1Vectors: m1n1Base + 0x2000n, secondaryEntry: m1n1Base + 0x4000n, el3Thunk: m1n1Base + 0x1010n, stacksTop: m1n1Base + 0x80000n, stackSize: 0x8000n };
}

/** Writes the return stub and the EL1 vector stubs into RAM (on power-on and after a reset). */
export function installCallAreas(machine: Machine, areas: CallAreas): void {
  machine.memory.write(areas.returnStub, 4, BigInt(B_SELF));
  machine.memory.write(areas.el3Thunk, 4, BigInt(SMC_42));
  machine.memory.write(areas.el3Thunk + 4n, 4, BigInt(RET));
  for (let entry = 0; entry < 16; entry++) {
    const word = (HVC_VECTOR | ((VECTOR_HVC_BASE + entry) << 5)) >>> 0;
    machine.memory.write(areas.el1Vectors + BigInt(entry * 0x80), 4, BigInt(word));
  }
}

export interface CallRequest {
  readonly cpu: number;
  readonly level: CallLevel;
  readonly addr: bigint;
  /** x0.. of the function (up to 5 for P_CALL, 4 for the EL calls). */
  readonly args: readonly bigint[];
}

/** The session's exception guard, and what it prints. */
export interface CallGuard {
  readonly guard: ExceptionGuard;
}

/** Runs one call to completion; resolves with x0. Rejects when the guard is off and the fault reboots the target. */
export async function firmwareCall(machine: Machine, areas: CallAreas, fw: CallGuard, req: CallRequest): Promise<bigint> {
  const core = machine.core(req.cpu);
  const el = EL_OF[req.level];
  const saved = saveContext(core);
  const sr = core.sysregs;
  // What the call machinery itself changes (and puts back unless the code changed it too).
  const own = { HCR_EL2: sr.get('HCR_EL2'), VBAR_EL1: sr.get('VBAR_EL1') };
  const trapState = ['ELR_EL2', 'SPSR_EL2', 'ESR_EL2', 'FAR_EL2'].map((n) => [n, sr.get(n)] as const);
  let recovered = false;
  const previousOwner = machine.owner[req.cpu]!;
  machine.owner[req.cpu] = 'call';
  machine.setTrapHandler('call', (c, s) => {
    recovered = true;
    recoverFault(machine, fw.guard, c, s);
  });
  // EL0 calls run in the EL2&0 regime so their faults reach EL2 (m1n1 keeps E2H = TGE = 1).
  const hcr = el === 0 ? own.HCR_EL2 | HCR.E2H | HCR.TGE : el === 1 ? own.HCR_EL2 & ~HCR.TGE : own.HCR_EL2;
  try {
    for (let i = 0; i < 31; i++) core.setX(i, req.args[i] ?? 0n);
    core.setX(30, areas.returnStub);
    sr.set('HCR_EL2', hcr);
    if (el === 1) sr.set('VBAR_EL1', areas.el1Vectors);
    core.recomputeRegimes();
    core.tlbFlushAll();
    enterLevel(core, el, el === 0 ? 0 : 1, Number(req.addr), SPSR_DAIF);
    core.setX(REG_SP, areas.stacksTop - BigInt(req.cpu) * areas.stackSize);
    const ret = Number(areas.returnStub);
    machine.currentCpu = req.cpu;
    for (let slice = FIRST_SLICE; ; slice = Math.min(slice * 8, SLICE)) {
      core.run(slice);
      if (core.pc === ret && core.el === el) break;
      if (core.waiting !== 0) core.wake(); // a WFI/WFE inside a call: nothing else runs meanwhile
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return core.getX(0);
  } finally {
    machine.owner[req.cpu] = previousOwner;
    restoreContext(core, saved, el);
    if (sr.get('HCR_EL2') === hcr) sr.set('HCR_EL2', own.HCR_EL2);
    if (el === 1 && sr.get('VBAR_EL1') === areas.el1Vectors) sr.set('VBAR_EL1', own.VBAR_EL1);
    // The exception state a recovered fault overwrote (a trapped guest's, inside a session).
    if (recovered) for (const [n, v] of trapState) sr.set(n, v);
    core.recomputeRegimes();
    core.tlbFlushAll();
  }
}

/** m1n1's exception handler for a fault inside a call: the guard decides (§5). */
function recoverFault(machine: Machine, guard: ExceptionGuard, core: Core, syn: Syndrome): void {
  // An EL1 fault arrives as the hvc of its vector stub; the real syndrome is in the EL1 registers.
  const viaEl1 = syn.ec === EC.HVC64 && (syn.iss & 0xff00) === VECTOR_HVC_BASE;
  const sfx = viaEl1 ? 'EL1' : 'EL2';
  const esr = Number(core.sysregs.get(`ESR_${sfx}`) & 0xffffffffn);
  const ec = esr >>> 26;
  const elr = core.sysregs.get(`ELR_${sfx}`);
  const isDataAbort = ec === EC.DABORT_LOWER || ec === EC.DABORT_SAME;
  const width = (isDataAbort && esr & (1 << 24) ? 1 << ((esr >>> 22) & 3) : 4) as AccessWidth;
  const recovery = guard.recover({
    address: isDataAbort ? core.sysregs.get(`FAR_${sfx}`) : elr,
    widthBytes: width,
    write: isDataAbort && (esr & (1 << 6)) !== 0,
    during: `call (EC 0x${ec.toString(16)} at 0x${elr.toString(16)})`,
  });
  let resume = elr + 4n;
  if (recovery === 'mark') {
    const insn = machine.memory.read(elr, 4);
    const rt = typeof insn === 'bigint' ? Number(insn & 31n) : 31;
    if (rt !== 31) core.setX(rt, GUARD_MARKER);
  } else if (recovery === 'return') {
    core.setX(0, GUARD_MARKER);
    resume = core.getX(30);
  }
  // Return to the faulting level as its ERET would (EL1 faults: through the EL1 registers).
  if (viaEl1) {
    core.sysregs.set('SPSR_EL2', core.sysregs.get('SPSR_EL1'));
  }
  core.sysregs.set('ELR_EL2', resume);
  core.eret();
}
