// Layer: gdbstub/rsp. Imports gdbstub/target.ts only.
//
// Thread ids on the wire (gdb manual, "thread-id syntax"): hex id, `-1` = all threads,
// `0` = any thread. We do not advertise multiprocess, so the `pPID.TID` form never comes.

import type { GdbTarget, ThreadId } from '../target.ts';

export type WireThread = ThreadId | 'any' | 'all';

export function parseThreadId(text: string): WireThread | undefined {
  if (text === '-1') return 'all';
  if (!/^[0-9a-fA-F]{1,8}$/.test(text)) return undefined;
  const id = Number.parseInt(text, 16);
  return id === 0 ? 'any' : id;
}

export function threadExists(target: GdbTarget, id: ThreadId): boolean {
  return target.threads().some((t) => t.id === id);
}
