// Layer: core/cli. How `hvdbg run`'s stdin console prints what the debug model tells it: code
// addresses as `0x… <function+off> file:line`, stop lines, register rows with PSTATE decoded,
// backtrace frames and hex dumps. Pure text; imports core/session (types).

import type { Frame, SessionSymbols, StopInfo } from '../session/index.ts';

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');

/** `<visit_leaf+4>` (decimal offset, as gdb prints it) from DWARF or the symbol table; '' when unknown. */
export function symbolTag(symbols: SessionSymbols, address: bigint): string {
  const i = symbols.lookup(address);
  if (i.function !== undefined && i.functionStart !== undefined && address >= i.functionStart) return `<${i.function}+${address - i.functionStart}>`;
  return i.symbol === undefined ? '' : `<${i.symbol}>`;
}

/** `0x810003b54 <visit_leaf+0> src/debug-demo.c:42`, leaving out what is not known. */
export function describeCode(symbols: SessionSymbols, address: bigint): string {
  const loc = symbols.lookup(address).location;
  return [hex(address), symbolTag(symbols, address), loc ? `${loc.file}:${loc.line}` : ''].filter((s) => s !== '').join(' ');
}

/** A data address: `0x81000c390 <demo_counter>` (symbol+0xoff from the symbol table). */
export function describeData(symbols: SessionSymbols, address: bigint): string {
  const sym = symbols.lookup(address).symbol;
  return sym === undefined ? hex(address) : `${hex(address)} <${sym}>`;
}

const REASON_TEXT: Readonly<Record<StopInfo['reason'], string>> = {
  breakpoint: 'breakpoint',
  'hw-breakpoint': 'hw breakpoint',
  watchpoint: 'watchpoint',
  step: 'step',
  interrupt: 'interrupt',
  exception: 'exception',
  hypercall: 'hypercall',
  vtimer: 'vtimer',
  'mmio-error': 'mmio error',
};

/**
 * One line per stop: `stopped: cpu0 breakpoint at 0x… <visit_leaf+0> src/debug-demo.c:42`;
 * a watchpoint names the access and data address, an exception its detail.
 */
export function stopLine(stop: StopInfo, symbols: SessionSymbols): string {
  let reason = REASON_TEXT[stop.reason];
  if (stop.reason === 'watchpoint') {
    const data = stop.dataAddress === undefined ? '' : ` ${describeData(symbols, stop.dataAddress)}`;
    reason = `watchpoint (${stop.watchAccess ?? 'access'}${data})`;
  }
  const detail = stop.reason === 'exception' || stop.reason === 'mmio-error' ? ` — ${stop.detail}` : '';
  return `stopped: cpu${stop.cpu} ${reason} at ${describeCode(symbols, stop.pc)}${detail}`;
}

/** PSTATE as the guest sees it: mode (EL1h, EL0t…), NZCV (upper case when set), DAIF masks. */
export function describeCpsr(cpsr: bigint): string {
  const v = Number(cpsr & 0xffffffffn);
  let mode: string;
  if (v & 0x10) mode = 'AArch32';
  else mode = `EL${(v >> 2) & 3}${v & 1 ? 'h' : 't'}`;
  const flags = ['n', 'z', 'c', 'v'].map((f, i) => (v & (1 << (31 - i)) ? f.toUpperCase() : f)).join('');
  const daif = ['d', 'a', 'i', 'f'].map((f, i) => (v & (1 << (9 - i)) ? f.toUpperCase() : f)).join('');
  return `${mode} ${flags} ${daif}`;
}

/** The default `regs` view: x0–x30 four to a line, then sp, pc (with where) and cpsr (decoded). */
export function formatRegisterView(values: ReadonlyMap<string, bigint>, symbols: SessionSymbols): string[] {
  const lines: string[] = [];
  for (let n = 0; n <= 30; n += 4) {
    const row: string[] = [];
    for (let r = n; r < Math.min(n + 4, 31); r++) row.push(`${`x${r}`.padEnd(4)} ${hex16(values.get(`x${r}`)!)}`);
    lines.push(row.join('  '));
  }
  const pc = values.get('pc')!;
  const cpsr = values.get('cpsr')!;
  lines.push(`sp   ${hex16(values.get('sp')!)}`);
  lines.push(`pc   ${describeCode(symbols, pc)}`);
  lines.push(`cpsr ${hex(cpsr)} [${describeCpsr(cpsr)}]`);
  return lines;
}

/** `regs NAME…`: one `name = 0x…` line each; pc with where, cpsr decoded. */
export function formatNamedRegisters(names: readonly string[], values: readonly bigint[], symbols: SessionSymbols): string[] {
  return names.map((name, i) => {
    const v = values[i]!;
    const key = name.toLowerCase();
    if (key === 'pc') return `pc = ${describeCode(symbols, v)}`;
    if (key === 'cpsr' || key === 'pstate') return `${key} = ${hex(v)} [${describeCpsr(v)}]`;
    return `${key} = ${hex(v)}`;
  });
}

/** `#1  0x810003a6c <tree_walk+64> src/debug-demo.c:50`. */
export function formatFrame(f: Frame, symbols: SessionSymbols): string {
  // A caller's file:line is the call's: Frame.location already looked one instruction back.
  const tag = symbolTag(symbols, f.pc);
  const loc = f.location ? ` ${f.location.file}:${f.location.line}` : '';
  return `#${f.index}  ${hex(f.pc)}${tag ? ` ${tag}` : ''}${loc}`;
}

/** 16 bytes a line: address, hex bytes, ASCII (`.` for anything unprintable). */
export function hexDump(base: bigint, bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hexes = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${hex16(base + BigInt(off))}  ${hexes.padEnd(47)}  ${ascii}`);
  }
  return lines;
}
