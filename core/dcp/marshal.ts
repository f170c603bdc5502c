// Layer: core/dcp. Argument marshalling of the DCP RPC (apple-devices.md §7.6): building and
// reading the input and output blocks of a packet from a method-table entry. Pure; imports
// this folder only.
//
// Input block: every in/inout argument's bytes in order (no padding between), then one null
// flag byte per nullable argument (out-only pointers too; n bytes for an array of n pointers),
// then zero padding to 4. Output block: every out/inout argument, then the return value, then
// padding to 4. Flag 1 = NULL; a NULL pointer's bytes are still present (zeros).

import { decodeDict1, encodeDict1Field, type Dict1Input } from './dict-format1.ts';
import { DcpCodecError } from './errors.ts';
import type { DcpMethod } from './methods.ts';
import { typeSize, type DcpArg, type DcpType } from './method-types.ts';

/** A JS value for one argument. Decoders produce bigint for u64, number for u32/i32/floats,
 *  string for fourcc/char, Uint8Array for bytes and structs, Map for dict1, arrays for arrays,
 *  and null for a NULL pointer. */
export type DcpValue =
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | ReadonlyMap<string, Dict1Input>
  | readonly DcpValue[]
  | null;

export type DcpArgValues = Readonly<Record<string, DcpValue | undefined>>;

export interface DecodedInput {
  /** in and inout arguments (null when the pointer is NULL). */
  readonly values: Record<string, DcpValue>;
  /** The null flag of every nullable argument, out-only ones included. */
  readonly nulls: Record<string, boolean | boolean[]>;
}

export interface DecodedOutput {
  readonly values: Record<string, DcpValue>;
  readonly ret: DcpValue | undefined;
}

const align4 = (n: number): number => (n + 3) & ~3;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

const isIn = (a: DcpArg): boolean => a.dir === 'in' || a.dir === 'inout';
const isOut = (a: DcpArg): boolean => a.dir === 'out' || a.dir === 'inout';
const argBytes = (a: DcpArg): number => typeSize(a.type) * (a.pointerCount ?? 1);
const flagCount = (a: DcpArg): number => (a.nullable ? (a.pointerCount ?? 1) : 0);

/** The block sizes §7.6 gives for a method (they should equal the table's in/out columns). */
export function blockSizes(method: DcpMethod): { inLen: number; outLen: number } {
  let inLen = 0;
  let outLen = 0;
  for (const a of method.args) {
    if (isIn(a)) inLen += argBytes(a);
    inLen += flagCount(a);
    if (isOut(a)) outLen += argBytes(a);
  }
  if (method.ret) outLen += typeSize(method.ret);
  return { inLen: align4(inLen), outLen: align4(outLen) };
}

function bad(what: string, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : String(value);
  throw new DcpCodecError('DCP_MARSHAL_BAD_VALUE', `${what}: cannot encode ${shown}`);
}

