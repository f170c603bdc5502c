// Layer: core/hv handlers. Reflecting a synchronous exception or SError into the guest as if
// the hypervisor were not there (spec §9.12 "lower"): the EL12 exception registers get the
// trap's ELR/SPSR/ESR/FAR, and the guest resumes at its own vector. Imports core/hv.

import { ExcCode, Spsr } from '../constants.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';

/** Vector offset per interrupted mode (§9.12): EL0t → lower EL (0x400), EL1t → 0, EL1h → 0x200. */
const MODE_OFFSET = new Map<bigint, bigint>([
  [Spsr.EL0T, 0x400n],
  [Spsr.EL1T, 0x000n],
  [Spsr.EL1H, 0x200n],
]);

export async function reflectToGuest(s: TrapSession): Promise<TrapResult> {
  const ctx = s.ctx;
  const modeOffset = MODE_OFFSET.get(ctx.spsr & Spsr.M_MASK);
  if (!s.isFault || modeOffset === undefined) {
    return { kind: 'stop', stop: { reason: 'exception', detail: `cannot reflect this exception into the guest (mode ${ctx.spsr & Spsr.M_MASK})`, esr: ctx.esr, far: ctx.far } };
  }
  // The four writes and the VBAR read: one round trip.
  const [, , , , vbar] = await s.host.sysregs.run([
    { kind: 'write', reg: 'ELR_EL12', value: ctx.elr },
    { kind: 'write', reg: 'SPSR_EL12', value: ctx.spsr },
    { kind: 'write', reg: 'ESR_EL12', value: ctx.esr },
    { kind: 'write', reg: 'FAR_EL12', value: ctx.far },
    { kind: 'read', reg: 'VBAR_EL12' },
  ]);
  const code = s.code === ExcCode.SERROR ? 3n : 0n;
  ctx.elr = vbar! + 0x80n * code + modeOffset;
  ctx.spsr = (ctx.spsr & ~(Spsr.M_MASK | Spsr.SS)) | Spsr.EL1H | Spsr.D | Spsr.A | Spsr.I | Spsr.F;
  return HANDLED;
}
