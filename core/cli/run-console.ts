// Layer: core/cli. The commands `hvdbg run` takes on stdin, as one table (name, aliases, usage,
// one-line help, what state the guest must be in, handler) over the debug model (core/session)
// and the tracer plugin host (core/plugin): run control (status, stop, cont, step, cpu),
// inspection (regs, bt, mem, dis), breakpoints (console-breakpoints.ts), quit, and the tracer
// commands of core/plugin/commands.ts unchanged. Imports core/session, core/plugin, core/arch/a64,
// core/errors and this folder.
//
// Commands run one at a time, in the order typed; each answers with text or a one-line error
// (`error: …`) and the console goes on. Stops are printed as they happen, from the session's
// events (`stopped: cpu0 breakpoint at 0x… <visit_leaf+0> src/debug-demo.c:42`), whoever caused
// them (a command, a gdb client, the guest). A command that needs a stopped guest while it runs
// is refused at once — nothing here waits on a running guest.

import { disassemble } from '../arch/a64/disassembler.ts';
import { HvdbgError } from '../errors.ts';
import { PLUGIN_COMMANDS, runPluginCommand } from '../plugin/commands.ts';
import type { PluginHost } from '../plugin/host.ts';
import { SessionError, SessionErrorCode, type DebugSession, type SessionSymbols, type StopInfo } from '../session/index.ts';
import type { Disposable } from '../util/disposable.ts';
import { arity, ConsoleError, ConsoleErrorCode, parseAddressExpr, parseCount, resolveAddress, words } from './console-args.ts';
import { BREAKPOINT_COMMANDS, BreakpointTable } from './console-breakpoints.ts';
import { describeCode, formatFrame, formatNamedRegisters, formatRegisterView, hexDump, stopLine, symbolTag } from './console-format.ts';

export interface RunConsoleOptions {
  readonly session: DebugSession;
  /** The run's tracer plugins (the tracer commands answer that there are none without it). */
  readonly plugins?: PluginHost;
  /** Where replies, stop lines and errors go (`hvdbg run`: stderr); called once per reply, no trailing newline. */
  readonly print: (text: string) => void;
  /** `quit`: end the guest and the run; the caller decides and reports the exit status. */
  readonly quit: () => void;
}

/** What a command needs: a stopped guest, a guest that is not running (stopped or not started yet), or nothing. */
export type CommandNeeds = 'stopped' | 'not-running' | 'any';

export interface ConsoleCommand {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly usage: string;
  readonly help: string;
  readonly needs: CommandNeeds;
  /** Resolves with the reply (nothing: the command printed its own, or a stop line will). */
  run(c: RunConsole, args: readonly string[], line: string): Promise<string | void>;
}

const GPR_VIEW = [...Array.from({ length: 31 }, (_, n) => `x${n}`), 'sp', 'pc', 'cpsr'];
const MAX_DUMP = 4096;
const MAX_STEPS = 10_000;
const MAX_INSNS = 512;

