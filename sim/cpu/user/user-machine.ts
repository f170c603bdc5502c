// Layer: sim/cpu/user. A minimal "user-mode machine": one core running a static AArch64 Linux
// ELF at EL0 with the MMU off (virtual = physical, flat), in one sparse RAM that covers the
// whole user address range, with no kernel: an SVC, or any other exception taken to EL1,
// stops the step and is handed to the caller, who plays the kernel (the lockstep tests take
// the kernel's answers from qemu-user) and resumes the core with `resume()`.
// Imports sim/cpu, sim/memory and core/formats/elf.
//
// Why MMU off: user programs only need flat addresses, and stage 1 off costs no page tables.
// The model's MMU-off walk is flat for every non-negative VA, so the 40-bit addresses
// qemu-user hands out (stack near 0x55_0000_0000) need nothing but RAM there. (The Arm ARM
// makes MMU-off data accesses Device memory, which would fault unaligned accesses; the model
// does not, and user code needs Normal memory semantics, which is what Linux gives it.)

import type { ElfFile } from '../../../core/formats/elf/index.ts';
import { SparseRam, RAM_PAGE_SIZE } from '../../memory/index.ts';
import { Core } from '../core.ts';
import { PhysicalBus } from '../bus.ts';
import { CodeCache } from '../code-cache.ts';
import type { ExecutorRegistry } from '../executor-registry.ts';
import { EC } from '../constants.ts';
import { REG_SP, vaFromBigint } from '../state.ts';

/** The user address range the RAM covers: [0, 2^48), as Linux's 48-bit VA user half. */
export const USER_RAM_SIZE = 1n << 48n;
/** Where EL1's vectors point: never executed (a step stops at the exception entry). */
const VBAR = 0xffff_f000_0000n & ~0x7ffn;

/** SCTLR_EL1 bits Linux sets for EL0: UCI, nTWE, nTWI, UCT, DZE, SA0 (Arm ARM D17.2). */
const SCTLR_EL0_ACCESS = (1n << 26n) | (1n << 18n) | (1n << 16n) | (1n << 15n) | (1n << 14n) | (1n << 4n);
/** CPACR_EL1.FPEN = 0b11: FP/SIMD at EL0 does not trap. */
const CPACR_FPEN = 3n << 20n;

/** The registers a user program sees (the layout of test/a64/qemu's RegisterSnapshot). */
export interface UserRegisters {
  x: bigint[];
  sp: bigint;
  pc: bigint;
  /** N = 8, Z = 4, C = 2, V = 1. */
  nzcv: number;
  /** v0..v31, 16 bytes each, lane 0 first. */
  v: Uint8Array[];
  fpsr: number;
  fpcr: number;
}

/** What one step did: retired an instruction, or took an exception to EL1 (the "kernel"). */
export type StepOutcome =
  | { readonly kind: 'retired' }
  | {
      readonly kind: 'exception';
      /** ESR_EL1.EC (0x15 SVC64, 0x00 UNDEFINED, 0x18 MSR/MRS trap, 0x24 data abort, …). */
      readonly ec: number;
      readonly esr: number;
      /** ELR_EL1: the instruction (or, for SVC, the one after it). */
      readonly elr: bigint;
      readonly far: bigint;
    };

export interface UserMachineOptions {
  readonly executors: ExecutorRegistry;
}

export class UserMachine {
  readonly ram = new SparseRam({ base: 0n, sizeBytes: USER_RAM_SIZE });
  readonly codeCache = new CodeCache();
  readonly core: Core;
  /** Instructions retired at EL0 (SVC included; other exceptions not counted). */
  retired = 0;

  constructor(options: UserMachineOptions) {
    const bus = new PhysicalBus(this.codeCache.watch(this.ram), [this.ram]);
    this.core = new Core({ bus, executors: options.executors, codeCache: this.codeCache });
    const r = this.core.sysregs;
    r.set('VBAR_EL1', VBAR);
    r.set('SCTLR_EL1', (r.get('SCTLR_EL1') & ~1n) | SCTLR_EL0_ACCESS);
    r.set('CPACR_EL1', r.get('CPACR_EL1') | CPACR_FPEN);
    this.core.recomputeRegimes();
    this.toEl0();
  }

