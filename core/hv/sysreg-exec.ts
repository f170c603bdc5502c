// Layer: core/hv. System registers read and written the way m1n1's host does it (spec §7.3):
// upload `[insn, ret]`, call it, check the exception counter. Imports core/proxy, core/arch/a64
// and this folder.
//
// What is different from the Python host, for speed (the brief of issue 6):
// - One code page (from m1n1's own heap, never mapped to a guest) holds a slot per distinct
//   instruction. A slot is written, cleaned (DC CVAU) and invalidated (IC IVAU) on first use
//   only; later accesses to the same register just call it.
// - Every request of an access — the upload if needed, P_SET_EXC_GUARD(SKIP|SILENT), P_*CALL,
//   P_GET_EXC_COUNT, P_SET_EXC_GUARD(OFF) — is sent back to back: one round trip per access,
//   and one per batch of accesses (`run`), where each call still gets its own counter check.
// - `issue()` sends without waiting, so a caller can pipeline more requests behind it (the
//   exception loop sends the context write-back and P_EXIT in the same burst).

import { encodeMrs, encodeMsr, type SysRegRef } from '../arch/a64/encoder.ts';
import { genericSysRegName, lookupSysReg, packSysReg, type SysRegEncoding } from '../arch/a64/sysregs.ts';
import { Guard } from '../proxy/constants.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import { REGION_RWX_EL0, REGION_RX_EL1 } from '../proxy/regions.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { settleAll } from './round-trips.ts';

/** Where the stub runs (§7.3): EL2 via P_CALL, or P_EL1/EL0/GL1/GL2_CALL. */
export type ExecMode = 'el2' | 'el1' | 'el0' | 'gl1' | 'gl2';

/** `ret` (§7.3, App. A). */
const RET = 0xd65f03c0;
/** Bytes per slot: the instruction and `ret`. */
const SLOT_BYTES = 8;
/** One 16 KiB page of slots. */
export const CODE_PAGE_BYTES = 0x4000;

/** Address alias per mode (§7.3): EL2 and GL2 run through the RX_EL1 alias, EL0 through RWX_EL0. */
const MODE_REGION: Record<ExecMode, bigint> = { el2: REGION_RX_EL1, el1: 0n, el0: REGION_RWX_EL0, gl1: 0n, gl2: REGION_RX_EL1 };

/** One access: read a register, write one, or run any single instruction with x0 = `x0`. */
export type SysregOp =
  | { readonly kind: 'read'; readonly reg: SysRegRef; readonly mode?: ExecMode }
  | { readonly kind: 'write'; readonly reg: SysRegRef; readonly value: bigint; readonly mode?: ExecMode }
  | { readonly kind: 'insn'; readonly insn: number; readonly x0?: bigint; readonly mode?: ExecMode; readonly label?: string };

export interface SysregExecStats {
  /** Accesses made (reads, writes, instructions). */
  readonly accesses: number;
  /** Round trips they took (one per access or per batch). */
  readonly roundTrips: number;
  /** Slots uploaded (each with one DC CVAU + IC IVAU). */
  readonly uploads: number;
}

export interface SysregExecOptions {
  /** Let m1n1 print its diagnostics for a faulting access (default false: the host reports it). */
  verboseFaults?: boolean;
}

/** MRS/MSR/SYS with Rt = x0 from raw fields (§7.3): also covers op0 = 1 (SYS: DC, IC, TLBI, AT). */
export function encodeSysregAccess(e: SysRegEncoding, read: boolean): number {
  const key = packSysReg(e);
  return ((read ? 0xd5200000 : 0xd5000000) | (key << 5)) >>> 0;
}

export class SysregExec {
  readonly #proxy: M1n1Proxy;
  readonly #guard: number;
  /** Instruction word → slot address. */
  readonly #slots = new Map<number, bigint>();
  readonly #slotCount: number;
  #nextSlot = 0;
  /** Encoded instruction per `read:NAME` / `write:NAME`, so names are resolved once. */
  readonly #encoded = new Map<string, number>();
  #accesses = 0;
  #roundTrips = 0;
  #uploads = 0;

