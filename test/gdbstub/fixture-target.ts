// A packet-level test fixture, not the product: a GdbTarget backed by a register file per CPU
// and one byte array of "guest memory". It executes nothing; its rules are just enough for
// gdb to believe in it:
//   - step: pc += 4 on the stepping CPUs, then a SIGTRAP stop (or held, see holdSteps); an
//     interrupt while a step is in flight changes nothing: the step's stop is the stop (as in
//     core/session, where the interrupt waits for the step);
//   - continue: stops at the nearest software/hardware breakpoint above some running CPU's pc
//     (swbreak/hwbreak), else — if a watchpoint is set — writes to the watched address and
//     stops with watch/rwatch/awatch, else runs until interrupted (SIGINT).
// Every target call is logged in `calls` so tests can assert what the stub asked for.

import { Listeners } from '../../core/util/disposable.ts';
import { AARCH64_REGISTERS, type RegisterName } from '../../gdbstub/registers.ts';
import {
  GdbTargetError,
  type Breakpoint,
  type DebugCapacity,
  type GdbTarget,
  type GdbThreadInfo,
  type ResumePlan,
  type StopEvent,
  type StopReason,
  type ThreadId,
  type ThreadState,
  type Watchpoint,
} from '../../gdbstub/target.ts';

export const MEM_BASE = 0x40000000n;
export const MEM_SIZE = 0x10000;

export interface FixtureOptions {
  cpus?: number;
  capacity?: DebugCapacity;
  /** Steps do not finish until releaseSteps() (for "connection dropped mid-step"). */
  holdSteps?: boolean;
}

export class FixtureTarget implements GdbTarget {
  readonly memory = new Uint8Array(MEM_SIZE);
  readonly regs = new Map<ThreadId, Map<RegisterName, bigint>>();
  readonly states = new Map<ThreadId, ThreadState>();
  readonly breakpoints: Breakpoint[] = [];
  readonly watchpoints: Watchpoint[] = [];
  readonly calls: string[] = [];
  readonly capacity: DebugCapacity;
  holdSteps: boolean;
  private readonly threadList: GdbThreadInfo[];
  private readonly stopped = new Listeners<[StopEvent]>();
  private heldStep: (() => void) | undefined;

  constructor(options: FixtureOptions = {}) {
    const cpus = options.cpus ?? 4;
    this.capacity = options.capacity ?? { hardwareBreakpoints: 2, watchpoints: 2 };
    this.holdSteps = options.holdSteps ?? false;
    this.threadList = Array.from({ length: cpus }, (_, i) => {
      const cluster = i < 2 ? 0 : 1;
      const core = i % 2;
      return { id: i + 1, name: `cpu${i}`, mpidr: 0x80000000n | (BigInt(cluster) << 8n) | BigInt(core), cluster, clusterKind: cluster === 0 ? 'e' : 'p', core: i };
    });
    for (const t of this.threadList) {
      const file = new Map<RegisterName, bigint>();
      for (let i = 0; i <= 30; i++) file.set(`x${i}` as RegisterName, BigInt(t.id) * 0x100n + BigInt(i));
      file.set('sp', MEM_BASE + 0x8000n - BigInt(t.id) * 0x100n);
      // CPU 1 runs the code under test; the others idle far above it (so a continue
      // reaches the breakpoints through CPU 1 only).
      file.set('pc', t.id === 1 ? MEM_BASE + 0x100n : MEM_BASE + 0xf000n + BigInt(t.id) * 0x10n);
      file.set('cpsr', 0x3c5n); // EL1h, DAIF masked
      file.set('fpsr', 0n);
      file.set('fpcr', 0n);
      for (const def of AARCH64_REGISTERS) if (def.feature === 'org.hvdbg.aarch64.sysregs') file.set(def.name as RegisterName, 0n);
      file.set('sctlr_el1', 0x30d00800n);
      file.set('vbar_el1', MEM_BASE + 0x800n);
      file.set('currentel', 4n);
      file.set('mpidr_el1', t.mpidr);
      this.regs.set(t.id, file);
      this.states.set(t.id, { state: 'stopped', reason: { kind: 'signal', signal: 5 } });
    }
  }

