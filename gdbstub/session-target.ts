// Layer: gdbstub, the product adapter: a GdbTarget over the debug model (core/session). Imports
// core/session, core/hv (types and the loaded guest's entry), core/errors, core/util and
// gdbstub/target.ts.
//
// Threads are CPUs: thread id = m1n1 CPU index + 1 (gdb numbers from 1). All-stop comes from
// core/session (§9.4): a stop on one CPU holds the others, and requests for another CPU switch
// the callback session to it (§9.6). Session refusals become GdbTargetErrors the stub answers
// as `E xx` without dropping gdb.

import type { GuestExit, Hypervisor } from '../core/hv/index.ts';
import { SessionError, SessionErrorCode, type CpuRunState, type DebugSession, type SessionStopReason, type StopInfo } from '../core/session/index.ts';
import type { Disposable } from '../core/util/disposable.ts';
import type { RegisterName } from './registers.ts';
import {
  GdbTargetError,
  type Breakpoint,
  type GdbTarget,
  type GdbTargetErrorCode,
  type GdbThreadInfo,
  type ResumePlan,
  type StopEvent,
  type StopReason,
  type ThreadId,
  type ThreadState,
  type Watchpoint,
} from './target.ts';

export interface SessionTargetOptions {
  /** `monitor tracers`: the loaded tracer plugins, one line each (the CLI's plugin host). */
  readonly tracers?: () => readonly string[];
  /** `monitor load|unload|reload|verbosity …`: a tracer command (core/plugin runPluginCommand); resolves with its answer. */
  readonly tracerCommand?: (line: string) => Promise<string>;
  /** Diagnostics (a step that failed, …). */
  readonly log?: (line: string) => void;
}

const SIGINT = 2;
const SIGTRAP = 5;
const SIGBUS = 7;
const SIGSEGV = 11;
const SIGALRM = 14;
/** Longest `monitor phys` dump: a console screenful or two, not a memory dump tool. */
const MAX_PHYS_DUMP = 4096;

const ERROR_CODES: ReadonlyMap<string, GdbTargetErrorCode> = new Map([
  [SessionErrorCode.NO_SLOT, 'GDB_TARGET_NO_SLOTS'],
  [SessionErrorCode.RUNNING, 'GDB_TARGET_RUNNING'],
  [SessionErrorCode.MEMORY_FAULT, 'GDB_TARGET_MEMORY_FAULT'],
  [SessionErrorCode.NO_CPU, 'GDB_TARGET_NO_THREAD'],
  [SessionErrorCode.BAD_REGISTER, 'GDB_TARGET_BAD_REGISTER'],
]);

/** Session refusals as the stub's error codes; anything else passes through (the stub answers EIO). */
function mapError(err: unknown): unknown {
  if (!(err instanceof SessionError)) return err;
  const code = ERROR_CODES.get(err.code);
  return code === undefined ? err : new GdbTargetError(code, err.message, { hint: err.hint, cause: err });
}

async function mapped<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw mapError(err);
  }
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function stopReason(reason: SessionStopReason, stop?: Pick<StopInfo, 'dataAddress' | 'watchAccess'>): StopReason {
  switch (reason) {
    case 'breakpoint':
      return { kind: 'swbreak' };
    case 'hw-breakpoint':
      return { kind: 'hwbreak' };
    case 'watchpoint':
      return { kind: 'watch', access: stop?.watchAccess ?? 'write', address: stop?.dataAddress ?? 0n };
    case 'step':
    case 'hypercall':
      return { kind: 'signal', signal: SIGTRAP };
    case 'interrupt':
      return { kind: 'signal', signal: SIGINT };
    case 'exception':
      return { kind: 'signal', signal: SIGSEGV };
    case 'vtimer':
      return { kind: 'signal', signal: SIGALRM };
    case 'mmio-error':
      return { kind: 'signal', signal: SIGBUS };
  }
}

const exitStatus = (status: bigint | undefined): number => (status === undefined ? 0 : Number(status & 0xffn));

function describeRun(run: CpuRunState): string {
  return run.state === 'stopped' ? `stopped (${run.reason})` : run.state;
}