function writeValue(view: DataView, bytes: Uint8Array, at: number, t: DcpType, v: DcpValue | undefined, what: string): void {
  if (v === undefined || v === null) return; // zeros
  switch (t.kind) {
    case 'bool':
    case 'bool32':
      if (typeof v !== 'boolean') bad(what, v);
      if (t.kind === 'bool') view.setUint8(at, v ? 1 : 0);
      else view.setUint32(at, v ? 1 : 0, true);
      return;
    case 'u32':
    case 'i32':
      if (typeof v !== 'number' || !Number.isInteger(v)) bad(what, v);
      if (t.kind === 'u32' ? v < 0 || v > 0xffffffff : v < -0x80000000 || v > 0x7fffffff) bad(what, v);
      if (t.kind === 'u32') view.setUint32(at, v, true);
      else view.setInt32(at, v, true);
      return;
    case 'u64': {
      if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isSafeInteger(v))) bad(what, v);
      const n = BigInt(v as bigint | number);
      if (n < 0n || n > 0xffffffffffffffffn) bad(what, v);
      view.setBigUint64(at, n, true);
      return;
    }
    case 'f32':
    case 'f64':
      if (typeof v !== 'number') bad(what, v);
      if (t.kind === 'f32') view.setFloat32(at, v, true);
      else view.setFloat64(at, v, true);
      return;
    case 'fourcc':
      // "PROV" is stored as "VORP" (§7.6).
      if (typeof v !== 'string' || v.length !== 4 || [...v].some((c) => c.charCodeAt(0) > 0xff)) bad(what, v);
      for (let i = 0; i < 4; i++) bytes[at + i] = v.charCodeAt(3 - i);
      return;
    case 'char': {
      if (typeof v !== 'string') bad(what, v);
      const b = utf8.encode(v);
      if (b.length >= t.size || b.includes(0)) bad(`${what} (char[${t.size}] needs room for the NUL)`, v);
      bytes.set(b, at);
      return;
    }
    case 'bytes':
    case 'struct':
      if (!(v instanceof Uint8Array) || v.length > t.size) bad(`${what} (${t.size} bytes)`, v);
      bytes.set(v, at);
      return;
    case 'dict1':
      if (!(v instanceof Map)) bad(what, v);
      bytes.set(encodeDict1Field(v as ReadonlyMap<string, Dict1Input>, t.size), at);
      return;
    case 'array': {
      if (!Array.isArray(v) || v.length > t.count) bad(`${what} (array of ${t.count})`, v);
      const step = typeSize(t.elem);
      (v as readonly DcpValue[]).forEach((el, i) => writeValue(view, bytes, at + i * step, t.elem, el, `${what}[${i}]`));
      return;
    }
  }
}

function readValue(view: DataView, bytes: Uint8Array, at: number, t: DcpType): DcpValue {
  switch (t.kind) {
    case 'bool':
      return (view.getUint8(at) & 1) === 1;
    case 'bool32':
      return (view.getUint32(at, true) & 1) === 1;
    case 'u32':
      return view.getUint32(at, true);
    case 'i32':
      return view.getInt32(at, true);
    case 'u64':
      return view.getBigUint64(at, true);
    case 'f32':
      return view.getFloat32(at, true);
    case 'f64':
      return view.getFloat64(at, true);
    case 'fourcc':
      return String.fromCharCode(bytes[at + 3]!, bytes[at + 2]!, bytes[at + 1]!, bytes[at]!);
    case 'char': {
      const field = bytes.subarray(at, at + t.size);
      const nul = field.indexOf(0);
      return utf8Decoder.decode(nul < 0 ? field : field.subarray(0, nul));
    }
    case 'bytes':
    case 'struct':
      return bytes.slice(at, at + t.size);
    case 'dict1':
      return decodeDict1(bytes.subarray(at, at + t.size)).value;
    case 'array': {
      const step = typeSize(t.elem);
      const out: DcpValue[] = [];
      for (let i = 0; i < t.count; i++) out.push(readValue(view, bytes, at + i * step, t.elem));
      return out;
    }
  }
}

function checkNames(method: DcpMethod, values: DcpArgValues): void {
  for (const k of Object.keys(values)) {
    if (!method.args.some((a) => a.name === k)) {
      throw new DcpCodecError('DCP_MARSHAL_UNKNOWN_ARG', `${method.tag} ${method.name} has no argument ${k}`);
    }
  }
}

function checkSize(method: DcpMethod, which: 'in' | 'out', actual: number): void {
  const expected = which === 'in' ? method.inLen : method.outLen;
  if (actual !== expected) {
    throw new DcpCodecError(
      'DCP_MARSHAL_SIZE_MISMATCH',
      `${method.tag} ${method.className}::${method.name}: Expected 0x${expected.toString(16)} bytes, got 0x${actual.toString(16)} bytes (${which})`,
    );
  }
}

/** The null flags of one argument: for pointer arrays, one per element. */
function nullFlagsOf(a: DcpArg, v: DcpValue | undefined): boolean[] {
  if (a.pointerCount === undefined) return [v === null];
  if (v === undefined) return new Array<boolean>(a.pointerCount).fill(false);
  if (!Array.isArray(v) || v.length !== a.pointerCount) bad(`${a.name} (${a.pointerCount} pointers)`, v);
  return (v as readonly DcpValue[]).map((e) => e === null);
}

