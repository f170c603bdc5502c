// Layer: sim/hypervisor. Guest data aborts on software-mapped pages (§10.4): the emulation in
// sim/hv driven with the machine's memory, the firmware's own hooks (vuart, AIC IRQ tracing),
// trace events and, for proxy hooks, a START_HV / HOOK_VM session (§10.6). Imports sim/hv,
// sim/cpu and this folder.
//
// Without a proxy hook on the page the emulation runs inside the trap and the guest goes on at
// once; with one it runs after the round, when the session can be awaited.

import type { Core } from '../cpu/index.ts';
import { emulateDataAbort, emulateDataAbortSync, type AlignedOp, type DataAbortInput, type EmulationOutcome } from '../hv/mmio-emulation.ts';
import { planAlignedOp, traceEventsFor, hookResultBytes, type AlignedPlan } from '../hv/aligned-op.ts';
import { readHookData, writeHookData } from '../hv/exc-info.ts';
import { HvEvent } from '../hv/exit-codes.ts';
import { StartReason } from '../../core/uartproxy/constants.ts';
import { guestRegisters, translateGuest } from './guest-cpu.ts';
import type { Hypervisor } from './hypervisor.ts';
import type { ParkedExit } from './traps.ts';

export type AbortResult = 'emulated' | 'retry' | 'forward' | 'exit';

/** Thrown by the synchronous runner when an operation needs the host. */
const NEEDS_HOST = Symbol('needs host');

function abortInput(hv: Hypervisor, core: Core): DataAbortInput {
  const sr = core.sysregs;
  const hook = hv.hooks[core.cpu]!;
  const elr = sr.get('ELR_EL2');
  return {
    esr: sr.get('ESR_EL2'),
    far: sr.get('FAR_EL2'),
    elr,
    regs: guestRegisters(core),
    ipaBits: hv.stage2!.ipaBits,
    translate: (va, write) => {
      const r = hook.forGuest(() => translateGuest(core, va, true, write));
      return r && { ipa: r.addr, par: r.par };
    },
    walk: (ipa) => hv.stage2!.walk(ipa),
    fetch: () => {
      const pa = hook.forGuest(() => translateGuest(core, elr, false, false));
      const w = pa && hv.machine.memory.read(pa.addr, 4);
      return typeof w === 'bigint' ? Number(w) : undefined;
    },
    log: (line) => hv.fw?.console(`${line}\n`),
  };
}

/** The memory, firmware-hook and trace parts of one aligned operation (everything but HOOK_VM). */
function runLocal(hv: Hypervisor, op: AlignedOp, plan: AlignedPlan): boolean {
  const action = plan.action;
  const mem = hv.machine.memory;
  const bytes = 1 << op.width;
  const view = new DataView(op.data.buffer, op.data.byteOffset, op.data.byteLength);
  if (action.kind === 'memory') {
    const chunk = Math.min(bytes, 8) as 1 | 2 | 4 | 8;
    for (let off = 0; off < bytes; off += chunk) {
      const addr = action.addr + BigInt(off);
      if (op.write) {
        const v = chunk === 8 ? view.getBigUint64(off, true) : BigInt(chunk === 4 ? view.getUint32(off, true) : chunk === 2 ? view.getUint16(off, true) : view.getUint8(off));
        if (!mem.write(addr, chunk, v)) return false;
      } else {
        const v = mem.read(addr, chunk);
        if (typeof v !== 'bigint') return false;
        if (chunk === 8) view.setBigUint64(off, v, true);
        else if (chunk === 4) view.setUint32(off, Number(v), true);
        else if (chunk === 2) view.setUint16(off, Number(v), true);
        else view.setUint8(off, Number(v));
      }
    }
    return true;
  }
  if (action.kind === 'hook') return runFirmwareHook(hv, op, action.handler, view);
  if (action.kind === 'invalid') {
    hv.fw?.console(`${action.message}\n`);
    return false;
  }
  throw NEEDS_HOST;
}

