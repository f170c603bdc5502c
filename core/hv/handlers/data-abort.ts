// Layer: core/hv handlers. Guest data aborts the firmware could not emulate (spec §9.12 EC 0x24,
// §10.4): atomics and exclusives on a software-mapped page are run for real — the page is
// mapped to the hardware, the instruction single-stepped, and the normal mapping restored.
// Anything else is a stop. Imports core/hv.

import { PAGE_SIZE } from '../constants.ts';
import { hex } from '../errors.ts';
import { hwMap } from '../maps.ts';
import { settleAll } from '../round-trips.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';

const isAtomic = (insn: number) => ((insn & 0x3b200c00) >>> 0) === 0x38200000;
const isExclusive = (insn: number) => ((insn & 0x3f000000) >>> 0) === 0x08000000;

export async function handleDataAbort(s: TrapSession): Promise<TrapResult> {
  const ctx = s.ctx;
  const p = s.host.proxy;
  const stop: TrapResult = { kind: 'stop', stop: { reason: 'exception', detail: `data abort at ${hex(ctx.far)} (ESR ${hex(ctx.esr)})`, esr: ctx.esr, far: ctx.far } };
  if (ctx.elrPhys === 0n) return stop;
  const [word, farPhys] = await settleAll<[bigint, bigint]>([p.read32(ctx.elrPhys), p.hvTranslate(ctx.far, true, false)]);
  const insn = Number(word);
  if ((!isAtomic(insn) && !isExclusive(insn)) || farPhys === 0n) return stop;
  const page = farPhys & ~(PAGE_SIZE - 1n);
  // Map the page to the hardware, with the TLBI the Python host forgets (§15.18), then step.
  s.host.maps.queueRaw(hwMap(page, page, PAGE_SIZE));
  await s.host.maps.update();
  const stepped = await s.step();
  s.host.maps.markDirty(page, PAGE_SIZE); // the final burst restores the normal mapping
  s.host.log(`hv: cpu${s.cpu}: ${isAtomic(insn) ? 'atomic' : 'exclusive'} access at ${hex(farPhys)} run on the hardware`);
  return stepped ?? HANDLED;
}
