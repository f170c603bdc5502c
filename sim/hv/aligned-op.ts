// Layer: sim/hv, the virtual M1's hypervisor model. Imports this folder's descriptors,
// exc-info, trace-events and mmio-emulation types.
//
// §10.4 step 7 as a plan: what the firmware does with one aligned operation on a software
// descriptor (m1n1 src/hv_vm.c hv_emulate_rw_aligned). The machine executes the plan: memory
// accesses with the exception guard in SKIP mode, firmware hook handlers, HOOK_VM sessions,
// trace events (write events before the write, read events after the read).

import { SpteType, SPTE_TRACE_READ, SPTE_TRACE_UNBUF, SPTE_TRACE_WRITE, TARGET_MASK_L4, isHw, spteType } from './descriptors.ts';
import type { HookData } from './exc-info.ts';
import type { AlignedOp } from './mmio-emulation.ts';
import { MmioFlag, mmioTraceEvents, parFlags, type MmioTraceEvent } from './trace-events.ts';

export type AlignedAction =
  /** Load/store at `addr` (MAP target, or the IPA for the un-hooked direction of a proxy hook); widths 4–6 as consecutive u64. */
  | { readonly kind: 'memory'; readonly addr: bigint; readonly atIpa: boolean }
  /** Run the firmware's own hook at `handler` (vuart, AIC IRQ tracing, virtio …). */
  | { readonly kind: 'hook'; readonly handler: bigint }
  /** Open a START_HV / HOOK_VM session with this data as `exc_info.extra` (§10.6). */
  | { readonly kind: 'proxy-hook'; readonly hookData: HookData }
  /** "HV: invalid SPTE …": the emulation fails. */
  | { readonly kind: 'invalid'; readonly message: string };

export interface AlignedPlan {
  readonly action: AlignedAction;
  /** Emit write events before the action. */
  readonly traceWrite: boolean;
  /** Emit read events after the action. */
  readonly traceRead: boolean;
  /** TRACE_UNBUF: flush after each event. */
  readonly unbuffered: boolean;
  /** ATTR / SH flags from the PAR. */
  readonly flags: number;
}

export function planAlignedOp(op: AlignedOp): AlignedPlan {
  const target = op.pte & TARGET_MASK_L4;
  // Hardware descriptors of a split operation are treated as MAP (their trace bits are none).
  const pte = isHw(op.pte) ? target : op.pte;
  const flags = parFlags(op.par);
  const traceWrite = op.write && (pte & SPTE_TRACE_WRITE) !== 0n;
  const traceRead = !op.write && (pte & SPTE_TRACE_READ) !== 0n;
  const unbuffered = (pte & SPTE_TRACE_UNBUF) !== 0n;
  const type = spteType(pte);
  const memory = (atIpa: boolean): AlignedAction => ({ kind: 'memory', addr: atIpa ? op.ipa : target | (op.va & 3n), atIpa });
  let action: AlignedAction;
  switch (type) {
    case SpteType.MAP:
      action = memory(false);
      break;
    case SpteType.HOOK:
      action = { kind: 'hook', handler: target };
      break;
    case SpteType.PROXY_HOOK_R:
      action = op.write ? memory(true) : proxyHook(op, pte, flags);
      break;
    case SpteType.PROXY_HOOK_W:
      action = op.write ? proxyHook(op, pte, flags) : memory(true);
      break;
    case SpteType.PROXY_HOOK_RW:
      action = proxyHook(op, pte, flags);
      break;
    default:
      action = { kind: 'invalid', message: `HV: invalid SPTE 0x${pte.toString(16).padStart(16, '0')} for IPA 0x${op.ipa.toString(16)}` };
  }
  return { action, traceWrite, traceRead, unbuffered, flags };
}

function proxyHook(op: AlignedOp, pte: bigint, flags: number): AlignedAction {
  const data = new Array<bigint>(8).fill(0n);
  if (op.write) bytesToWords(op.data).forEach((w, i) => (data[i] = w));
  return {
    kind: 'proxy-hook',
    hookData: {
      flags: (op.width | (op.write ? MmioFlag.WRITE : 0) | flags) >>> 0,
      // FIELD_GET(bits 49:2) into a u32.
      id: Number(((pte & TARGET_MASK_L4) >> 2n) & 0xffffffffn),
      addr: op.ipa,
      data,
    },
  };
}

/** After a read HOOK_VM session: the first 2^width bytes of data[] (little-endian) are the load result. */
export function hookResultBytes(hook: HookData, width: number): Uint8Array {
  const out = new Uint8Array(1 << width);
  const all = new Uint8Array(64);
  const view = new DataView(all.buffer);
  hook.data.slice(0, 8).forEach((w, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, w), true));
  out.set(all.subarray(0, out.length));
  return out;
}

/** Little-endian u64 words of `bytes` (the last one zero-padded). */
export function bytesToWords(bytes: Uint8Array): bigint[] {
  const padded = new Uint8Array(Math.max(8, Math.ceil(bytes.length / 8) * 8));
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  return Array.from({ length: padded.length / 8 }, (_, i) => view.getBigUint64(i * 8, true));
}

/** The EVT_MMIOTRACE events of one aligned operation (its data after the read / before the write). */
export function traceEventsFor(op: AlignedOp, plan: AlignedPlan, pc: bigint, cpu: number): MmioTraceEvent[] {
  return mmioTraceEvents({ pc, ipa: op.ipa, width: op.width, words: bytesToWords(op.data), write: op.write, accessFlags: plan.flags, cpu });
}
