// Layer: core/cli. The breakpoint commands of `hvdbg run`'s stdin console — break, watch, delete,
// info — over the debug model's breakpoints and watchpoints (core/session, §9.11), numbered as
// the user made them (the session keys them by address; the console gives them numbers, as gdb
// does). Imports core/session (types) and this folder.

import type { BreakpointKind, WatchAccess } from '../session/index.ts';
import { arity, ConsoleError, ConsoleErrorCode, parseAddressExpr, parseCount, watchAccess } from './console-args.ts';
import { describeCode, describeData } from './console-format.ts';
import type { ConsoleCommand, RunConsole } from './run-console.ts';

export type ConsoleBreakpoint =
  | { readonly id: number; readonly type: 'break'; readonly address: bigint; readonly kind: BreakpointKind }
  | { readonly id: number; readonly type: 'watch'; readonly address: bigint; readonly length: number; readonly access: WatchAccess };

/** A breakpoint before the table numbers it (Omit over each member of the union). */
export type NewBreakpoint = ConsoleBreakpoint extends infer B ? (B extends ConsoleBreakpoint ? Omit<B, 'id'> : never) : never;

/** The console's numbered breakpoints and watchpoints (numbers are never reused in a run). */
export class BreakpointTable {
  readonly #items = new Map<number, ConsoleBreakpoint>();
  #next = 1;

  add(item: NewBreakpoint): ConsoleBreakpoint {
    const made = { ...item, id: this.#next++ } as ConsoleBreakpoint;
    this.#items.set(made.id, made);
    return made;
  }

  get(id: number): ConsoleBreakpoint {
    const b = this.#items.get(id);
    if (!b) throw new ConsoleError(ConsoleErrorCode.NO_SUCH_BREAKPOINT, `no breakpoint or watchpoint ${id}`, { hint: "'info' lists them" });
    return b;
  }

  delete(id: number): void {
    this.#items.delete(id);
  }

  get all(): ConsoleBreakpoint[] {
    return [...this.#items.values()];
  }
}

/** Removes one from the session, then from the table (a failure leaves it listed). */
async function remove(c: RunConsole, b: ConsoleBreakpoint): Promise<void> {
  if (b.type === 'break') await c.session.removeBreakpoint(b.address, b.kind);
  else await c.session.removeWatchpoint({ address: b.address });
  c.breakpoints.delete(b.id);
}

function describeItem(c: RunConsole, b: ConsoleBreakpoint): string {
  if (b.type === 'break') return `${b.kind === 'hardware' ? 'hw breakpoint' : 'breakpoint'} ${b.id} at ${describeCode(c.symbols, b.address)}`;
  return `watchpoint ${b.id} (${b.access}, ${b.length} byte${b.length === 1 ? '' : 's'}) at ${describeData(c.symbols, b.address)}`;
}

/** Longest range `watch` asks for; the session refuses what the debug registers cannot cover (§9.11). */
const MAX_WATCH = 0x8000_0000;

/** Default watch length: the symbol's size (the session says how many slots that takes), else 4 bytes. */
function defaultLength(c: RunConsole, text: string): number {
  const expr = parseAddressExpr(text);
  if (expr.kind === 'symbol' && expr.offset === 0n) {
    const size = c.symbols.symbol(expr.name).size;
    if (size >= 1n && size <= BigInt(MAX_WATCH)) return Number(size);
  }
  return 4;
}

export const BREAKPOINT_COMMANDS: readonly ConsoleCommand[] = [
  {
    name: 'break',
    aliases: ['b'],
    usage: 'break ADDR|SYMBOL [hw]',
    help: 'stop when a CPU reaches the address (software BRK, any number; hw: one of 5 debug-register slots)',
    needs: 'not-running',
    async run(c, args) {
      arity(args, 1, 2, this.usage);
      if (args[1] !== undefined && args[1] !== 'hw') throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `break: '${args[1]}' is not 'hw'`, { hint: this.usage });
      const kind: BreakpointKind = args[1] === 'hw' ? 'hardware' : 'software';
      if (kind === 'hardware') c.requireStopped();
      const address = await c.address(args[0]!);
      await c.session.insertBreakpoint(address, kind);
      return describeItem(c, c.breakpoints.add({ type: 'break', address, kind }));
    },
  },
  {
    name: 'watch',
    aliases: [],
    usage: 'watch ADDR|SYMBOL [LEN] [r|w|rw]',
    help: "stop when the guest reads (r), writes (w, default) or touches (rw) LEN bytes (default the symbol's size, else 4)",
    needs: 'stopped',
    async run(c, args) {
      arity(args, 1, 3, this.usage);
      let access: WatchAccess | undefined;
      let lengthText: string | undefined;
      for (const a of args.slice(1)) {
        const acc = watchAccess(a);
        if (acc !== undefined && access === undefined) access = acc;
        else if (acc === undefined && lengthText === undefined) lengthText = a;
        else throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `watch: unexpected '${a}'`, { hint: this.usage });
      }
      const address = await c.address(args[0]!);
      const length = lengthText === undefined ? defaultLength(c, args[0]!) : parseCount(lengthText, 'watch LEN', { min: 1, max: MAX_WATCH, fallback: 4 });
      const spec = { address, length, access: access ?? 'write' } as const;
      await c.session.insertWatchpoint(spec);
      return describeItem(c, c.breakpoints.add({ type: 'watch', ...spec }));
    },
  },
  {
    name: 'delete',
    aliases: ['d'],
    usage: 'delete [N|all]',
    help: 'remove breakpoint/watchpoint N, or all of them',
    needs: 'not-running',
    async run(c, args) {
      arity(args, 0, 1, this.usage);
      if (args.length === 0 || args[0] === 'all') {
        const all = c.breakpoints.all;
        for (const b of all) await remove(c, b);
        return `deleted ${all.length} breakpoint(s)/watchpoint(s)`;
      }
      const b = c.breakpoints.get(parseCount(args[0], 'delete N', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 1 }));
      await remove(c, b);
      return `deleted ${describeItem(c, b)}`;
    },
  },
  {
    name: 'info',
    aliases: ['breaks'],
    usage: 'info',
    help: 'list breakpoints and watchpoints (also those a gdb client set)',
    needs: 'any',
    async run(c, args) {
      arity(args, 0, 1, this.usage);
      // `info breakpoints` / `info b` / `info watchpoints` as in gdb; nothing else is listed here.
      if (args[0] !== undefined && !/^(b|br|break|breaks|breakpoints|w|watch|watchpoints)$/.test(args[0])) {
        throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `info ${args[0]}: info lists breakpoints and watchpoints only`, { hint: "'status', 'regs' and 'bt' show the rest" });
      }
      const mine = c.breakpoints.all;
      const lines = mine.map((b) => describeItem(c, b));
      // A gdb client on the same session sets its own; show them unnumbered.
      const session = c.session.breakpoints();
      for (const b of session.breakpoints) {
        if (!mine.some((m) => m.type === 'break' && m.address === b.address)) lines.push(`(gdb) ${b.kind === 'hardware' ? 'hw breakpoint' : 'breakpoint'} at ${describeCode(c.symbols, b.address)}`);
      }
      for (const w of session.watchpoints) {
        if (!mine.some((m) => m.type === 'watch' && m.address === w.address)) lines.push(`(gdb) watchpoint (${w.access}, ${w.length} bytes) at ${describeData(c.symbols, w.address)}`);
      }
      return lines.length === 0 ? 'no breakpoints or watchpoints' : lines.join('\n');
    },
  },
];