  threads(): readonly GdbThreadInfo[] {
    return this.threadList;
  }

  threadState(id: ThreadId): ThreadState {
    const s = this.states.get(id);
    if (s === undefined) throw new GdbTargetError('GDB_TARGET_NO_THREAD', `no CPU ${id}`);
    return s;
  }

  private file(thread: ThreadId): Map<RegisterName, bigint> {
    const f = this.regs.get(thread);
    if (f === undefined) throw new GdbTargetError('GDB_TARGET_NO_THREAD', `no CPU ${thread}`);
    if (this.states.get(thread)?.state === 'running') throw new GdbTargetError('GDB_TARGET_RUNNING', `CPU ${thread} is running`);
    return f;
  }

  readRegisters(thread: ThreadId, names: readonly RegisterName[]): Promise<ReadonlyArray<bigint | undefined>> {
    this.calls.push(`readRegisters ${thread} ${names.length}`);
    const f = this.file(thread);
    return Promise.resolve(names.map((n) => f.get(n) ?? (n.startsWith('v') ? 0n : undefined)));
  }

  writeRegisters(thread: ThreadId, values: ReadonlyMap<RegisterName, bigint>): Promise<void> {
    this.calls.push(`writeRegisters ${thread} ${[...values.keys()].join(',')}`);
    const f = this.file(thread);
    for (const [n, v] of values) f.set(n, v);
    return Promise.resolve();
  }

  private offset(address: bigint): number {
    return Number(address - MEM_BASE);
  }

  readMemory(_thread: ThreadId, address: bigint, length: number): Promise<Uint8Array> {
    this.calls.push(`readMemory 0x${address.toString(16)} ${length}`);
    const start = this.offset(address);
    if (start < 0 || start >= MEM_SIZE) return Promise.resolve(new Uint8Array(0));
    return Promise.resolve(this.memory.slice(start, Math.min(MEM_SIZE, start + length)));
  }

  writeMemory(_thread: ThreadId, address: bigint, data: Uint8Array): Promise<void> {
    this.calls.push(`writeMemory 0x${address.toString(16)} ${data.length}`);
    const start = this.offset(address);
    if (start < 0 || start + data.length > MEM_SIZE) {
      return Promise.reject(new GdbTargetError('GDB_TARGET_MEMORY_FAULT', `no memory at 0x${address.toString(16)}`));
    }
    this.memory.set(data, start);
    return Promise.resolve();
  }

  insertBreakpoint(bp: Breakpoint): Promise<void> {
    this.calls.push(`insertBreakpoint ${bp.kind} 0x${bp.address.toString(16)} ${bp.size}`);
    if (bp.kind === 'hardware' && this.breakpoints.filter((b) => b.kind === 'hardware').length >= this.capacity.hardwareBreakpoints) {
      return Promise.reject(new GdbTargetError('GDB_TARGET_NO_SLOTS', `all ${this.capacity.hardwareBreakpoints} hardware breakpoints in use`));
    }
    this.breakpoints.push(bp);
    return Promise.resolve();
  }

  removeBreakpoint(bp: Breakpoint): Promise<void> {
    this.calls.push(`removeBreakpoint ${bp.kind} 0x${bp.address.toString(16)} ${bp.size}`);
    const i = this.breakpoints.findIndex((b) => b.kind === bp.kind && b.address === bp.address);
    if (i >= 0) this.breakpoints.splice(i, 1);
    return Promise.resolve();
  }

  insertWatchpoint(wp: Watchpoint): Promise<void> {
    this.calls.push(`insertWatchpoint ${wp.kind} 0x${wp.address.toString(16)} ${wp.length}`);
    if (this.watchpoints.length >= this.capacity.watchpoints) {
      return Promise.reject(new GdbTargetError('GDB_TARGET_NO_SLOTS', `all ${this.capacity.watchpoints} watchpoints in use`));
    }
    this.watchpoints.push(wp);
    return Promise.resolve();
  }

  removeWatchpoint(wp: Watchpoint): Promise<void> {
    this.calls.push(`removeWatchpoint ${wp.kind} 0x${wp.address.toString(16)} ${wp.length}`);
    const i = this.watchpoints.findIndex((w) => w.kind === wp.kind && w.address === wp.address);
    if (i >= 0) this.watchpoints.splice(i, 1);
    return Promise.resolve();
  }

