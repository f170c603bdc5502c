// Layer: plugins/dcp. The DCP call trace in the seed's format (spec apple-devices §7.13): one call
// line per call and one reply line per acknowledgement, indented two spaces per nesting level
// (normal and OOB channels counted apart, OOB lines behind `[OOB] -----------> `), arguments
// decoded with the method table (core/dcp) and printed Python-style, long arguments expanded
// after the line. Unknown tags print their sizes, then their raw bytes. Imports core/dcp and
// plugins/dcp.
//
//   >C[0x0] A401 IOMobileFramebufferAP::start_signal()
//     <d[0x0] D598 IOMobileFramebufferAP::find_swap_function_gated()

import type { DcpChannelName } from '../../core/dcp/channels.ts';
import { decodeInput, decodeOutput, type DecodedInput, type DecodedOutput } from '../../core/dcp/marshal.ts';
import { typeSize, type DcpArg, type DcpType } from '../../core/dcp/method-types.ts';
import { findDcpMethod, type DcpMethod } from '../../core/dcp/methods.ts';
import { chexdump } from './hexdump.ts';
import { isStruct, pformat, repr, type PyValue } from './pyrepr.ts';
import { renderStruct, toPy } from './values.ts';

/** §7.13 channel letters; OOBASYNC has none in the sources (model choice `A`). */
export const CHANNEL_LETTER: Readonly<Record<DcpChannelName, string>> = { CMD: 'C', CB: 'd', ASYNC: 'a', OOBCMD: 'O', OOBCB: 'o', OOBASYNC: 'A' };
/** 19 characters: `[OOB] `, 11 hyphens, `> `. */
export const OOB_PREFIX = '[OOB] -----------> ';

export interface TraceCall {
  /** `>` the AP calls the DCP, `<` the DCP calls the AP. */
  readonly dir: '>' | '<';
  readonly channel: DcpChannelName;
  readonly off: number;
  readonly tag: string;
  readonly inLen: number;
  readonly outLen: number;
  readonly input: Uint8Array;
}

/** The two nesting counters; a plain object so it can live in the host-kept state. */
export interface Nesting {
  normal: number;
  oob: number;
}

export interface RenderedLine {
  readonly text: string;
  /** `call`, `reply`, or `detail` (argument blocks, dumps). */
  readonly kind: 'call' | 'reply' | 'detail';
}

const hx = (n: number): string => `0x${n.toString(16)}`;
const isOut = (a: DcpArg): boolean => a.dir === 'out' || a.dir === 'inout';
const isIn = (a: DcpArg): boolean => a.dir === 'in' || a.dir === 'inout';

function isLong(v: PyValue): boolean {
  if (v instanceof Map || isStruct(v)) return true;
  if (Array.isArray(v)) return v.length > 4 || (v as readonly PyValue[]).some(isLong);
  if (v instanceof Uint8Array) return v.length > 4;
  return false;
}

function argType(a: DcpArg): DcpType {
  return a.pointerCount === undefined ? a.type : { kind: 'array', count: a.pointerCount, elem: a.type };
}

interface ArgShown {
  readonly arg: DcpArg;
  /** undefined: unknown. */
  readonly value: PyValue | undefined;
  readonly isNull: boolean;
}

function argsOf(m: DcpMethod, input: DecodedInput | undefined, output: DecodedOutput | undefined): ArgShown[] {
  return m.args.map((arg) => {
    const fromOut = output && isOut(arg) && arg.name in output.values ? output.values[arg.name] : undefined;
    const fromIn = input && isIn(arg) && arg.name in input.values ? input.values[arg.name] : undefined;
    const raw = fromOut !== undefined ? fromOut : fromIn;
    const flag = input?.nulls[arg.name];
    const isNull = flag === true && (output !== undefined || arg.dir !== 'out');
    return { arg, value: raw === undefined ? undefined : toPy(argType(arg), raw), isNull };
  });
}

/** §7.13 fmt_args. */
function fmtArgs(shown: readonly ArgShown[]): string {
  return shown
    .map(({ arg, value, isNull }) => {
      if (isNull && value !== undefined) return `${arg.name}=NULL`;
      if (value === undefined) return `${arg.name}=${arg.dir === 'out' ? '<out>' : '?'}`;
      return `${arg.name}=${isLong(value) ? '...' : repr(value)}`;
    })
    .join(', ');
}

/** §7.13 long-argument block. */
function longBlock(shown: readonly ArgShown[], indent: string, reply: boolean): RenderedLine[] {
  const out: RenderedLine[] = [];
  for (const { arg, value, isNull } of shown) {
    if (value === undefined || isNull || !isLong(value)) continue;
    if (reply && !isOut(arg)) continue;
    const hdr = `${indent}  ${arg.name} = `;
    let text: string[];
    if (isStruct(value)) text = `${hdr}${renderStruct(value).split('\n').join(`\n${indent}`)}`.split('\n');
    else if (value instanceof Uint8Array) text = [`${hdr}(${hx(value.length)} bytes)`, ...chexdump(value).map((l) => `${indent}    ${l}`)];
    else text = `${hdr}${pformat(value)}`.split('\n').map((l, i) => (i === 0 ? l : `${' '.repeat(hdr.length)}${l}`));
    for (const t of text) out.push({ text: t, kind: 'detail' });
  }
  return out;
}