const RUN_COMMANDS: readonly ConsoleCommand[] = [
  {
    name: 'help',
    aliases: ['?'],
    usage: 'help',
    help: 'this list',
    needs: 'any',
    async run() {
      const all = CONSOLE_COMMANDS.map((c) => ({ left: [c.usage, ...c.aliases.map((a) => `(${a})`)].join(' '), help: c.help }));
      const width = Math.max(...all.map((c) => c.left.length));
      return [
        ...all.map((c) => `  ${c.left.padEnd(width)}  ${c.help}`),
        'ADDR: 0x… hex, decimal, symbol[+off] or $register[+off] (e.g. visit_leaf+8, $sp). Replies go to stderr; the guest console stays on stdout.',
      ].join('\n');
    },
  },
  {
    name: 'status',
    aliases: ['st'],
    usage: 'status',
    help: 'the guest run state; each started CPU with its state and PC (symbol+offset, file:line)',
    needs: 'any',
    async run(c) {
      const s = c.session;
      const stop = s.lastStop;
      const head = s.state === 'stopped' && stop ? `guest: stopped (cpu${stop.cpu} ${stop.reason})` : `guest: ${s.state.replace('-', ' ')}`;
      const started = s.cpus().filter((cpu) => cpu.run.state !== 'offline' && cpu.run.state !== 'exited');
      if (s.state !== 'stopped') return [head, ...started.map((cpu) => `  cpu${cpu.index}  ${cpu.run.state}`)].join('\n');
      // Reading another CPU's PC moves the callback session to it (§9.6): the selected CPU goes last.
      const selected = c.cpu();
      const order = [...started.filter((cpu) => cpu.index !== selected), ...started.filter((cpu) => cpu.index === selected)];
      const pcs = new Map<number, string>();
      for (const cpu of order) {
        try {
          pcs.set(cpu.index, describeCode(c.symbols, await s.readRegister(cpu.index, 'pc')));
        } catch (err) {
          pcs.set(cpu.index, `(pc unknown: ${err instanceof Error ? err.message : String(err)})`);
        }
      }
      const lines = started.map((cpu) => {
        const run = cpu.run.state === 'stopped' ? (cpu.run.reason === 'held' ? 'held' : `stopped (${cpu.run.reason})`) : cpu.run.state;
        return `${cpu.index === selected ? '*' : ' '} cpu${cpu.index}  ${run.padEnd(20)}  pc ${pcs.get(cpu.index)}`;
      });
      return [head, ...lines].join('\n');
    },
  },
  {
    name: 'stop',
    aliases: ['interrupt'],
    usage: 'stop',
    help: 'interrupt the running guest (every CPU stops; the stop line names the one that took it)',
    needs: 'any',
    async run(c) {
      const s = c.session;
      if (s.state === 'stopped') return `the guest is already stopped (cpu${s.lastStop?.cpu ?? '?'})`;
      c.requireLive();
      await s.interrupt();
    },
  },
  {
    name: 'cont',
    aliases: ['c', 'continue'],
    usage: 'cont',
    help: 'resume every CPU',
    needs: 'any',
    async run(c) {
      if (c.session.state === 'running') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, 'the guest is already running');
      c.requireStopped();
      // Said first: a stop can come (and print) before continue() has returned.
      c.say('continuing');
      await c.session.continue();
    },
  },
  {
    name: 'step',
    aliases: ['s', 'stepi', 'si'],
    usage: 'step [N]',
    help: 'execute N instructions (default 1) on the selected CPU, the others held; prints the new PC',
    needs: 'stopped',
    async run(c, args) {
      arity(args, 0, 1, this.usage);
      const n = parseCount(args[0], 'step N', { min: 1, max: MAX_STEPS, fallback: 1 });
      let stop: StopInfo | undefined;
      c.stepping = true;
      try {
        for (let i = 0; i < n; i++) {
          stop = await c.session.step(c.cpu());
          if (stop.reason !== 'step') return; // a breakpoint, watchpoint or fault on the way: its stop line is printed
        }
      } finally {
        c.stepping = false;
      }
      return stopLine(stop!, c.symbols);
    },
  },
  {
    name: 'cpu',
    aliases: [],
    usage: 'cpu [N]',
    help: 'show or select the CPU that regs, bt, step, mem and dis use',
    needs: 'any',
    async run(c, args) {
      arity(args, 0, 1, this.usage);
      if (args.length === 0) return `cpu${c.cpu() ?? '?'} selected (cpus: ${c.session.cpuList.map((d) => d.index).join(', ')})`;
      const n = parseCount(args[0], 'cpu N', { min: 0, max: 1023, fallback: 0 });
      c.requireStopped();
      await c.session.selectCpu(n);
      c.selected = n;
      return `cpu${n} at ${describeCode(c.symbols, await c.session.readRegister(n, 'pc'))}`;
    },
  },
  {
    name: 'regs',
    aliases: ['r', 'registers'],
    usage: 'regs [NAME…]',
    help: 'x0–x30, sp, pc, cpsr (EL decoded); with names, any register the session knows (sctlr_el1, v0, fpsr…)',
    needs: 'stopped',
    async run(c, args) {
      const names = args.length > 0 ? args : GPR_VIEW;
      const values = await c.session.readRegisters(c.cpu(), names);
      if (args.length > 0) return formatNamedRegisters(names, values, c.symbols).join('\n');
      return formatRegisterView(new Map(names.map((n, i) => [n, values[i]!])), c.symbols).join('\n');
    },
  },
  {
    name: 'bt',
    aliases: ['backtrace', 'where'],
    usage: 'bt [N]',
    help: 'frame-pointer backtrace of the selected CPU (N frames, default 64)',
    needs: 'stopped',
    async run(c, args) {
      arity(args, 0, 1, this.usage);
      const max = parseCount(args[0], 'bt N', { min: 1, max: 1024, fallback: 64 });
      const frames = await c.session.backtrace(c.cpu(), max);
      return frames.map((f) => formatFrame(f, c.symbols)).join('\n');
    },
  },
  {
    name: 'mem',
    aliases: ['x'],
    usage: 'mem [-p] ADDR|SYMBOL [LEN]',
    help: `hex + ASCII dump of guest-virtual memory (-p: physical); LEN up to ${MAX_DUMP}, default the symbol's size or 64`,
    needs: 'not-running',
    async run(c, args) {
      const physical = args[0] === '-p';
      const rest = physical ? args.slice(1) : args;
      arity(rest, 1, 2, this.usage);
      const address = await c.address(rest[0]!);
      const length = parseCount(rest[1], 'mem LEN', { min: 1, max: MAX_DUMP, fallback: defaultDumpLength(c.symbols, rest[0]!) });
      const bytes = physical ? await c.session.readPhysical(address, length) : await c.session.readMemory(c.cpu(), address, length);
      const lines = hexDump(address, bytes);
      if (bytes.length < length) lines.push(`(${length - bytes.length} byte(s) from ${`0x${(address + BigInt(bytes.length)).toString(16)}`} are not mapped)`);
      return lines.join('\n');
    },
  },
  {
    name: 'dis',
    aliases: ['disassemble'],
    usage: 'dis [ADDR|SYMBOL] [N]',
    help: `disassemble N instructions (default 8, up to ${MAX_INSNS}) from ADDR (default the PC); => marks the PC`,
    needs: 'not-running',
    async run(c, args) {
      arity(args, 0, 2, this.usage);
      const s = c.session;
      const pc = s.state === 'stopped' ? await s.readRegister(c.cpu(), 'pc') : undefined;
      const start = args[0] === undefined ? (pc ?? (await c.address('$pc'))) : await c.address(args[0]);
      const n = parseCount(args[1], 'dis N', { min: 1, max: MAX_INSNS, fallback: 8 });
      if (start % 4n !== 0n) throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `dis: 0x${start.toString(16)} is not 4-byte aligned`);
      const code = await s.readMemory(c.cpu(), start, n * 4);
      if (code.length < 4) throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `dis: nothing is mapped at 0x${start.toString(16)}`);
      const name = (a: bigint) => c.symbols.lookup(a).symbol;
      return disassemble(code, start, name)
        .map((l) => {
          const tag = symbolTag(c.symbols, l.address);
          return `${l.address === pc ? '=> ' : '   '}0x${l.address.toString(16)}${tag ? ` ${tag}` : ''}:\t${l.text}`;
        })
        .join('\n');
    },
  },
  ...BREAKPOINT_COMMANDS,
  {
    name: 'quit',
    aliases: ['q', 'exit'],
    usage: 'quit',
    help: 'stop the guest, print where each CPU was, and exit (status 3, as --timeout)',
    needs: 'any',
    async run(c) {
      c.quit();
      return 'quit: ending the guest';
    },
  },
];

