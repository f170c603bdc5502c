// Layer: core/session. Backtraces by frame pointer (AAPCS64 frame records): x29 points at
// {previous x29, return address}; each record up the chain is one caller. Frame 0 may not have
// its record yet (stopped on a function's first instructions, before `mov x29, sp`): then its
// caller is x30 and x29 is still the caller's frame — found by reading the prologue. Imports
// this folder.

import type { AddressInfo, SessionSymbols } from './symbols.ts';

export interface Frame extends AddressInfo {
  readonly index: number;
  /** The frame's PC: where it stopped (frame 0) or the return address (callers). */
  readonly pc: bigint;
  /** The frame record address (x29) this frame runs with, when known. */
  readonly fp: bigint | undefined;
}

export interface BacktraceInput {
  readonly pc: bigint;
  readonly fp: bigint;
  readonly lr: bigint;
  /** Reads guest memory by virtual address; may throw on a fault (the walk ends there). */
  readonly read: (va: bigint, length: number) => Promise<Uint8Array>;
  readonly symbols: SessionSymbols;
  /** Most frames to return (default 64). */
  readonly maxFrames?: number;
}

/** Prologue instructions scanned for the frame-pointer set-up. */
const PROLOGUE_WORDS = 16;

/** `mov x29, sp` / `add x29, sp, #imm{, lsl #12}`: ADD (immediate), Rn = 31, Rd = 29. */
const setsFramePointer = (insn: number) => (insn & 0xff8003ff) >>> 0 === 0x910003fd;

export async function backtrace(input: BacktraceInput): Promise<Frame[]> {
  const { symbols, read } = input;
  const max = input.maxFrames ?? 64;
  const frames: Frame[] = [];
  const push = (pc: bigint, fp: bigint | undefined, caller: boolean) => {
    // A return address is after the call: its line is the call's, one instruction back.
    const info = symbols.lookup(caller ? pc - 4n : pc);
    frames.push({ ...info, address: pc, symbol: caller ? symbols.lookup(pc).symbol : info.symbol, index: frames.length, pc, fp });
  };
  push(input.pc, input.fp, false);
  let fp = input.fp;
  if (max > 1 && !(await frameRecordSetUp(input, frames[0]!.functionStart))) {
    if (input.lr === 0n) return frames;
    push(input.lr, fp, true);
  }
  while (frames.length < max) {
    if (fp === 0n || (fp & 7n) !== 0n) break;
    let record: Uint8Array;
    try {
      record = await read(fp, 16);
    } catch {
      break;
    }
    if (record.length < 16) break;
    const v = new DataView(record.buffer, record.byteOffset, 16);
    const prev = v.getBigUint64(0, true);
    const ret = v.getBigUint64(8, true);
    if (ret === 0n) break;
    push(ret, prev, true);
    // The stack grows down: each caller's record is higher; anything else is a loop or garbage.
    if (prev !== 0n && prev <= fp) break;
    fp = prev;
  }
  return frames;
}

/** Whether frame 0 has run its `mov x29, sp` (unknown function: assume it has). */
async function frameRecordSetUp(input: BacktraceInput, start: bigint | undefined): Promise<boolean> {
  if (start === undefined || input.pc < start) return true;
  const words = Number((input.pc - start) / 4n);
  if (words >= PROLOGUE_WORDS) return true;
  if (words === 0) return false;
  let code: Uint8Array;
  try {
    code = await input.read(start, words * 4);
  } catch {
    return true;
  }
  const v = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let i = 0; i + 4 <= code.byteLength; i += 4) if (setsFramePointer(v.getUint32(i, true))) return true;
  return false;
}
