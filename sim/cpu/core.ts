// Layer: sim/cpu. One core: state, system registers, timer, debug, TLB and the run loop.
// Imports sim/memory (types), core/errors and this folder.
//
// Run loop: instructions come from the shared CodeCache (predecoded per physical page); while
// nothing needs per-instruction checks (no breakpoints, no software step, no illegal state)
// the inner loop runs straight through a page without looking at anything but the PC.
// Interrupts and timers are looked at between pages or when their deadline (an instruction
// count) is reached. Faults are taken where they happen and unwind with EXCEPTION_TAKEN.
// Hot code runs as translated blocks (block-translator.ts): a block is entered only when the
// straight-line run at its entry fits before the next interrupt/timer check, continues inside
// itself only under the same rule, and settles PC and icount before anything can observe
// them, so the granularity of interrupt delivery, ELR/FAR of faults and icount are unchanged.
// The memory accessors executors call (read8…write64) are in core-memory.ts.

import { EC, FSC, HCR, ISS_SS_ISV, ISS_SS_EX, DAIF_D, m1Midr, m1Mpidr } from './constants.ts';
import { REG_SINK, REG_ZR } from './state.ts';
import { CoreMemory } from './core-memory.ts';
import { SysregFile, SYSREG_TRAP_EL2, type SysregHooks } from './sysregs.ts';
import type { SysregDef } from './sysreg-table.ts';
import { GenericTimer } from './timer.ts';
import { DebugUnit, debugEnabledAt } from './debug.ts';
import { ACCESS_EXEC, type Regime } from './mmu.ts';
import { CodeCache, CodePage } from './code-cache.ts';
import { translateBlock, HOT_THRESHOLD, type Block } from './block-translator.ts';
import type { ExecutorRegistry, Predecoded } from './executor-registry.ts';
import { EXCEPTION_TAKEN, raiseSync, takeSync, eret, debugTargetEl, type Syndrome } from './exceptions.ts';
import { readComputed, writeComputed, written } from './core-sysregs.ts';
import { checkInterrupts, wakeable } from './interrupts.ts';
import type { PhysicalBus } from './bus.ts';
import { memRead } from './memory-access.ts';

export interface Stage2Access {
  readonly va: number;
  readonly write: boolean;
  readonly size: number;
  readonly el: number;
  readonly pc: number;
  readonly fetch: boolean;
  /** A stage-1 table walk read. */
  readonly s1ptw: boolean;
}

/**
 * The hypervisor's say on every physical access. `{ pa }` is cached in the TLB until a flush
 * (`core.tlbFlushAll()`, as TLBI on hardware) unless `trace` is set; `{ fault }` raises a
 * stage-2 abort to EL2 (default FSC: translation fault, level 3); `{ emulate }` sends the
 * access to `Stage2Hook.emulate*`.
 */
export type Stage2Result = { pa: number; trace?: boolean } | { fault: { fsc?: number } } | { emulate: true };

export interface Stage2Hook {
  translate(ipa: number, access: Stage2Access): Stage2Result;
  emulateRead?(ipa: number, access: Stage2Access): bigint;
  emulateWrite?(ipa: number, value: bigint, access: Stage2Access): void;
}

export interface CoreOptions {
  /** Logical CPU number (M1: 0–3 Icestorm, 4–7 Firestorm). */
  readonly cpu?: number;
  readonly bus: PhysicalBus;
  readonly executors: ExecutorRegistry;
  readonly codeCache?: CodeCache;
  /** Retired instructions per counter tick (default 1). */
  readonly instructionsPerTick?: number;
  /** Translate hot straight-line code into JS functions (default true; block-translator.ts). */
  readonly translateBlocks?: boolean;
  readonly stage2?: Stage2Hook;
  readonly onTrapToEl2?: (core: Core, syndrome: Syndrome) => void;
  /** Fast IPI sent by IPI_RR_LOCAL/GLOBAL (value as written, apple-devices §2.5). */
  readonly onIpi?: (core: Core, value: bigint, global: boolean) => void;
  /** SEV executed: every core's event register is set (the scheduler does it). */
  readonly onSev?: (core: Core) => void;
}

export class Core extends CoreMemory implements SysregHooks {
  readonly cpu: number;
  readonly sysregs: SysregFile;
  readonly timer: GenericTimer;
  readonly debug = new DebugUnit();
  readonly bus: PhysicalBus;
  readonly codeCache: CodeCache;
  readonly executors: ExecutorRegistry;
  stage2: Stage2Hook | undefined;
  onTrapToEl2: ((core: Core, syndrome: Syndrome) => void) | undefined;
  onIpi: ((core: Core, value: bigint, global: boolean) => void) | undefined;
  onSev: ((core: Core) => void) | undefined;
  readonly instructionsPerTick: number;
  /** Block translation on (the interpreter alone when false; the bench compares both). */
  translateBlocks: boolean;
  /** Blocks this core has translated (tests and statistics). */
  blocksTranslated = 0;