/** `0x<offset>: <name> <type> (0x<size>)` for each field of the block (§7.13 size mismatch). */
function fieldDump(m: DcpMethod, which: 'in' | 'out', indent: string): RenderedLine[] {
  const out: RenderedLine[] = [];
  let at = 0;
  const field = (text: string, size: number): void => {
    out.push({ text: `${indent}    ${hx(at)}: ${text} (${hx(size)})`, kind: 'detail' });
    at += size;
  };
  for (const a of m.args) {
    if (which === 'in' ? isIn(a) : isOut(a)) field(`${a.name} ${a.dir}`, typeSize(a.type) * (a.pointerCount ?? 1));
  }
  if (which === 'in') for (const a of m.args) if (a.nullable) field(`${a.name} null flag`, a.pointerCount ?? 1);
  if (which === 'out' && m.ret) field('return value', typeSize(m.ret));
  return out;
}

function hexLines(bytes: Uint8Array, indent: string): RenderedLine[] {
  return chexdump(bytes).map((l) => ({ text: `${indent}    ${l}`, kind: 'detail' as const }));
}

function tryInput(m: DcpMethod, input: Uint8Array): DecodedInput | string {
  try {
    return decodeInput(m, input);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export class CallTraceRenderer {
  constructor(private readonly nesting: Nesting) {}

  private indentOf(c: TraceCall): string {
    const oob = c.channel.includes('OOB');
    return (oob ? OOB_PREFIX : '') + '  '.repeat(oob ? this.nesting.oob : this.nesting.normal);
  }

  private bump(c: TraceCall, by: number): void {
    const key = c.channel.includes('OOB') ? 'oob' : 'normal';
    this.nesting[key] = Math.max(0, this.nesting[key] + by);
  }

  /** A call that will never be acknowledged (replaced by an overlapping one): unnest it. */
  abandon(c: TraceCall): void {
    this.bump(c, -1);
  }

  /** The call line and what follows it; nesting grows by one. */
  call(c: TraceCall): RenderedLine[] {
    const indent = this.indentOf(c);
    this.bump(c, 1);
    const head = `${indent}${c.dir}${CHANNEL_LETTER[c.channel]}[${hx(c.off)}] ${c.tag}`;
    const m = findDcpMethod(c.tag);
    if (!m) return [{ text: `${head} ${hx(c.inLen)}/${hx(c.outLen)}`, kind: 'call' }, ...hexLines(c.input, indent)];
    const sig = `${head} ${m.className}::${m.name}(`;
    if (c.input.length !== m.inLen) {
      return [{ text: `${sig} !! Expected ${hx(m.inLen)} bytes, got ${hx(c.input.length)} bytes (in)`, kind: 'call' }, ...fieldDump(m, 'in', indent), ...hexLines(c.input, indent)];
    }
    const input = tryInput(m, c.input);
    if (typeof input === 'string') return [{ text: `${sig} !! ${input}`, kind: 'call' }, ...hexLines(c.input, indent)];
    const shown = argsOf(m, input, undefined);
    return [{ text: `${sig}${fmtArgs(shown)})`, kind: 'call' }, ...longBlock(shown, indent, false)];
  }

  /** The reply line of `c` with its output block; nesting shrinks by one first. */
  reply(c: TraceCall, output: Uint8Array): RenderedLine[] {
    this.bump(c, -1);
    const indent = this.indentOf(c);
    const rdir = c.dir === '>' ? '<' : '>';
    const head = `${indent}${rdir}${CHANNEL_LETTER[c.channel]}[${hx(c.off)}] ${c.tag}`;
    const m = findDcpMethod(c.tag);
    if (!m) return [{ text: `${head} ${hx(c.inLen)}/${hx(c.outLen)}`, kind: 'reply' }, ...hexLines(output, indent)];
    const sig = `${head} ${m.className}::${m.name}(`;
    if (output.length !== m.outLen) {
      return [{ text: `${sig} !! Expected ${hx(m.outLen)} bytes, got ${hx(output.length)} bytes (out)`, kind: 'reply' }, ...fieldDump(m, 'out', indent), ...hexLines(output, indent)];
    }
    const decodedIn = c.input.length === m.inLen ? tryInput(m, c.input) : undefined;
    const input = typeof decodedIn === 'string' ? undefined : decodedIn;
    let out: DecodedOutput;
    try {
      out = decodeOutput(m, output);
    } catch (err) {
      return [{ text: `${sig} !! ${err instanceof Error ? err.message : String(err)}`, kind: 'reply' }, ...hexLines(output, indent)];
    }
    const shown = argsOf(m, input, out);
    const ret = m.ret ? ` = ${repr(toPy(m.ret, out.ret))}` : '';
    return [{ text: `${sig}${fmtArgs(shown)})${ret}`, kind: 'reply' }, ...longBlock(shown, indent, true)];
  }
}