  /**
   * Loads every PT_LOAD segment at its link address as Linux (and qemu-user, with 4 KiB host
   * pages) maps it: the file's bytes from the segment's page start, the bss zeroed; when the
   * segment has no bss the rest of its last page holds the file's following bytes.
   */
  loadElf(elf: ElfFile): void {
    const page = 0x1000n;
    const fileSize = BigInt(elf.bytes.length);
    for (const s of elf.loadSegments) {
      const lead = s.vaddr % page;
      const start = s.vaddr - lead;
      let fileEnd = s.offset + s.filesz;
      if (s.memsz === s.filesz) fileEnd = s.offset + s.filesz + ((page - ((s.vaddr + s.filesz) % page)) % page);
      if (fileEnd > fileSize) fileEnd = fileSize;
      const from = Number(s.offset - lead);
      this.write(start, elf.bytes.subarray(from, Number(fileEnd)));
      const zeroFrom = s.vaddr + s.filesz;
      if (s.memsz > s.filesz) this.zero(zeroFrom, Number(s.vaddr + s.memsz - zeroFrom));
    }
  }

  write(address: bigint, bytes: Uint8Array): void {
    this.core.bus.memory.writeBlock(address, bytes, 0, bytes.length);
  }

  read(address: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.ram.readBlock(address, out, 0, length);
    return out;
  }

  /** Zeroes [address, address + length) without allocating pages never written (fresh anonymous memory). */
  zero(address: bigint, length: number): void {
    let a = Number(address);
    const end = a + length;
    this.codeCache.written(a, length);
    while (a < end) {
      const pageEnd = Math.min(end, a - (a % RAM_PAGE_SIZE) + RAM_PAGE_SIZE);
      const bytes = this.ram.pageAt(a, false);
      if (bytes) bytes.fill(0, a % RAM_PAGE_SIZE, a % RAM_PAGE_SIZE + (pageEnd - a));
      a = pageEnd;
    }
  }

  registers(): UserRegisters {
    const c = this.core;
    return {
      x: Array.from({ length: 31 }, (_, i) => c.getX(i)),
      sp: c.getX(REG_SP),
      pc: c.pc64,
      nzcv: c.nzcv >>> 28,
      v: Array.from({ length: 32 }, (_, i) => c.vb.slice(i * 16, i * 16 + 16)),
      fpsr: c.fpsr >>> 0,
      fpcr: c.fpcr >>> 0,
    };
  }

  setRegisters(r: UserRegisters): void {
    const c = this.core;
    if (c.el !== 0) this.toEl0();
    r.x.forEach((v, i) => c.setX(i, v));
    c.setX(REG_SP, r.sp);
    c.pc = vaFromBigint(r.pc);
    c.nzcv = (r.nzcv & 0xf) << 28;
    r.v.forEach((b, i) => c.vb.set(b, i * 16));
    c.fpsr = r.fpsr;
    c.fpcr = r.fpcr;
    c.contextChanged();
  }

  /** Executes one instruction at EL0; an exception stops at its entry to EL1 (see `resume`). */
  step(): StepOutcome {
    const c = this.core;
    if (c.el !== 0) throw new Error('UserMachine.step: the core is in the kernel; resume() first');
    c.run(1);
    if (c.el === 0) {
      this.retired++;
      return { kind: 'retired' };
    }
    const r = c.sysregs;
    const esr = Number(r.get('ESR_EL1') & 0xffffffffn);
    if (esr >>> 26 === EC.SVC64) this.retired++; // an SVC completes (ELR is the next instruction)
    return { kind: 'exception', ec: esr >>> 26, esr, elr: r.get('ELR_EL1'), far: r.get('FAR_EL1') };
  }

  /**
   * Returns from the "kernel" to EL0 as ERET does (PSTATE from SPSR_EL1), at `pc` when given
   * (e.g. past an instruction the kernel emulated), else at ELR_EL1 (after an SVC: the next
   * instruction).
   */
  resume(pc?: bigint): void {
    const c = this.core;
    if (c.el === 0) return;
    if (pc !== undefined) c.sysregs.set('ELR_EL1', pc);
    c.eret();
    if (c.el !== 0) this.toEl0();
  }

  private toEl0(): void {
    const c = this.core;
    c.selectStack(0, 0);
    c.daif = 0;
    c.contextChanged();
  }
}

/** Exception classes a user-mode "kernel" commonly handles. */
export const USER_EC = { SVC64: EC.SVC64, UNKNOWN: EC.UNKNOWN, SYSREG: EC.SYSREG } as const;
