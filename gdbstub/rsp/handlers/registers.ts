// Layer: gdbstub/rsp/handlers. Imports gdbstub/registers.ts and gdbstub/rsp only.
//
// g / G (all registers of the `g` set, regnum order), p / P (one register by regnum), in
// target byte order (little-endian). A register the target cannot read is sent as `xx…`
// ("unavailable", gdb manual, `g` packet).

import { G_PACKET_REGISTERS, registerByNum, type RegisterName } from '../../registers.ts';
import type { PacketDef } from '../dispatch.ts';
import type { RspContext } from '../context.ts';
import { EINVAL_REPLY, errorReply } from '../error-reply.ts';
import { leHex, parseHexNum, parseLeHex } from '../hex.ts';

const G_NAMES = G_PACKET_REGISTERS.map((r) => r.name as RegisterName);
const G_HEX_LENGTH = G_PACKET_REGISTERS.reduce((n, r) => n + r.bitsize / 4, 0);

function encodeValue(value: bigint | undefined, bytes: number): string {
  return value === undefined ? 'x'.repeat(bytes * 2) : leHex(value, bytes);
}

async function readAll(ctx: RspContext): Promise<string> {
  const thread = ctx.resolveThread(ctx.gThread);
  const values = await ctx.registers.read(thread, G_NAMES);
  return G_PACKET_REGISTERS.map((r, i) => encodeValue(values[i], r.bitsize / 8)).join('');
}

async function writeAll(ctx: RspContext, args: string): Promise<string> {
  if (args.length !== G_HEX_LENGTH) return EINVAL_REPLY;
  const values = new Map<RegisterName, bigint>();
  let at = 0;
  for (const r of G_PACKET_REGISTERS) {
    const hex = args.slice(at, (at += r.bitsize / 4));
    if (/^x+$/i.test(hex)) continue; // gdb leaves unavailable registers as they are
    const v = parseLeHex(hex, r.bitsize / 8);
    if (v === undefined) return EINVAL_REPLY;
    values.set(r.name as RegisterName, v);
  }
  await ctx.registers.write(ctx.resolveThread(ctx.gThread), values);
  return 'OK';
}

async function readOne(ctx: RspContext, args: string): Promise<string> {
  const num = parseHexNum(args);
  const def = num === undefined ? undefined : registerByNum(num);
  if (def === undefined) return EINVAL_REPLY;
  const [value] = await ctx.registers.read(ctx.resolveThread(ctx.gThread), [def.name as RegisterName]);
  return encodeValue(value, def.bitsize / 8);
}

async function writeOne(ctx: RspContext, args: string): Promise<string> {
  const eq = args.indexOf('=');
  const num = parseHexNum(args.slice(0, eq));
  const def = eq < 0 || num === undefined ? undefined : registerByNum(num);
  if (def === undefined) return EINVAL_REPLY;
  const value = parseLeHex(args.slice(eq + 1), def.bitsize / 8);
  if (value === undefined) return EINVAL_REPLY;
  await ctx.registers.write(ctx.resolveThread(ctx.gThread), new Map([[def.name as RegisterName, value]]));
  return 'OK';
}

const guarded =
  (f: (ctx: RspContext, args: string) => Promise<string>) =>
  (ctx: RspContext, args: string): Promise<string> =>
    f(ctx, args).catch(errorReply);

export const registerPackets: readonly PacketDef[] = [
  { name: 'g', handler: guarded(readAll) },
  { name: 'G', handler: guarded(writeAll) },
  { name: 'p', handler: guarded(readOne) },
  { name: 'P', handler: guarded(writeOne) },
];