  /** Instructions retired, plus idle time the scheduler credits: the core's clock. */
  icount = 0;
  /** External interrupt inputs (AIC → IRQ; FIQ sources beyond the timers/IPI). */
  irqLine = false;
  fiqLine = false;
  ipiPending = false;
  /** 0 running, 1 in WFI, 2 in WFE. */
  waiting = 0;
  eventRegister = false;
  /** Software step: an instruction was stepped since the last exception/return (ISS.ISV). */
  steppedOne = false;
  /** The last instruction was a load-exclusive (software-step ISS.EX); executors set it. */
  lastLoadExclusive = false;
  /** Something the inner loop must look at changed (EL, translation, masks, lines). */
  resync = true;

  private slowMode = true;
  private nextTimerCheck = 0;
  regime10!: Regime;
  regime2!: Regime;

  constructor(options: CoreOptions) {
    super();
    this.cpu = options.cpu ?? 0;
    this.bus = options.bus;
    this.executors = options.executors;
    this.codeCache = options.codeCache ?? new CodeCache();
    this.stage2 = options.stage2;
    this.onTrapToEl2 = options.onTrapToEl2;
    this.onIpi = options.onIpi;
    this.onSev = options.onSev;
    this.instructionsPerTick = options.instructionsPerTick ?? 1;
    this.translateBlocks = options.translateBlocks ?? true;
    this.timer = new GenericTimer(() => Math.floor(this.icount / this.instructionsPerTick));
    this.sysregs = new SysregFile(this, { MIDR_EL1: m1Midr(this.cpu), MPIDR_EL1: m1Mpidr(this.cpu) });
    this.codeCache.onCodePage((pa) => this.tlb.dropWritesTo(pa));
    this.recomputeRegimes();
    this.debug.rebuild(this.sysregs);
  }

  // ---- SysregHooks ----

  readComputed(def: SysregDef): bigint {
    return readComputed(this, def);
  }

  writeComputed(def: SysregDef, value: bigint): void {
    writeComputed(this, def, value);
  }

  written(def: SysregDef): void {
    written(this, def);
  }

  // ---- state changes ----

  /** EL, masks, translation, debug or lines changed: the loop re-checks everything. */
  contextChanged(): void {
    this.resync = true;
    this.nextTimerCheck = 0;
  }

  recomputeRegimes(): void {
    const r = this.sysregs;
    const regime = (sfx: string, two: boolean): Regime => {
      const sctlr = r.get(`SCTLR_${sfx}`);
      let tcr = r.get(`TCR_${sfx}`);
      // TCR_EL2 without E2H has the EL1 layout's T0SZ/TG0 but PS at bits 18:16 (IPS is 34:32).
      if (!two) tcr = (tcr & 0xffffn) | (((tcr >> 16n) & 7n) << 32n);
      return { mmuOn: (sctlr & 1n) !== 0n, wxn: (sctlr & (1n << 19n)) !== 0n, tcr, ttbr0: r.get(`TTBR0_${sfx}`), ttbr1: two ? r.get(`TTBR1_${sfx}`) : 0n, twoRanges: two };
    };
    // E2H = 1 with TGE = 1: EL0 runs in the EL2&0 regime (the host's user space).
    this.el0InEl2Regime = r.e2h && (r.get('HCR_EL2') & HCR.TGE) !== 0n;
    this.regime10 = regime('EL1', true);
    this.regime2 = regime('EL2', r.e2h);
    const asid = (g: Regime): number => {
      const src = (g.tcr >> 22n) & 1n ? g.ttbr1 : g.ttbr0;
      return Number((src >> 48n) & ((g.tcr >> 36n) & 1n ? 0xffffn : 0xffn));
    };
    this.asid10 = asid(this.regime10);
    this.asid2 = asid(this.regime2);
  }

  /** Debug exceptions can be generated at `el` with PSTATE.D = `dMasked`. */
  debugEnabledAt(el: number, dMasked = (this.daif & DAIF_D) !== 0): boolean {
    return debugEnabledAt(el, debugTargetEl(this), this.debug.kde, dMasked);
  }

  eret(): void {
    eret(this);
  }

  tlbFlushAll(): void {
    this.tlb.flushAll();
  }

