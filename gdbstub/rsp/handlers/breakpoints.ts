// Layer: gdbstub/rsp/handlers. Imports gdbstub/target.ts and gdbstub/rsp only.
//
// Z/z type,addr,kind (gdb manual, "Packets"): 0 software breakpoint, 1 hardware breakpoint,
// 2 write, 3 read, 4 access watchpoint. `kind` is the breakpoint's instruction size or the
// watched length. Anything after `;` (target-side conditions and commands) is ignored: we do
// not advertise ConditionalBreakpoints, so gdb evaluates conditions itself. Running out of
// hardware slots is an E1c (ENOSPC) gdb reports as "Could not insert hardware breakpoint".

import { GdbTargetError, type WatchKind } from '../../target.ts';
import type { RspContext } from '../context.ts';
import type { PacketDef } from '../dispatch.ts';
import { EINVAL_REPLY, errorReply } from '../error-reply.ts';
import { parseHexBig, parseHexNum } from '../hex.ts';

const WATCH_KINDS: Record<string, WatchKind> = { '2': 'write', '3': 'read', '4': 'access' };

async function handle(ctx: RspContext, args: string, insert: boolean): Promise<string> {
  const [type, addr, kindText] = args.split(';', 1)[0]!.split(',');
  const address = parseHexBig(addr ?? '');
  const size = parseHexNum(kindText ?? '');
  if (type === undefined || address === undefined || size === undefined) return EINVAL_REPLY;
  let point: Parameters<RspContext['points']['insert']>[0];
  if (type === '0' || type === '1') point = { type: 'break', bp: { kind: type === '0' ? 'software' : 'hardware', address, size } };
  else if (WATCH_KINDS[type] !== undefined) point = { type: 'watch', wp: { kind: WATCH_KINDS[type], address, length: size } };
  else return ''; // an unknown type is "not supported", like an unknown packet
  try {
    if (insert) await ctx.points.insert(point);
    else await ctx.points.remove(point);
    return 'OK';
  } catch (err) {
    // "Not supported" must be the empty reply so gdb falls back (e.g. to software watchpoints).
    if (err instanceof GdbTargetError && err.code === 'GDB_TARGET_UNSUPPORTED') return '';
    return errorReply(err);
  }
}

export const breakpointPackets: readonly PacketDef[] = [
  // swbreak+/hwbreak+: our stop replies can say which kind of breakpoint was hit.
  { name: 'Z', features: ['swbreak+', 'hwbreak+'], handler: (ctx, args) => handle(ctx, args, true) },
  { name: 'z', handler: (ctx, args) => handle(ctx, args, false) },
];
