// Layer: gdbstub/rsp. Imports gdbstub/target.ts, gdbstub/registers.ts and this folder only.
//
// Stop replies (gdb manual, "Stop Reply Packets"):
//   T AA thread:ID; REASON; NN:VALUE; …   AA = signal, NN = register number, VALUE target order
//   W AA                                  the guest exited with status AA
//   X AA                                  the guest was terminated by signal AA
// `swbreak:` / `hwbreak:` may only be sent to a gdb that announced swbreak+ / hwbreak+ in its
// qSupported; otherwise a plain T05 says the same thing less precisely. Expedited registers
// spare gdb a `g` or several `p` right after the stop.

import { registerByName, type RegisterName } from '../registers.ts';
import type { StopEvent } from '../target.ts';
import type { PeerFeatures } from './context.ts';
import { leHex } from './hex.ts';

export const SIGINT = 2;
export const SIGTRAP = 5;

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');

export function formatStopReply(
  event: StopEvent,
  expedited: ReadonlyArray<readonly [RegisterName, bigint | undefined]>,
  peer: PeerFeatures,
): string {
  const r = event.reason;
  if (r.kind === 'exited') return `W${hex2(r.status)}`;
  if (r.kind === 'terminated') return `X${hex2(r.signal)}`;
  let signal = SIGTRAP;
  let why = '';
  switch (r.kind) {
    case 'signal':
      signal = r.signal;
      break;
    case 'swbreak':
      if (peer.swbreak) why = 'swbreak:;';
      break;
    case 'hwbreak':
      if (peer.hwbreak) why = 'hwbreak:;';
      break;
    case 'watch': {
      const name = r.access === 'write' ? 'watch' : r.access === 'read' ? 'rwatch' : 'awatch';
      why = `${name}:${r.address.toString(16)};`;
      break;
    }
  }
  let regs = '';
  for (const [name, value] of expedited) {
    if (value === undefined) continue;
    const def = registerByName(name);
    regs += `${def.regnum.toString(16)}:${leHex(value, def.bitsize / 8)};`;
  }
  return `T${hex2(signal)}thread:${event.threadId.toString(16)};${why}${regs}`;
}
