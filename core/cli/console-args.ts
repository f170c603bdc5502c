// Layer: core/cli. The words of `hvdbg run`'s stdin commands, parsed without touching the guest:
// numbers (0x… hex or decimal), address expressions (a number, symbol[+off], $register[+off]),
// counts with bounds, and watchpoint access kinds. Every bad word is a ConsoleError with a hint,
// so a typo costs one line and the session goes on. Imports core/errors and core/session (types).

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';
import type { WatchAccess } from '../session/index.ts';

export const ConsoleErrorCode = {
  /** The first word names no command. */
  UNKNOWN_COMMAND: 'CONSOLE_UNKNOWN_COMMAND',
  /** A missing, extra or malformed argument (number, address, length, access). */
  BAD_ARGUMENT: 'CONSOLE_BAD_ARGUMENT',
  /** The command needs a stopped guest (or one not running) and the guest runs, or has exited. */
  WRONG_STATE: 'CONSOLE_WRONG_STATE',
  /** A breakpoint/watchpoint number the console did not give. */
  NO_SUCH_BREAKPOINT: 'CONSOLE_NO_SUCH_BREAKPOINT',
} as const;
export type ConsoleErrorCodeName = (typeof ConsoleErrorCode)[keyof typeof ConsoleErrorCode];

export class ConsoleError extends HvdbgError {
  declare readonly code: ConsoleErrorCodeName;
  constructor(code: ConsoleErrorCodeName, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, options);
  }
}

const U64 = 1n << 64n;
const NUMBER = /^(0x[0-9a-f]+|\d+)$/i;
const ADDRESS_HINT = 'an address is 0x… (hex), decimal, symbol[+off] or $register[+off], e.g. visit_leaf+8 or $sp';

/** A non-negative number below 2^64: `0x…` hex or decimal. */
export function parseNumber(text: string, what: string): bigint {
  if (!NUMBER.test(text)) throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `${what}: '${text}' is not a number`, { hint: 'write 0x… for hex, digits for decimal' });
  const v = BigInt(text);
  if (v >= U64) throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `${what}: ${text} does not fit in 64 bits`);
  return v;
}

/** A whole number in [min, max]; `fallback` when the word is absent. */
export function parseCount(text: string | undefined, what: string, bounds: { min: number; max: number; fallback: number }): number {
  if (text === undefined) return bounds.fallback;
  const v = parseNumber(text, what);
  if (v < BigInt(bounds.min) || v > BigInt(bounds.max)) {
    throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `${what}: ${text} is out of range`, { hint: `${bounds.min}..${bounds.max}` });
  }
  return Number(v);
}

export type AddressExpr =
  | { readonly kind: 'number'; readonly value: bigint }
  | { readonly kind: 'symbol'; readonly name: string; readonly offset: bigint }
  | { readonly kind: 'register'; readonly name: string; readonly offset: bigint };

const SYMBOL = /^[A-Za-z_.$][\w.$@]*$/;

/** `0x810000000`, `1234`, `visit_leaf`, `visit_leaf+0x8`, `fib-4`, `$pc`, `$sp+16`. */
export function parseAddressExpr(text: string): AddressExpr {
  if (text === '') throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, 'an address is missing', { hint: ADDRESS_HINT });
  if (NUMBER.test(text)) return { kind: 'number', value: parseNumber(text, 'address') };
  // The offset is split at the last + or - (symbol names hold neither).
  const m = /^(.+?)(?:([+-])(0x[0-9a-f]+|\d+))?$/i.exec(text)!;
  const base = m[1]!;
  const offset = m[3] === undefined ? 0n : parseNumber(m[3], `offset in '${text}'`) * (m[2] === '-' ? -1n : 1n);
  if (base.startsWith('$') && /^\$[a-z][a-z0-9_]*$/i.test(base)) return { kind: 'register', name: base.slice(1).toLowerCase(), offset };
  if (!SYMBOL.test(base) || base.startsWith('$')) throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `'${text}' is not an address`, { hint: ADDRESS_HINT });
  return { kind: 'symbol', name: base, offset };
}

/** What an address expression needs from the session: symbols (may throw NO_SYMBOL) and registers (need a stopped CPU). */
export interface AddressContext {
  resolveSymbol(name: string): bigint;
  readRegister(name: string): Promise<bigint>;
}

/** The address an expression names; wraps to 64 bits like the CPU does. */
export async function resolveAddress(expr: AddressExpr, ctx: AddressContext): Promise<bigint> {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'symbol':
      return BigInt.asUintN(64, ctx.resolveSymbol(expr.name) + expr.offset);
    case 'register':
      return BigInt.asUintN(64, (await ctx.readRegister(expr.name)) + expr.offset);
  }
}

const ACCESS: ReadonlyMap<string, WatchAccess> = new Map([
  ['r', 'read'],
  ['read', 'read'],
  ['w', 'write'],
  ['write', 'write'],
  ['rw', 'access'],
  ['access', 'access'],
]);

/** `r` | `w` | `rw` (or read/write/access); undefined when the word is not one. */
export function watchAccess(text: string): WatchAccess | undefined {
  return ACCESS.get(text.toLowerCase());
}

/** A command line's words (whitespace-separated; no quoting is needed by any command). */
export function words(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** Throws BAD_ARGUMENT unless min ≤ args ≤ max, quoting the usage. */
export function arity(args: readonly string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) {
    const why = args.length < min ? 'too few arguments' : 'too many arguments';
    throw new ConsoleError(ConsoleErrorCode.BAD_ARGUMENT, `${why}: usage: ${usage}`);
  }
}
