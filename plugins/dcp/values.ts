// Layer: plugins/dcp. From the marshalled values of core/dcp (§7.6) to the Python values the trace
// renderer prints (§7.13): floats keep their type (repr 1.0, not 1), rt_bw_config is parsed into
// a struct with the §7.6 layout, other structs stay bytes, NULL elements of pointer arrays are
// None. Also the construct-style text of a parsed struct (§7.13, outline only: §10). Imports
// core/dcp (types) and plugins/dcp.

import type { DcpValue } from '../../core/dcp/marshal.ts';
import type { DcpType } from '../../core/dcp/method-types.ts';
import { PyFloat, repr, type PyStruct, type PyValue } from './pyrepr.ts';

function rtBwConfig(b: Uint8Array): PyStruct {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // §7.6 rt_bw_config layout (Linux, m1n1 HEAD).
  return {
    struct: 'rt_bw_config',
    fields: [
      ['unk1', v.getBigUint64(0, true)],
      ['reg_scratch', v.getBigUint64(8, true), 16],
      ['reg_doorbell', v.getBigUint64(16, true), 16],
      ['unk2', v.getUint32(24, true)],
      ['doorbell_bit', v.getUint32(28, true)],
      ['padding', b.slice(32, 60)],
    ],
  };
}

export function toPy(t: DcpType, v: DcpValue | undefined): PyValue {
  if (v === undefined || v === null) return null;
  switch (t.kind) {
    case 'f32':
    case 'f64':
      return new PyFloat(v as number);
    case 'struct':
      return t.name === 'rt_bw_config' && v instanceof Uint8Array && v.length >= 60 ? rtBwConfig(v) : (v as Uint8Array);
    case 'array':
      return (v as readonly DcpValue[]).map((e) => toPy(t.elem, e));
    default:
      return v as PyValue;
  }
}

/**
 * Construct's text of a Container: `Container: ` then `name = value` per field, 4 spaces per
 * depth; hex-typed fields as zero-padded uppercase `0x%016X`; bytes as `b'…' (total N)`.
 */
export function renderStruct(s: PyStruct, depth = 1): string {
  const pad = '    '.repeat(depth);
  const lines = ['Container: '];
  for (const [name, value, hexDigits] of s.fields) {
    let text: string;
    if (hexDigits !== undefined && (typeof value === 'bigint' || typeof value === 'number')) text = `0x${value.toString(16).toUpperCase().padStart(hexDigits, '0')}`;
    else if (value instanceof Uint8Array) text = `${repr(value)} (total ${value.length})`;
    else if (typeof value === 'string') text = `u${repr(value)} (total ${value.length})`;
    else if (typeof value === 'object' && value !== null && 'struct' in value) text = renderStruct(value as PyStruct, depth + 1);
    else text = repr(value);
    lines.push(`${pad}${name} = ${text}`);
  }
  return lines.join('\n');
}