/** `monitor phys`: 16 bytes a line, address, hex and ASCII. */
function hexDump(base: bigint, bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hexes = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(base + BigInt(off)).toString(16).padStart(16, '0')}  ${hexes.padEnd(47)}  ${ascii}`);
  }
  return `${lines.join('\n')}\n`;
}

function parseNumber(text: string | undefined, what: string): bigint {
  try {
    if (text !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(text)) return BigInt(text);
  } catch {
    // fall through to the usage error
  }
  throw new GdbTargetError('GDB_TARGET_MONITOR_FAILED', `${what}: expected a number (0x… or decimal), got '${text ?? ''}'`, { hint: 'monitor help' });
}

const MONITOR_HELP = `hvdbg monitor commands:
  help              this list
  cpus (or cpu)     every CPU: MPIDR, cluster, core, state (* = the one gdb's registers come from)
  translate VA      guest-virtual → physical through the stopped CPU's EL1 translation
  phys ADDR LEN     read LEN bytes (up to ${MAX_PHYS_DUMP}) at physical ADDR, as a hex dump
  tracers           the tracer plugins loaded in this run
  load NAME | unload NAME | reload NAME | verbosity NAME [N]
                    tracer plugin commands, as on hvdbg run's stdin
`;

/** The GdbTarget gdb sees for a DebugSession: one thread per CPU the ADT lists. */
export function sessionTarget(session: DebugSession, options: SessionTargetOptions = {}): GdbTarget {
  const log = options.log ?? (() => undefined);
  const threads: readonly GdbThreadInfo[] = session.cpuList.map((c) => ({
    id: c.index + 1,
    name: `cpu${c.index}`,
    mpidr: c.mpidr,
    cluster: c.cluster,
    core: c.core,
    ...(c.clusterKind === undefined ? {} : { clusterKind: c.clusterKind }),
  }));
  const cpuOf = (id: ThreadId): number => {
    if (!threads.some((t) => t.id === id)) throw new GdbTargetError('GDB_TARGET_NO_THREAD', `no thread ${id}: this machine has CPUs ${threads.map((t) => t.id - 1).join(', ')}`);
    return id - 1;
  };
  /** Memory goes through the thread's translation when its CPU runs guest code, else the current CPU's. */
  const memoryCpu = (id: ThreadId): number | undefined => {
    const cpu = cpuOf(id);
    return session.cpuState(cpu).state === 'offline' ? undefined : cpu;
  };

  const monitor = async (command: string, print: (text: string) => void): Promise<void> => {
    const [verb = '', ...args] = command.trim().split(/\s+/);
    switch (verb) {
      case '':
      case 'help':
        return print(MONITOR_HELP);
      case 'cpu':
      case 'cpus': {
        const lines = session.cpus().map((c) => {
          const kind = c.clusterKind === undefined ? '' : ` (${c.clusterKind})`;
          return `${c.current ? '*' : ' '} cpu${c.index}  thread ${c.index + 1}  MPIDR ${hex(c.mpidr)}  cluster ${c.cluster}${kind}  core ${c.core}  ${describeRun(c.run)}`;
        });
        return print(`${lines.join('\n')}\n`);
      }
      case 'translate': {
        const va = parseNumber(args[0], 'translate VA');
        const pa = await mapped(() => session.translate(undefined, va));
        return print(`VA ${hex(va)} -> PA ${hex(pa)}\n`);
      }
      case 'phys': {
        const pa = parseNumber(args[0], 'phys ADDR');
        const len = Number(parseNumber(args[1] ?? '64', 'phys LEN'));
        if (len < 1 || len > MAX_PHYS_DUMP) throw new GdbTargetError('GDB_TARGET_MONITOR_FAILED', `phys: LEN ${len} is out of range`, { hint: `1..${MAX_PHYS_DUMP} bytes` });
        const bytes = await mapped(() => session.readPhysical(pa, len));
        return print(hexDump(pa, bytes));
      }
      case 'tracers': {
        const list = options.tracers?.() ?? [];
        return print(list.length === 0 ? 'no tracers\n' : `${list.join('\n')}\n`);
      }
      case 'load':
      case 'unload':
      case 'reload':
      case 'verbosity': {
        if (!options.tracerCommand) throw new GdbTargetError('GDB_TARGET_MONITOR_FAILED', `${verb}: no tracer plugin host in this session`, { hint: 'start hvdbg run with --tracer/--tracers' });
        return print(`${await options.tracerCommand(command.trim())}\n`);
      }
      default:
        throw new GdbTargetError('GDB_TARGET_MONITOR_FAILED', `unknown monitor command '${verb}'`, { hint: "try 'monitor help'" });
    }
  };

  return {
    threads: () => threads,
    capacity: session.capacity,

    threadState(id: ThreadId): ThreadState {
      const cpu = cpuOf(id);
      const run = session.cpuState(cpu);
      switch (run.state) {
        case 'running':
          return { state: 'running' };
        case 'offline':
          // Not started by the guest yet: gdb still lists it, as a thread stopped without a signal.
          return { state: 'stopped', reason: { kind: 'signal', signal: 0 } };
        case 'exited':
          return { state: 'stopped', reason: { kind: 'exited', status: exitStatus(session.exit?.status) } };
        case 'stopped':
          return { state: 'stopped', reason: run.reason === 'held' ? { kind: 'signal', signal: 0 } : stopReason(run.reason, run.stop) };
      }
    },

    async readRegisters(thread: ThreadId, names: readonly RegisterName[]): Promise<ReadonlyArray<bigint | undefined>> {
      const cpu = cpuOf(thread);
      // A CPU the guest has not started has no registers yet: gdb shows <unavailable>.
      if (session.cpuState(cpu).state === 'offline') return names.map(() => undefined);
      return mapped(() => session.readRegisters(cpu, names));
    },

    writeRegisters: (thread, values) => mapped(() => session.writeRegisters(cpuOf(thread), values)),
    readMemory: (thread, address, length) => mapped(() => session.readMemory(memoryCpu(thread), address, length)),
    writeMemory: (thread, address, data) => mapped(() => session.writeMemory(memoryCpu(thread), address, data)),

    insertBreakpoint: (bp: Breakpoint) => mapped(async () => void (await session.insertBreakpoint(bp.address, bp.kind))),
    removeBreakpoint: (bp: Breakpoint) => mapped(() => session.removeBreakpoint(bp.address, bp.kind)),
    insertWatchpoint: (wp: Watchpoint) => mapped(async () => void (await session.insertWatchpoint({ address: wp.address, length: wp.length, access: wp.kind }))),
    removeWatchpoint: (wp: Watchpoint) => mapped(() => session.removeWatchpoint({ address: wp.address })),

    async resume(plan: ResumePlan): Promise<void> {
      // Signals gdb passes back are dropped: there is no signal to deliver to a bare-metal guest.
      if (plan.startAddress !== undefined) {
        const { threadId, address } = plan.startAddress;
        await mapped(() => session.writeRegisters(cpuOf(threadId), new Map([['pc', address]])));
      }
      const stepping = [...plan.actions].find(([, a]) => a.action === 'step')?.[0];
      if (stepping !== undefined) {
        // One CPU steps, the others stay held (m1n1 steps the CPU in the callback, §9.4); the
        // stop after it comes as a session event. Not awaited: resume() means "it runs".
        const cpu = cpuOf(stepping);
        session.step(cpu).catch((err: unknown) => log(`stepping cpu${cpu} failed: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      // m1n1 resumes every CPU on a continue (all-stop), whatever vCont said of the others.
      await mapped(() => session.continue());
    },

    async interrupt(): Promise<void> {
      await mapped(() => session.interrupt());
    },

    onStopped(listener: (event: StopEvent) => void): Disposable {
      return session.events.onEvent((e) => {
        if (e.kind === 'stopped') listener({ threadId: e.cpu + 1, reason: stopReason(e.reason, e) });
        else if (e.kind === 'exited') listener({ threadId: e.cpu + 1, reason: { kind: 'exited', status: exitStatus(e.status) } });
      });
    },

    // gdb left (its breakpoints are already out): the guest runs on, the session stays attached
    // so another gdb can connect to the same stub.
    async detach(): Promise<void> {
      if (session.state === 'stopped') await mapped(() => session.continue());
    },

    kill: () => mapped(() => session.kill()),
    monitor,
  };
}

