// Layer: gdbstub/rsp/handlers. Imports core/errors, gdbstub/target-description.ts and
// gdbstub/rsp only.
//
// Connection-level packets: qSupported, QStartNoAckMode, qXfer:features:read (the target
// description), qAttached, qRcmd (monitor), D (detach) and k (kill).

import { HvdbgError } from '../../../core/errors.ts';
import { targetDescriptionFiles } from '../../target-description.ts';
import { NO_REPLY, type HandlerResult, type RspContext } from '../context.ts';
import type { PacketDef } from '../dispatch.ts';
import { EINVAL_REPLY, errorReply } from '../error-reply.ts';
import { hexToText } from '../hex.ts';
import { parseXferRead, xferSlice } from '../xfer.ts';

const DESCRIPTION = targetDescriptionFiles();

function supported(ctx: RspContext, args: string): string {
  // gdb lists what it understands: `qSupported:multiprocess+;swbreak+;hwbreak+;…`
  const theirs = new Set(args.replace(/^:/, '').split(';'));
  ctx.peer.swbreak = theirs.has('swbreak+');
  ctx.peer.hwbreak = theirs.has('hwbreak+');
  return [`PacketSize=${ctx.maxPacketBytes.toString(16)}`, ...ctx.supportedFeatures].join(';');
}

async function monitor(ctx: RspContext, args: string): Promise<string> {
  const command = hexToText(args.replace(/^,/, ''));
  if (command === undefined) return EINVAL_REPLY;
  try {
    await ctx.target.monitor(command.trim(), (text) => ctx.print(text));
    return 'OK';
  } catch (err) {
    // gdb shows O output verbatim and only a number for E: say what went wrong first.
    const text = err instanceof HvdbgError ? err.describe() : String(err);
    ctx.print(`${text}\n`);
    return errorReply(err);
  }
}

async function detach(ctx: RspContext): Promise<string> {
  try {
    await ctx.points.removeAll();
    await ctx.target.detach();
    return 'OK';
  } catch (err) {
    return errorReply(err);
  } finally {
    ctx.closeAfterReply();
  }
}

export const generalPackets: readonly PacketDef[] = [
  { name: 'qSupported', handler: supported },
  {
    name: 'QStartNoAckMode',
    features: ['QStartNoAckMode+'],
    handler: (ctx) => {
      ctx.enableNoAck();
      return 'OK';
    },
  },
  {
    name: 'qXfer:features:read',
    features: ['qXfer:features:read+'],
    handler: (ctx, args) => {
      const req = parseXferRead(args);
      const doc = req === undefined ? undefined : DESCRIPTION.get(req.annex);
      if (req === undefined || doc === undefined) return 'E00';
      return xferSlice(doc, req.offset, req.length, ctx.maxPacketBytes);
    },
  },
  // "1": we attached to a guest that was already there, so gdb's quit detaches, not kills.
  { name: 'qAttached', handler: () => '1' },
  { name: 'qRcmd', handler: monitor },
  { name: 'D', handler: detach },
  {
    name: 'k',
    handler: async (ctx): Promise<HandlerResult> => {
      ctx.closeAfterReply();
      await ctx.points.removeAll();
      await ctx.target.kill().catch(() => undefined);
      return NO_REPLY;
    },
  },
];
