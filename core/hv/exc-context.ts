// Layer: core/hv. The callback context, `struct exc_info` (spec §9.2): read in one MEMREAD,
// typed accessors, written back only if changed, in one MEMWRITE of just the changed span.
// Imports core/proxy's transport interface and this folder.
//
// Only x0..x30, spsr, elr, sp[0] and sp[1] are taken back by the target after P_EXIT(2); the
// rest (esr, far, afsr1, cpu id, the *_phys translations, extra) are read-only here, so a write
// can never be silently ignored by the target.

import type { ProxyTransport } from '../proxy/transport.ts';
import { EXC_INFO_SIZE, EXC_INFO_WRITABLE_END, ExcInfoOffset as O } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';

const U64_MASK = (1n << 64n) - 1n;

export class ExcContext {
  /** Current bytes (what the host sees and edits). */
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** The bytes as read from (or last written to) the target. */
  readonly #original: Uint8Array;

  /** `bytes`: at least 368 bytes read from `info` (copied). */
  constructor(
    readonly info: bigint,
    bytes: Uint8Array,
  ) {
    if (bytes.length < EXC_INFO_SIZE) {
      throw new HvError(HvErrorCode.BAD_CONTEXT, `exc_info at ${hex(info)}: ${bytes.length} bytes, the structure is ${EXC_INFO_SIZE}`);
    }
    this.#bytes = bytes.slice(0, EXC_INFO_SIZE);
    this.#original = bytes.slice(0, EXC_INFO_SIZE);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** Sends the MEMREAD now (pipelinable) and resolves with the context. */
  static read(transport: ProxyTransport, info: bigint): Promise<ExcContext> {
    return transport.memRead(info, EXC_INFO_SIZE).then((bytes) => new ExcContext(info, bytes));
  }

  #u64(off: number): bigint {
    return this.#view.getBigUint64(off, true);
  }

  #set(off: number, value: bigint): void {
    this.#view.setBigUint64(off, value & U64_MASK, true);
  }

  /** x0..x30; 31 is XZR in instruction terms and reads 0 here. */
  reg(n: number): bigint {
    checkReg(n);
    return n === 31 ? 0n : this.#u64(O.REGS + 8 * n);
  }

  /** Sets x0..x30; writing register 31 (XZR) is a no-op, as an instruction writing XZR is. */
  setReg(n: number, value: bigint): void {
    checkReg(n);
    if (n !== 31) this.#set(O.REGS + 8 * n, value);
  }

  /** x0..x30 as an array (a copy). */
  get regs(): bigint[] {
    return Array.from({ length: 31 }, (_, i) => this.#u64(O.REGS + 8 * i));
  }

  get spsr(): bigint {
    return this.#u64(O.SPSR);
  }
  set spsr(v: bigint) {
    this.#set(O.SPSR, v);
  }
  /** The guest PC. */
  get elr(): bigint {
    return this.#u64(O.ELR);
  }
  set elr(v: bigint) {
    this.#set(O.ELR, v);
  }
  get sp0(): bigint {
    return this.#u64(O.SP0);
  }
  set sp0(v: bigint) {
    this.#set(O.SP0, v);
  }
  get sp1(): bigint {
    return this.#u64(O.SP1);
  }
  set sp1(v: bigint) {
    this.#set(O.SP1, v);
  }
  get esr(): bigint {
    return this.#u64(O.ESR);
  }
  get far(): bigint {
    return this.#u64(O.FAR);
  }
  /** AFSR1_EL2: the MSR-style ISS of Apple IMPDEF traps (§9.5). */
  get afsr1(): bigint {
    return this.#u64(O.AFSR1);
  }
  get cpuId(): number {
    return Number(this.#u64(O.CPU_ID));
  }
  get mpidr(): bigint {
    return this.#u64(O.MPIDR);
  }
  /** Stage 1+2 translation of elr; 0 if none. */
  get elrPhys(): bigint {
    return this.#u64(O.ELR_PHYS);
  }
  get farPhys(): bigint {
    return this.#u64(O.FAR_PHYS);
  }
  get spPhys(): bigint {
    return this.#u64(O.SP_PHYS);
  }
  /** Reason-specific data pointer (HOOK_VM hook data, virtio info), else 0. */
  get extra(): bigint {
    return this.#u64(O.EXTRA);
  }

  /** Exception level the guest was at: SPSR.M[3:2]. */
  get el(): number {
    return Number((this.spsr >> 2n) & 3n);
  }

  /** Whether anything the target takes back differs from what it gave. */
  get dirty(): boolean {
    return this.#dirtySpan() !== null;
  }

  /** The smallest [start, end) covering every changed byte, or null. */
  #dirtySpan(): [number, number] | null {
    let start = -1;
    let end = -1;
    for (let i = 0; i < EXC_INFO_WRITABLE_END; i++) {
      if (this.#bytes[i] !== this.#original[i]) {
        if (start < 0) start = i;
        end = i + 1;
      }
    }
    return start < 0 ? null : [start & ~7, (end + 7) & ~7];
  }

  /**
   * Sends the MEMWRITE of the changed span now (so requests issued next follow it on the wire)
   * and returns its promise; null when nothing changed. The context counts as clean once sent.
   */
  writeBack(transport: ProxyTransport): Promise<void> | null {
    const span = this.#dirtySpan();
    if (span === null) return null;
    const [start, end] = span;
    const piece = this.#bytes.slice(start, end);
    this.#original.set(piece, start);
    return transport.memWrite(this.info + BigInt(start), piece);
  }

  /** A copy of the 368 bytes as they stand. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }
}

function checkReg(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 31) throw new HvError(HvErrorCode.BAD_ARGUMENT, `register x${n} does not exist (x0..x30, 31 = xzr)`);
}