/**
 * Where the loaded guest starts, as a virtual address the session's pre-start map takes (§13.4):
 * the ELF's entry for an image placed where it was linked, else link base + entry offset.
 */
export function guestEntryAddress(hv: Hypervisor): bigint {
  const guest = hv.guest;
  if (guest === null) throw new SessionError(SessionErrorCode.NOT_RUNNING, 'no guest is loaded', { hint: 'load the guest first' });
  const placement = guest.image.plan.placement;
  return placement.kind === 'absolute' ? guest.layout.entry : placement.linkBase + guest.image.plan.entry;
}

/**
 * `--gdb-wait` (like QEMU's -S): starts the guest stopped at its first instruction. A software
 * breakpoint goes in at the entry before start (the session patches the image through its
 * pre-start map), the guest starts and traps on it at once, and the breakpoint comes out again —
 * so gdb attaches to CPU 0 stopped at the entry with nothing of ours left in memory.
 * Resolves once stopped, with the guest's exit to come.
 */
export async function startHeld(session: DebugSession, entry: bigint): Promise<{ stop: StopInfo; exited: Promise<GuestExit> }> {
  await session.insertBreakpoint(entry);
  const exited = session.start();
  exited.catch(() => undefined); // the caller awaits it; a failed start also fails waitForStop
  const stop = await session.waitForStop();
  await session.removeBreakpoint(entry, 'software');
  return { stop, exited };
}