  /** `codeBase`: a RAM page of `codeBytes` the host owns (m1n1 heap); nothing else may use it. */
  constructor(proxy: M1n1Proxy, readonly codeBase: bigint, codeBytes: number = CODE_PAGE_BYTES, options: SysregExecOptions = {}) {
    if (codeBase % 4n !== 0n) throw new HvError(HvErrorCode.BAD_ARGUMENT, `sysreg code page ${hex(codeBase)} is not 4-byte aligned`);
    this.#proxy = proxy;
    this.#slotCount = Math.floor(codeBytes / SLOT_BYTES);
    if (this.#slotCount < 1) throw new HvError(HvErrorCode.BAD_ARGUMENT, `sysreg code area of ${codeBytes} bytes holds no slot`);
    this.#guard = Guard.SKIP | (options.verboseFaults ? 0 : Guard.SILENT);
  }

  /** Takes a code page from m1n1's heap (P_HEAPBLOCK_ALLOC; never given to a guest). */
  static async create(proxy: M1n1Proxy, options: SysregExecOptions = {}): Promise<SysregExec> {
    const page = await proxy.heapblockAlloc(CODE_PAGE_BYTES);
    if (page === 0n) throw new HvError(HvErrorCode.BOOTSTRAP, 'P_HEAPBLOCK_ALLOC gave no page for the sysreg code buffer', { hint: "m1n1's heap is exhausted; restart the target" });
    return new SysregExec(proxy, page, CODE_PAGE_BYTES, options);
  }

  get stats(): SysregExecStats {
    return { accesses: this.#accesses, roundTrips: this.#roundTrips, uploads: this.#uploads };
  }

  /** `mrs x0, reg` → its value. */
  read(reg: SysRegRef, mode: ExecMode = 'el2'): Promise<bigint> {
    return this.issue({ kind: 'read', reg, mode });
  }

  /** `msr reg, x0` with x0 = value. */
  async write(reg: SysRegRef, value: bigint, mode: ExecMode = 'el2'): Promise<void> {
    await this.issue({ kind: 'write', reg, value, mode });
  }

  /** Runs one instruction (operand register x0 = `x0`), e.g. TLBI VMALLS12E1IS; resolves with x0 afterwards. */
  exec(insn: number, x0 = 0n, mode: ExecMode = 'el2'): Promise<bigint> {
    return this.issue({ kind: 'insn', insn, x0, mode });
  }

  /** Several accesses in one round trip; results in order (0n for writes). A fault rejects with the first faulting access. */
  async run(ops: readonly SysregOp[]): Promise<bigint[]> {
    if (ops.length === 0) return [];
    return settleAll(this.#send(ops));
  }

  /**
   * Sends one access now and returns its result promise without waiting: requests the caller
   * issues next go on the wire behind it (same round trip). Throws synchronously (nothing
   * sent) for an unknown register name.
   */
  issue(op: SysregOp): Promise<bigint> {
    return this.#send([op])[0]!;
  }

  /** Like `run` but without waiting (see `issue`). */
  issueAll(ops: readonly SysregOp[]): Promise<bigint>[] {
    return this.#send(ops);
  }

  #send(ops: readonly SysregOp[]): Promise<bigint>[] {
    // Resolve every instruction first: a bad name costs no traffic.
    const prepared = ops.map((op) => ({ op, insn: this.#instruction(op) }));
    const p = this.#proxy;
    this.#roundTrips++;
    this.#accesses += ops.length;
    const side: Promise<unknown>[] = [];
    // Uploads go first: REQ_MEMWRITE probes with its own guard and leaves the session guard
    // OFF and the counter reset (§4.4), so it must not fall between the guard set and the call.
    const slots = prepared.map(({ insn }) => this.#slot(insn, side));
    side.push(p.setExcGuard(this.#guard));
    const results: Promise<bigint>[] = [];
    for (const [i, { op, insn }] of prepared.entries()) {
      const slot = slots[i]!;
      const mode = op.mode ?? 'el2';
      const x0 = op.kind === 'write' ? op.value : op.kind === 'insn' ? (op.x0 ?? 0n) : 0n;
      const value = this.#call(mode, slot | MODE_REGION[mode], x0);
      const count = p.getExcCount();
      results.push(this.#checked(op, insn, mode, value, count));
    }
    side.push(p.setExcGuard(Guard.OFF));
    // Side requests are observed through the results: if one fails, fail them all with it.
    const sideDone = settleAll(side);
    return results.map((r) => Promise.all([r, sideDone]).then(([v]) => v));
  }

  #call(mode: ExecMode, addr: bigint, x0: bigint): Promise<bigint> {
    const p = this.#proxy;
    switch (mode) {
      case 'el2':
        return p.call(addr, x0);
      case 'el1':
        return p.el1Call(addr, x0);
      case 'el0':
        return p.el0Call(addr, x0);
      case 'gl1':
        return p.gl1Call(addr, x0);
      case 'gl2':
        return p.gl2Call(addr, x0);
    }
  }

  async #checked(op: SysregOp, insn: number, mode: ExecMode, value: Promise<bigint>, count: Promise<number>): Promise<bigint> {
    const [v, n] = await settleAll<[bigint, number]>([value, count]);
    if (n !== 0) {
      const what = describe(op, insn);
      throw new HvError(HvErrorCode.SYSREG_FAULT, `${what} (${mode}) took ${n} exception${n === 1 ? '' : 's'} on the target`, {
        hint: 'the register does not exist on this CPU, or is not accessible at this level (try another mode: el1, gl2)',
      });
    }
    return op.kind === 'write' ? 0n : v;
  }

  /** The slot holding `[insn, ret]`; uploads it (pushing the requests to `side`) on first use. */
  #slot(insn: number, side: Promise<unknown>[]): bigint {
    const known = this.#slots.get(insn);
    if (known !== undefined) return known;
    const index = this.#nextSlot;
    this.#nextSlot = (this.#nextSlot + 1) % this.#slotCount;
    const addr = this.codeBase + BigInt(index * SLOT_BYTES);
    // A full page recycles the oldest slot: forget what it held.
    for (const [word, at] of this.#slots) if (at === addr) this.#slots.delete(word);
    const bytes = new Uint8Array(SLOT_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, insn, true);
    view.setUint32(4, RET, true);
    const p = this.#proxy;
    side.push(p.transport.memWrite(addr, bytes), p.dcCvau(addr, SLOT_BYTES), p.icIvau(addr, SLOT_BYTES));
    this.#slots.set(insn, addr);
    this.#uploads++;
    return addr;
  }

  #instruction(op: SysregOp): number {
    if (op.kind === 'insn') {
      if (!Number.isInteger(op.insn) || op.insn < 0 || op.insn > 0xffffffff) throw new HvError(HvErrorCode.BAD_ARGUMENT, `instruction word ${op.insn} is not a u32`);
      return op.insn >>> 0;
    }
    const read = op.kind === 'read';
    if (typeof op.reg !== 'string') return encodeSysregAccess(op.reg, read);
    const key = `${op.kind}:${op.reg.toUpperCase()}`;
    let insn = this.#encoded.get(key);
    if (insn === undefined) {
      insn = read ? encodeMrs('x0', op.reg) : encodeMsr(op.reg, 'x0');
      this.#encoded.set(key, insn);
    }
    return insn;
  }
}

function describe(op: SysregOp, insn: number): string {
  if (op.kind === 'insn') return op.label ?? `instruction ${hex(insn)}`;
  const name = typeof op.reg === 'string' ? op.reg : genericSysRegName(op.reg);
  return op.kind === 'read' ? `mrs x0, ${name}` : `msr ${name}, x0 (= ${hex(op.value)})`;
}

/** The encoding of a register name, for callers that compare trapped encodings. */
export function sysregEncoding(name: string): SysRegEncoding {
  const e = lookupSysReg(name);
  if (!e) throw new HvError(HvErrorCode.BAD_ARGUMENT, `unknown system register '${name}'`);
  return e;
}
