// Layer: gdbstub/rsp. Imports this folder only.
//
// qXfer reads (gdb manual, "qXfer:object:read:annex:offset,length"): reply `m` + data when
// more follows, `l` + data for the last part, data escaped as binary. `E00` = bad request.

import { parseHexNum } from './hex.ts';
import { escapeBinary } from './packet-codec.ts';

/** `args` is what follows the object name: `:annex:offset,length`. */
export function parseXferRead(args: string): { annex: string; offset: number; length: number } | undefined {
  const m = /^:([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(args);
  if (m === null) return undefined;
  const offset = parseHexNum(m[2]!);
  const length = parseHexNum(m[3]!);
  if (offset === undefined || length === undefined) return undefined;
  return { annex: m[1]!, offset, length };
}

/** One window of `doc`; `maxBodyBytes` keeps the escaped reply within our PacketSize. */
export function xferSlice(doc: string, offset: number, length: number, maxBodyBytes: number): string {
  const bytes = Buffer.from(doc, 'utf8');
  if (offset >= bytes.length) return 'l';
  // Escaping can double a byte: take at most half the packet to be safe.
  const take = Math.min(length, Math.floor((maxBodyBytes - 1) / 2), bytes.length - offset);
  const part = escapeBinary(bytes.subarray(offset, offset + take));
  return `${offset + take >= bytes.length ? 'l' : 'm'}${part}`;
}
