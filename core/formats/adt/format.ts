// Layer: core/formats. A human dump of an ADT, roughly as m1n1's `adt` tooling prints it: each
// node's path, then its properties with values decoded where the type is known (cells, strings,
// reg/ranges with the translated physical address) and hex otherwise. Imports this folder only.

import { adtRanges, adtReg, translateAddress } from './addresses.ts';
import type { AdtNode, AdtProperty } from './node.ts';
import { decodeStringList, hexBytes, looksLikeStrings } from './values.ts';

const U32_PROPS = new Set(['#address-cells', '#size-cells', '#interrupt-cells', 'AAPL,phandle', 'interrupt-parent', 'cpu-id', 'cluster-id', 'die-id', 'die-count', 'chip-id', 'board-id']);
const U32_ARRAY_PROPS = new Set(['interrupts']);
const U64_PROPS = new Set(['asc-dram-mask']);
/** (u64 addr, u64 size) pairs (§8.4 common encodings). */
const U64_PAIR_PROPS = new Set(['cpu-impl-reg']);

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function u32s(value: Uint8Array): number[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length >> 2 }, (_, i) => view.getUint32(i * 4, true));
}

function u64s(value: Uint8Array): bigint[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length >> 3 }, (_, i) => view.getBigUint64(i * 8, true));
}

function pairs(values: bigint[]): string {
  const out: string[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) out.push(`(${hex(values[i]!)}, ${hex(values[i + 1]!)})`);
  return out.join(' ');
}

/** apple-devices §9.4 `devices`: 48-byte records; the fields a reader looks for. */
function formatPmgrDevices(value: Uint8Array): string {
  const out: string[] = [];
  for (let at = 0; at < value.length; at += 48) {
    const name = value.subarray(at + 32, at + 48);
    const end = name.indexOf(0);
    const text = String.fromCharCode(...name.subarray(0, end < 0 ? 16 : end));
    out.push(`{${text} id ${value[at + 3]} flags ${hex(value[at]!)} psreg ${value[at + 11]} psidx ${value[at + 10]}}`);
  }
  return out.join(' ');
}

function formatReg(node: AdtNode): string {
  return adtReg(node)
    .map((r) => {
      const phys = translateAddress(node, r.addr);
      return phys === r.addr ? `[${hex(r.addr)} +${hex(r.size)}]` : `[${hex(r.addr)} +${hex(r.size)} → ${hex(phys)}]`;
    })
    .join(' ');
}

function formatValue(node: AdtNode, prop: AdtProperty): string {
  const { name, value } = prop;
  try {
    if (name === 'reg') return formatReg(node);
    if (name === 'ranges') return adtRanges(node).map((r) => `[${hex(r.childAddr)} → ${hex(r.parentAddr)} +${hex(r.size)}]`).join(' ');
  } catch {
    // A reg/ranges the cells do not describe: fall through to hex.
  }
  if (node.name === 'pmgr' && name === 'ps-regs' && value.length % 12 === 0) {
    const w = u32s(value);
    return Array.from({ length: w.length / 3 }, (_, i) => `{reg ${w[3 * i]}, offset ${hex(w[3 * i + 1]!)}, mask ${hex(w[3 * i + 2]!)}}`).join(' ');
  }
  if (node.name === 'pmgr' && name === 'devices' && value.length % 48 === 0) return formatPmgrDevices(value);
  if (U32_PROPS.has(name) && value.length === 4) return hex(u32s(value)[0]!);
  if (U32_ARRAY_PROPS.has(name) && value.length % 4 === 0) return `<${u32s(value).join(' ')}>`;
  if (U64_PROPS.has(name) && value.length === 8) return hex(u64s(value)[0]!);
  const inMemoryMap = node.name === 'memory-map' && name !== 'name';
  if ((U64_PAIR_PROPS.has(name) || inMemoryMap) && value.length % 16 === 0 && value.length > 0) return pairs(u64s(value));
  if (looksLikeStrings(value)) {
    const list = decodeStringList(value);
    return list.length === 1 ? JSON.stringify(list[0]) : `[${list.map((s) => JSON.stringify(s)).join(', ')}]`;
  }
  if (value.length === 0) return '(empty)';
  if (value.length > 8 && value.every((b) => b === 0)) return `zeroes(${hex(value.length)})`;
  if (value.length === 4) return hex(u32s(value)[0]!);
  if (value.length === 8) return hex(u64s(value)[0]!);
  return hexBytes(value);
}

/**
 * The dump of `root`'s subtree: each node as `path {`, its properties indented (`name` is in the
 * path), its children nested, then `}`. Template properties print as `<< value >>`.
 */
export function formatAdt(root: AdtNode): string {
  const lines: string[] = [];
  const visit = (node: AdtNode, indent: string): void => {
    lines.push(`${indent}${node.path} {`);
    for (const prop of node.properties) {
      if (prop.name === 'name') continue;
      const value = formatValue(node, prop);
      lines.push(`${indent}    ${prop.name} = ${prop.template ? `<< ${value} >>` : value}`);
    }
    for (const child of node.children) visit(child, indent + '    ');
    lines.push(`${indent}}`);
  };
  visit(root, '');
  return lines.join('\n');
}