function runFirmwareHook(hv: Hypervisor, op: AlignedOp, handler: bigint, view: DataView): boolean {
  const hooks = hv.deps.layout.hooks;
  const value = op.write ? (op.width === 3 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true) & (op.width === 2 ? 0xffffffff : (1 << (8 << op.width)) - 1))) : 0n;
  if (handler === hooks.vuart && hv.vuart) {
    const r = hv.vuart.access(op.ipa, op.write, value);
    if (!op.write) writeValue(view, op.width, r);
    return true;
  }
  if (handler === hooks.aic) {
    // The AIC hook performs the access on the real AIC, then looks for a traced IRQ (§10.8).
    const width = (1 << Math.min(op.width, 3)) as 1 | 2 | 4 | 8;
    let v = value;
    if (op.write) {
      if (!hv.machine.memory.write(op.ipa, width, value)) return false;
    } else {
      const r = hv.machine.memory.read(op.ipa, width);
      if (typeof r !== 'bigint') return false;
      v = r;
      writeValue(view, op.width, r);
    }
    const evt = hv.irqTrace.onAccess(op.ipa, op.write, op.width, v);
    if (evt) hv.traceQueue?.pushIrq(evt);
    return true;
  }
  const virtio = hv.virtio.get(handler);
  if (virtio) {
    const r = virtio.access(op.ipa, op.write, value);
    if (!op.write) writeValue(view, op.width, r.value);
    if (r.notifications) hv.virtioPending.push(...r.notifications);
    return true;
  }
  hv.fw?.console(`HV: no firmware hook at 0x${handler.toString(16)} for IPA 0x${op.ipa.toString(16)}\n`);
  return false;
}

function writeValue(view: DataView, width: number, v: bigint): void {
  if (width >= 3) view.setBigUint64(0, BigInt.asUintN(64, v), true);
  else if (width === 2) view.setUint32(0, Number(v & 0xffffffffn), true);
  else if (width === 1) view.setUint16(0, Number(v & 0xffffn), true);
  else view.setUint8(0, Number(v & 0xffn));
}

function traced(hv: Hypervisor, core: Core, op: AlignedOp, run: (plan: AlignedPlan) => boolean | Promise<boolean>): boolean | Promise<boolean> {
  const plan = planAlignedOp(op);
  const pc = core.sysregs.get('ELR_EL2');
  if (plan.traceWrite) hv.traceQueue?.pushMmio(traceEventsFor(op, plan, pc, core.cpu), plan.unbuffered);
  const after = (ok: boolean): boolean => {
    if (plan.traceRead && ok) hv.traceQueue?.pushMmio(traceEventsFor(op, plan, pc, core.cpu), plan.unbuffered);
    return ok;
  };
  const r = run(plan);
  return typeof r === 'boolean' ? after(r) : r.then(after);
}

function outcomeOf(o: EmulationOutcome): AbortResult {
  return o.kind === 'emulated' ? 'emulated' : o.kind === 'retry' ? 'retry' : 'forward';
}

/** Inside the trap: emulates unless an operation needs the host ('needs-host'). */
export function emulateInTrap(hv: Hypervisor, core: Core): AbortResult | 'needs-host' {
  try {
    return outcomeOf(emulateDataAbortSync(abortInput(hv, core), (op) => traced(hv, core, op, (plan) => runLocal(hv, op, plan)) as boolean));
  } catch (e) {
    if (e === NEEDS_HOST) return 'needs-host';
    throw e;
  }
}

/** After the round: the same with HOOK_VM sessions for proxy hooks. */
export async function emulateParked(hv: Hypervisor, core: Core, exit: ParkedExit): Promise<AbortResult> {
  let exited = false;
  const outcome = await emulateDataAbort(abortInput(hv, core), (op) =>
    traced(hv, core, op, async (plan) => {
      if (plan.action.kind !== 'proxy-hook') return runLocal(hv, op, plan);
      const slot = hv.deps.layout.hookData + BigInt(exit.cpu) * 0x80n;
      writeHookData(hv.machine.memory, slot, plan.action.hookData);
      const action = await hv.session(exit.cpu, StartReason.START_HV, HvEvent.HOOK_VM, slot);
      if (action === 'exit') {
        exited = true;
        return false;
      }
      if (!op.write) op.data.set(hookResultBytes(readHookData(hv.machine.memory, slot)!, op.width));
      return true;
    }),
  );
  return exited ? 'exit' : outcomeOf(outcome);
}