  resume(plan: ResumePlan): Promise<void> {
    const desc = [...plan.actions].map(([id, a]) => `${id}:${a.action}`).join(' ');
    this.calls.push(`resume ${desc}`);
    const stepping = [...plan.actions].filter(([, a]) => a.action === 'step').map(([id]) => id);
    const running = [...plan.actions].filter(([, a]) => a.action !== 'stop').map(([id]) => id);
    for (const id of running) this.states.set(id, { state: 'running' });
    if (stepping.length > 0) {
      const finish = () => {
        for (const id of stepping) this.file2(id).set('pc', this.file2(id).get('pc')! + 4n);
        this.stopAll(stepping[0]!, { kind: 'signal', signal: 5 });
      };
      if (this.holdSteps) this.heldStep = finish;
      else setImmediate(finish);
      return Promise.resolve();
    }
    setImmediate(() => this.runUntilEvent(running));
    return Promise.resolve();
  }

  /** Finishes a held step. */
  releaseSteps(): void {
    const f = this.heldStep;
    this.heldStep = undefined;
    f?.();
  }

  private file2(id: ThreadId): Map<RegisterName, bigint> {
    return this.regs.get(id)!;
  }

  private runUntilEvent(running: ThreadId[]): void {
    if (!running.every((id) => this.states.get(id)?.state === 'running')) return; // interrupted already
    let best: { id: ThreadId; bp: Breakpoint } | undefined;
    for (const id of running) {
      const pc = this.file2(id).get('pc')!;
      for (const bp of this.breakpoints) if (bp.address > pc && (best === undefined || bp.address < best.bp.address)) best = { id, bp };
    }
    if (best !== undefined) {
      this.file2(best.id).set('pc', best.bp.address);
      this.stopAll(best.id, { kind: best.bp.kind === 'software' ? 'swbreak' : 'hwbreak' });
      return;
    }
    const wp = this.watchpoints[0];
    if (wp !== undefined) {
      const at = this.offset(wp.address);
      if (wp.kind !== 'read' && at >= 0 && at < MEM_SIZE) this.memory[at] = (this.memory[at]! + 1) & 0xff;
      this.stopAll(running[0]!, { kind: 'watch', access: wp.kind, address: wp.address });
    }
    // Otherwise: runs until interrupt().
  }

  interrupt(): Promise<void> {
    this.calls.push('interrupt');
    if (this.heldStep !== undefined) return Promise.resolve();
    const running = this.threadList.find((t) => this.states.get(t.id)?.state === 'running');
    if (running !== undefined) setImmediate(() => this.stopAll(running.id, { kind: 'signal', signal: 2 }));
    return Promise.resolve();
  }

  private stopAll(threadId: ThreadId, reason: StopReason): void {
    for (const t of this.threadList) this.states.set(t.id, { state: 'stopped', reason: t.id === threadId ? reason : { kind: 'signal', signal: 0 } });
    this.stopped.emit({ threadId, reason });
  }

  onStopped(listener: (event: StopEvent) => void) {
    return this.stopped.add(listener);
  }

  detach(): Promise<void> {
    this.calls.push('detach');
    for (const t of this.threadList) this.states.set(t.id, { state: 'running' });
    return Promise.resolve();
  }

  kill(): Promise<void> {
    this.calls.push('kill');
    return Promise.resolve();
  }

  monitor(command: string, print: (text: string) => void): Promise<void> {
    this.calls.push(`monitor ${command}`);
    if (command === 'help') {
      print('fixture monitor commands:\n  help      this list\n  cpu info  the CPUs\n');
      return Promise.resolve();
    }
    if (command === 'cpu info') {
      for (const t of this.threadList) print(`${t.name} MPIDR=0x${t.mpidr.toString(16)} cluster ${t.cluster}\n`);
      return Promise.resolve();
    }
    return Promise.reject(new GdbTargetError('GDB_TARGET_MONITOR_FAILED', `unknown monitor command "${command}"`, { hint: 'try "monitor help"' }));
  }
}
