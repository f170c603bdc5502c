// Layer: gdbstub/rsp/handlers. Imports gdbstub/target.ts and gdbstub/rsp only.
//
// Threads are CPUs: H (select for g/m or for c/s), T (alive?), qC (current), qfThreadInfo /
// qsThreadInfo (the list, in one `m` reply and then `l`), qThreadExtraInfo (hex text gdb shows
// in parentheses in `info threads`) and qXfer:threads:read (names and cores as XML).

import type { GdbThreadInfo } from '../../target.ts';
import type { RspContext } from '../context.ts';
import type { PacketDef } from '../dispatch.ts';
import { EINVAL_REPLY, errnoReply } from '../error-reply.ts';
import { textToHex } from '../hex.ts';
import { parseThreadId, threadExists } from '../thread-id.ts';
import { parseXferRead, xferSlice } from '../xfer.ts';

const ESRCH = errnoReply(3);
const hex = (n: number) => n.toString(16);

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function describe(t: GdbThreadInfo): string {
  const kind = t.clusterKind === undefined ? '' : ` (${t.clusterKind})`;
  return `MPIDR 0x${t.mpidr.toString(16)}, cluster ${t.cluster}${kind}`;
}

function threadsXml(ctx: RspContext): string {
  const rows = ctx.target.threads().map((t) => {
    const core = t.core === undefined ? '' : ` core="${hex(t.core)}"`;
    return `  <thread id="${hex(t.id)}"${core} name="${xmlEscape(t.name)}">${xmlEscape(describe(t))}</thread>`;
  });
  return ['<?xml version="1.0"?>', '<threads>', ...rows, '</threads>', ''].join('\n');
}

function select(ctx: RspContext, args: string): string {
  const op = args[0];
  const thread = parseThreadId(args.slice(1));
  if ((op !== 'g' && op !== 'c') || thread === undefined) return EINVAL_REPLY;
  if (typeof thread === 'number' && !threadExists(ctx.target, thread)) return ESRCH;
  if (op === 'g') {
    if (thread === 'all') return EINVAL_REPLY; // registers of "all threads" mean nothing
    ctx.gThread = thread;
  } else {
    ctx.cThread = thread;
  }
  return 'OK';
}

function extraInfo(ctx: RspContext, args: string): string {
  const id = parseThreadId(args.replace(/^,/, ''));
  const t = ctx.target.threads().find((x) => x.id === id);
  if (t === undefined) return ESRCH;
  const state = ctx.target.threadState(t.id).state;
  return textToHex(`${describe(t)}, ${state}`);
}

export const threadPackets: readonly PacketDef[] = [
  { name: 'H', handler: select },
  {
    name: 'T',
    handler: (ctx, args) => {
      const id = parseThreadId(args);
      return typeof id === 'number' && threadExists(ctx.target, id) ? 'OK' : ESRCH;
    },
  },
  { name: 'qC', handler: (ctx) => `QC${hex(ctx.resolveThread(ctx.gThread))}` },
  { name: 'qfThreadInfo', handler: (ctx) => `m${ctx.target.threads().map((t) => hex(t.id)).join(',')}` },
  { name: 'qsThreadInfo', handler: () => 'l' },
  { name: 'qThreadExtraInfo', handler: extraInfo },
  {
    name: 'qXfer:threads:read',
    features: ['qXfer:threads:read+'],
    handler: (ctx, args) => {
      const req = parseXferRead(args);
      if (req === undefined || req.annex !== '') return 'E00';
      return xferSlice(threadsXml(ctx), req.offset, req.length, ctx.maxPacketBytes);
    },
  },
];