/** core/plugin's tracer commands, answered by the run's plugin host. */
const TRACER_COMMANDS: readonly ConsoleCommand[] = PLUGIN_COMMANDS.map((p) => ({
  name: p.name,
  aliases: [],
  usage: p.usage,
  help: `tracer: ${p.help}`,
  needs: 'any',
  async run(c, _args, line) {
    if (!c.plugins) throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, `${p.name}: this run has no tracer plugin host`);
    return runPluginCommand(c.plugins, line);
  },
}));

/** Every stdin command, in the order `help` lists them. */
export const CONSOLE_COMMANDS: readonly ConsoleCommand[] = [...RUN_COMMANDS, ...TRACER_COMMANDS];

const BY_NAME: ReadonlyMap<string, ConsoleCommand> = new Map(CONSOLE_COMMANDS.flatMap((c) => [c.name, ...c.aliases].map((n) => [n, c] as const)));

/** The command a word names (aliases included), or undefined. */
export function findCommand(name: string): ConsoleCommand | undefined {
  return BY_NAME.get(name);
}

/** A symbol's own size (when it has one up to MAX_DUMP), else 64 bytes. */
function defaultDumpLength(symbols: SessionSymbols, text: string): number {
  try {
    const expr = parseAddressExpr(text);
    if (expr.kind !== 'symbol' || expr.offset !== 0n) return 64;
    const size = Number(symbols.symbol(expr.name).size);
    return size >= 1 && size <= MAX_DUMP ? size : 64;
  } catch {
    return 64;
  }
}