  /** TLBI by VA (asid −1: all ASIDs), by ASID, or all. */
  tlbi(op: 'all' | 'asid' | 'va', va = 0, asid = -1): void {
    if (op === 'all') this.tlb.flushAll();
    else if (op === 'asid') this.tlb.flushAsid(asid);
    else this.tlb.flushVa(va, asid);
  }

  // ---- system register instructions (for executors) ----

  /** MRS/MSR with `key` (sysreg-table.ts packing) and Rt slot; traps and UNDEFINED as the architecture says. */
  sysregAccess(key: number, rt: number, read: boolean): void {
    const def = this.sysregs.resolve(key, this.el, !read);
    if (typeof def === 'number') {
      if (def === SYSREG_TRAP_EL2) {
        // The syndrome names the architectural register: the zero-register slot and the write
        // sink are both Rt = 31.
        const rtField = rt === REG_ZR || rt === REG_SINK ? 31 : rt & 31;
        const iss = (((key >> 14) & 3) << 20) | ((key & 7) << 17) | (((key >> 11) & 7) << 14) | (((key >> 7) & 15) << 10) | (rtField << 5) | (((key >> 3) & 15) << 1) | (read ? 1 : 0);
        raiseSync(this, EC.SYSREG, iss, { target: 2 });
      }
      raiseSync(this, EC.UNKNOWN, 0);
    }
    if (read) this.setX(rt, this.sysregs.read(def));
    else this.sysregs.write(def, this.getX(rt));
  }

  // ---- run loop ----

  /**
   * Executes up to `max` instructions (fewer when the core starts waiting in WFI/WFE). Taking
   * an exception or interrupt costs one instruction's time. Returns how far `icount` moved.
   */
  run(max: number): number {
    const start = this.icount;
    const stop = start + max;
    if (this.waiting !== 0 && this.wakeable()) this.wake();
    while (this.icount < stop && this.waiting === 0) {
      const before = this.icount;
      try {
        if (this.resync || this.icount >= this.nextTimerCheck) {
          this.resync = false;
          this.slowMode = this.debug.bpCount > 0 || this.debug.ssEnabled || this.il !== 0;
          const timerAt = this.timer.nextEventCount();
          this.nextTimerCheck = timerAt === Infinity ? Infinity : Math.max(this.icount + 1, timerAt * this.instructionsPerTick);
          if (this.checkInterrupts()) {
            this.icount++;
            continue;
          }
        }
        if (this.slowMode) {
          this.stepChecked();
          continue;
        }
        const page = this.fetchPage(this.pc);
        const slots = page.slots;
        const blocks = page.blocks;
        // Traced code pages (pa NaN) are decoded afresh each time: nothing to attach blocks to.
        const translate = this.translateBlocks && page.pa === page.pa;
        let pc = this.pc;
        const pageStart = pc - (pc & 0xfff);
        const pageEnd = pageStart + 4096;
        const limit = Math.min(stop, this.nextTimerCheck);
        while (this.icount < limit) {
          const idx = (pc - pageStart) >>> 2;
          if (translate) {
            // A block runs only when all of it fits before `limit`: interrupt and timer checks
            // happen at exactly the instruction counts the interpreter would use.
            const b = blocks[idx] ?? this.blockAt(page, idx);
            if (b && this.icount + b.len <= limit) {
              b.run(this, pageStart, limit);
              pc = this.pc;
              if (this.resync || pc >= pageEnd || pc < pageStart) break;
              continue;
            }
          }
          const p = slots[idx] ?? this.predecodeSlot(page, idx);
          this.icount++;
          if (p.exec(this, p) !== true) this.pc = pc + 4;
          pc = this.pc;
          // WFI/WFE and stores into this code page set `resync` too (waitFor, memory-access.ts).
          if (this.resync || pc >= pageEnd || pc < pageStart) break;
        }
      } catch (e) {
        if (e !== EXCEPTION_TAKEN) throw e;
        if (this.icount === before) this.icount++;
      }
    }
    return this.icount - start;
  }

  /** WFI (1) or WFE (2) executed: the loop stops until `wakeable()`. A WFE with the event register set just clears it. */
  waitFor(kind: 1 | 2): void {
    if (kind === 2 && this.eventRegister) {
      this.eventRegister = false;
      return;
    }
    this.waiting = kind;
    this.resync = true;
  }

  /** SEV: sets the event register of every core (this one alone without a scheduler). SEVL: this core only. */
  sendEvent(local = false): void {
    if (local || !this.onSev) this.eventRegister = true;
    else this.onSev(this);
  }