function writeArg(view: DataView, bytes: Uint8Array, at: number, a: DcpArg, v: DcpValue | undefined): void {
  if (a.pointerCount === undefined) {
    writeValue(view, bytes, at, a.type, v, a.name);
    return;
  }
  const step = typeSize(a.type);
  ((v ?? []) as readonly DcpValue[]).forEach((e, i) => writeValue(view, bytes, at + i * step, a.type, e, `${a.name}[${i}]`));
}

function readArg(view: DataView, bytes: Uint8Array, at: number, a: DcpArg): DcpValue {
  if (a.pointerCount === undefined) return readValue(view, bytes, at, a.type);
  const step = typeSize(a.type);
  const out: DcpValue[] = [];
  for (let i = 0; i < a.pointerCount; i++) out.push(readValue(view, bytes, at + i * step, a.type));
  return out;
}

/** Builds the input block. `null` = NULL pointer; a missing value is zeros (and present). */
export function encodeInput(method: DcpMethod, values: DcpArgValues = {}): Uint8Array {
  checkNames(method, values);
  const { inLen } = blockSizes(method);
  const bytes = new Uint8Array(inLen);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const a of method.args) {
    if (!isIn(a)) continue;
    if (values[a.name] === null && !a.nullable) bad(`${a.name} is not a pointer`, null);
    writeArg(view, bytes, at, a, values[a.name]);
    at += argBytes(a);
  }
  for (const a of method.args) {
    if (!a.nullable) continue;
    for (const isNull of nullFlagsOf(a, values[a.name])) bytes[at++] = isNull ? 1 : 0;
  }
  return bytes;
}

export function decodeInput(method: DcpMethod, bytes: Uint8Array): DecodedInput {
  checkSize(method, 'in', bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let flagAt = 0;
  for (const a of method.args) if (isIn(a)) flagAt += argBytes(a);
  const nulls: Record<string, boolean | boolean[]> = {};
  for (const a of method.args) {
    if (!a.nullable) continue;
    const n = a.pointerCount ?? 1;
    const flags: boolean[] = [];
    for (let i = 0; i < n; i++) flags.push((bytes[flagAt++]! & 1) === 1);
    nulls[a.name] = a.pointerCount === undefined ? flags[0]! : flags;
  }
  const values: Record<string, DcpValue> = {};
  let at = 0;
  for (const a of method.args) {
    if (!isIn(a)) continue;
    // A NULL pointer's bytes are present but meaningless (a zeroed dict1 field would not even
    // parse), so they are not read.
    const flag = nulls[a.name];
    if (flag === true) {
      values[a.name] = null;
    } else if (Array.isArray(flag)) {
      const step = typeSize(a.type);
      values[a.name] = flag.map((isNull, i) => (isNull ? null : readValue(view, bytes, at + i * step, a.type)));
    } else {
      values[a.name] = readArg(view, bytes, at, a);
    }
    at += argBytes(a);
  }
  return { values, nulls };
}

/** Builds the output block: out/inout arguments, then the return value. */
export function encodeOutput(method: DcpMethod, values: DcpArgValues = {}, ret?: DcpValue): Uint8Array {
  checkNames(method, values);
  const { outLen } = blockSizes(method);
  const bytes = new Uint8Array(outLen);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const a of method.args) {
    if (!isOut(a)) continue;
    writeArg(view, bytes, at, a, values[a.name]);
    at += argBytes(a);
  }
  if (method.ret) writeValue(view, bytes, at, method.ret, ret, 'return value');
  else if (ret !== undefined) bad(`${method.tag} returns void`, ret);
  return bytes;
}

export function decodeOutput(method: DcpMethod, bytes: Uint8Array): DecodedOutput {
  checkSize(method, 'out', bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: Record<string, DcpValue> = {};
  let at = 0;
  for (const a of method.args) {
    if (!isOut(a)) continue;
    values[a.name] = readArg(view, bytes, at, a);
    at += argBytes(a);
  }
  const ret = method.ret ? readValue(view, bytes, at, method.ret) : undefined;
  return { values, ret };
}