export class RunConsole {
  readonly session: DebugSession;
  readonly symbols: SessionSymbols;
  readonly plugins: PluginHost | undefined;
  readonly breakpoints = new BreakpointTable();
  /** The CPU regs/bt/step/mem/dis use; follows each stop, `cpu N` changes it. */
  selected: number | undefined;
  /** While `step N` runs, its intermediate step stops are not printed. */
  stepping = false;
  readonly #print: (text: string) => void;
  readonly #quit: () => void;
  readonly #subscription: Disposable;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(options: RunConsoleOptions) {
    this.session = options.session;
    this.symbols = options.session.symbols;
    this.plugins = options.plugins;
    this.#print = options.print;
    this.#quit = options.quit;
    this.selected = options.session.lastStop?.cpu;
    this.#subscription = this.session.events.onEvent((e) => {
      if (e.kind !== 'stopped') return;
      this.selected = e.cpu;
      if (e.reason === 'step' && this.stepping) return;
      this.#print(stopLine(e, this.symbols));
    });
  }

  /** Runs one line after those before it; never rejects (errors are printed). */
  execute(line: string): Promise<void> {
    this.#pending++;
    const run = this.#queue.then(() => this.#run(line)).finally(() => void this.#pending--);
    this.#queue = run;
    return run;
  }

  /** No command is queued or running. */
  get idle(): boolean {
    return this.#pending === 0;
  }

  /** Resolves once every command given so far (and any given meanwhile) has answered. */
  async whenIdle(): Promise<void> {
    while (this.#pending > 0) await this.#queue;
  }

  dispose(): void {
    this.#subscription.dispose();
  }

  /** The selected CPU (the last stop's CPU until `cpu N`). */
  cpu(): number | undefined {
    return this.selected ?? this.session.currentCpu;
  }

  quit(): void {
    this.#quit();
  }

  /** A reply line printed now, before the command ends. */
  say(text: string): void {
    this.#print(text);
  }

  /** An address expression's value; symbols from the session, registers from the selected CPU. */
  address(text: string): Promise<bigint> {
    return resolveAddress(parseAddressExpr(text), {
      resolveSymbol: (name) => this.symbols.resolve(name),
      readRegister: (name) => {
        this.requireStopped();
        return this.session.readRegister(this.cpu(), name);
      },
    });
  }

  /** WRONG_STATE unless the guest is stopped. */
  requireStopped(): void {
    this.#require('stopped');
  }

  /** WRONG_STATE once the guest has exited (or before it started). */
  requireLive(): void {
    const state = this.session.state;
    if (state === 'exited') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, 'the guest has exited');
    if (state === 'not-started') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, 'the guest has not started yet');
  }

  #require(needs: CommandNeeds): void {
    if (needs === 'any') return;
    const state = this.session.state;
    if (state === 'running') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, "the guest is running — 'stop' first");
    if (state === 'exited') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, 'the guest has exited');
    if (state === 'not-started' && needs === 'stopped') throw new ConsoleError(ConsoleErrorCode.WRONG_STATE, 'the guest has not started yet');
  }

  async #run(line: string): Promise<void> {
    const [name, ...args] = words(line);
    if (name === undefined) return;
    try {
      const cmd = findCommand(name);
      if (!cmd) throw new ConsoleError(ConsoleErrorCode.UNKNOWN_COMMAND, `unknown command '${name}'`, { hint: "'help' lists the commands" });
      this.#require(cmd.needs);
      const reply = await cmd.run(this, args, line.trim());
      if (typeof reply === 'string' && reply !== '') this.#print(reply);
    } catch (err) {
      this.#print(errorLine(err));
    }
  }
}

/** One line: `error: message (hint)`; the session's "running" refusal in the console's words. */
export function errorLine(err: unknown): string {
  if (err instanceof SessionError && err.code === SessionErrorCode.RUNNING) return "error: the guest is running — 'stop' first";
  if (err instanceof HvdbgError) return `error: ${err.message.replace(/\n/g, ' ')}${err.hint ? ` (${err.hint})` : ''}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