  /** Leaves WFI/WFE (a WFE consumes the event register). */
  wake(): void {
    if (this.waiting === 2) this.eventRegister = false;
    this.waiting = 0;
    this.contextChanged();
  }

  /** Drives the core's IRQ input (the AIC's output, apple-devices §2.4). */
  setIrq(level: boolean): void {
    this.irqLine = level;
    this.contextChanged();
  }

  /** Drives the FIQ input from sources other than the timers and fast IPIs (e.g. PMU). */
  setFiq(level: boolean): void {
    this.fiqLine = level;
    this.contextChanged();
  }

  /** One instruction with every per-instruction check (software step, illegal state, breakpoints). */
  private stepChecked(): void {
    const stepActive = this.debug.ssEnabled && this.debugEnabledAt(this.el);
    if (stepActive && this.ss === 0) {
      // Active-pending: the step exception comes before anything else (§9.11, EC 0x32/0x33).
      const iss = 0x22 | (this.steppedOne ? ISS_SS_ISV | (this.lastLoadExclusive ? ISS_SS_EX : 0) : 0);
      takeSync(this, EC.STEP_LOWER, iss);
      this.icount++;
      return;
    }
    if (this.il) raiseSync(this, EC.ILLEGAL_STATE, 0);
    const page = this.fetchPage(this.pc);
    if (this.debug.bpCount > 0 && this.debugEnabledAt(this.el) && this.debug.breakpointAt(this.pc, this.el) >= 0) {
      raiseSync(this, EC.BREAKPOINT_LOWER, FSC.DEBUG);
    }
    const idx = (this.pc & 0xfff) >>> 2;
    const p = page.slots[idx] ?? this.predecodeSlot(page, idx);
    const pc = this.pc;
    this.lastLoadExclusive = false;
    this.icount++;
    if (p.exec(this, p) !== true) this.pc = pc + 4;
    if (stepActive && this.ss === 1) {
      this.ss = 0;
      this.steppedOne = true;
    }
  }

  private fetchPage(pc: number): CodePage {
    if (pc % 4 !== 0) raiseSync(this, EC.PC_ALIGN, 0, { far: pc });
    const key = Math.floor(pc / 4096) * 4 + this.el;
    let i = this.hit(this.tlb.exec, key);
    if (i < 0) {
      memRead(this, pc, 4, ACCESS_EXEC);
      i = this.hit(this.tlb.exec, key);
      if (i < 0) return new CodePage(Number.NaN); // traced code page: decoded, never cached
    }
    return this.codeCache.page(this.tlb.exec.pa[i]!);
  }

  /**
   * The block entered at slot `idx`, translated once the slot is hot (block-translator.ts).
   * A block covers only slots already decoded by execution, so data next to code is never
   * decoded and translation performs no memory access of its own.
   */
  private blockAt(page: CodePage, idx: number): Block | null | undefined {
    const heat = page.heat[idx]!;
    if (heat < HOT_THRESHOLD) {
      page.heat[idx] = heat + 1;
      return undefined;
    }
    const entries = translateBlock(page.slots, idx);
    if (!entries) return undefined;
    // Every jump target of the region becomes an entry (unless it has its own block already).
    for (const [t, b] of entries) page.blocks[t] ??= b;
    this.blocksTranslated++;
    return entries.get(idx);
  }

  private predecodeSlot(page: CodePage, idx: number): Predecoded {
    const pc = this.pc - (this.pc & 0xfff) + idx * 4;
    const word = Number(BigInt.asUintN(32, memRead(this, pc, 4, ACCESS_EXEC)));
    const p = this.executors.predecode(word);
    if (page.pa === page.pa) page.slots[idx] = p;
    return p;
  }

  /** Takes a pending, unmasked IRQ/FIQ (physical or virtual); true if one was taken (interrupts.ts). */
  checkInterrupts(): boolean {
    return checkInterrupts(this);
  }

  /** Whether a WFI/WFE would end now (interrupts.ts). */
  wakeable(): boolean {
    return wakeable(this);
  }

  svc(imm16: number): never {
    return raiseSync(this, EC.SVC64, imm16, { returnPc: this.pc + 4, completed: true });
  }
  hvc(imm16: number): never {
    if (this.el === 0) return raiseSync(this, EC.UNKNOWN, 0);
    return raiseSync(this, EC.HVC64, imm16, { returnPc: this.pc + 4, completed: true, target: 2 });
  }
  brk(imm16: number): never {
    return raiseSync(this, EC.BRK64, imm16);
  }
  undefinedInstruction(): never {
    return raiseSync(this, EC.UNKNOWN, 0);
  }
}
