// Layer: gdbstub/rsp/handlers. Imports gdbstub/rsp only.
//
// m addr,len → hex (a short read is allowed and tells gdb where the fault starts);
// M addr,len:hex and X addr,len:binary write. `X` with length 0 is gdb's probe for binary
// download support and must answer OK (gdb manual, `X` packet). The X data is escaped binary:
// its length is checked after unescaping — m1n1's own stub skipped that and corrupted memory.

import type { RspContext } from '../context.ts';
import type { PacketDef } from '../dispatch.ts';
import { EINVAL_REPLY, errnoReply, errorReply } from '../error-reply.ts';
import { bytesToHex, hexToBytes, parseHexBig, parseHexNum } from '../hex.ts';
import { unescapeBinary } from '../packet-codec.ts';

const EFAULT = errnoReply(14);

function parseRange(text: string): { address: bigint; length: number } | undefined {
  const comma = text.indexOf(',');
  if (comma < 0) return undefined;
  const address = parseHexBig(text.slice(0, comma));
  const length = parseHexNum(text.slice(comma + 1));
  if (address === undefined || length === undefined || address + BigInt(length) > 1n << 64n) return undefined;
  return { address, length };
}

async function read(ctx: RspContext, args: string): Promise<string> {
  const range = parseRange(args);
  if (range === undefined) return EINVAL_REPLY;
  if (range.length === 0) return '';
  // gdb sizes m requests to fit our PacketSize; a client that does not is served in part.
  const length = Math.min(range.length, Math.floor(ctx.maxPacketBytes / 2));
  const data = await ctx.target.readMemory(ctx.resolveThread(ctx.gThread), range.address, length);
  return data.length === 0 ? EFAULT : bytesToHex(data);
}

async function write(ctx: RspContext, args: string, decode: (text: string) => Uint8Array | undefined): Promise<string> {
  const colon = args.indexOf(':');
  const range = colon < 0 ? undefined : parseRange(args.slice(0, colon));
  if (range === undefined) return EINVAL_REPLY;
  const data = decode(args.slice(colon + 1));
  if (data === undefined || data.length !== range.length) return EINVAL_REPLY;
  if (data.length > 0) await ctx.target.writeMemory(ctx.resolveThread(ctx.gThread), range.address, data);
  return 'OK';
}

export const memoryPackets: readonly PacketDef[] = [
  { name: 'm', handler: (ctx, args) => read(ctx, args).catch(errorReply) },
  { name: 'M', handler: (ctx, args) => write(ctx, args, hexToBytes).catch(errorReply) },
  { name: 'X', handler: (ctx, args) => write(ctx, args, unescapeBinary).catch(errorReply) },
];
