// Layer: core/formats. `reg` and `ranges` of ADT nodes and bus → CPU physical address
// translation, exactly as spec apple-devices §9.1 / m1n1-protocol §8.4 state it. Imports this
// folder only.

import { AdtErrorCode, adtLookupError } from './errors.ts';
import type { AdtNode } from './node.ts';
import { readCells } from './values.ts';

export interface AdtRegEntry {
  /** Address in the parent's bus space (not translated). */
  addr: bigint;
  size: bigint;
}

export interface AdtRange {
  /** Start in this bus node's own address space (its #address-cells). */
  childAddr: bigint;
  /** Start in the parent's space (the parent's #address-cells). */
  parentAddr: bigint;
  /** Length (this node's #size-cells). */
  size: bigint;
}

const CELLS_HINT = 'every bus node needs #address-cells and #size-cells (apple-devices §9.1)';
/** More cells than any real tree uses; a bigger count is a damaged value, not a wide address. */
const MAX_CELLS = 4;

/** `#address-cells` or `#size-cells` of `node` (not inherited: the m1n1 host reads the node's own). */
export function adtCells(node: AdtNode, which: '#address-cells' | '#size-cells'): number {
  if (!node.has(which)) throw adtLookupError(AdtErrorCode.NO_SUCH_PROPERTY, node.path, `no '${which}' property`, CELLS_HINT);
  const cells = node.u32(which);
  if (cells > MAX_CELLS) throw adtLookupError(AdtErrorCode.BAD_VALUE, node.path, `'${which}' = ${cells} is not a plausible cell count`, CELLS_HINT);
  return cells;
}

/** Splits a value into records of `fieldCells` cells each; checks it divides evenly. */
function records(node: AdtNode, name: string, fieldCells: readonly number[]): bigint[][] {
  const value = node.bytes(name);
  const recordBytes = fieldCells.reduce((n, c) => n + c * 4, 0);
  if (recordBytes === 0 || value.length % recordBytes !== 0) {
    throw adtLookupError(AdtErrorCode.BAD_VALUE, node.path, `'${name}' is ${value.length} byte(s), not a whole number of ${recordBytes}-byte records (cells ${fieldCells.join('/')})`, CELLS_HINT);
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: bigint[][] = [];
  for (let at = 0; at < value.length; at += recordBytes) {
    let field = at;
    out.push(
      fieldCells.map((cells) => {
        const v = readCells(view, field, cells);
        field += cells * 4;
        return v;
      }),
    );
  }
  return out;
}

/** `reg` of `node`: (address, size) records in the PARENT's #address-cells / #size-cells (§8.4). */
export function adtReg(node: AdtNode): AdtRegEntry[] {
  const parent = node.parent;
  if (!parent) throw adtLookupError(AdtErrorCode.BAD_VALUE, node.path, 'the root has no parent to give reg its cell sizes', CELLS_HINT);
  return records(node, 'reg', [adtCells(parent, '#address-cells'), adtCells(parent, '#size-cells')]).map(([addr, size]) => ({ addr: addr!, size: size! }));
}

/**
 * `ranges` of bus node `node`: (child_addr, parent_addr, size) with child_addr and size in the
 * node's own cells and parent_addr in its parent's #address-cells (§8.4). Empty when absent.
 */
export function adtRanges(node: AdtNode): AdtRange[] {
  if (!node.has('ranges')) return [];
  const parent = node.parent;
  if (!parent) throw adtLookupError(AdtErrorCode.BAD_VALUE, node.path, 'the root cannot have ranges (it has no parent bus)', CELLS_HINT);
  const cells = [adtCells(node, '#address-cells'), adtCells(parent, '#address-cells'), adtCells(node, '#size-cells')];
  return records(node, 'ranges', cells).map(([childAddr, parentAddr, size]) => ({ childAddr: childAddr!, parentAddr: parentAddr!, size: size! }));
}

export interface TranslateOptions {
  /**
   * Also require `[addr, addr+size)` to fit in the matching record, as m1n1's firmware does;
   * without it only the start is checked, as the Python host does (§8.4).
   */
  size?: bigint;
  /**
   * Throw ADT_NO_TRANSLATION when an ancestor has `ranges` but no record covers the address
   * (the firmware's behaviour). Default false: the address passes through unchanged, as §9.1
   * and the Python host do.
   */
  strict?: boolean;
}

/**
 * The CPU physical address of `addr`, an address in `node`'s parent bus space (what `reg` of
 * `node` holds). Walks from the parent upward; at each ancestor with `ranges`, the record with
 * `child_addr ≤ addr < child_addr + size` maps `addr − child_addr + parent_addr`; stops at the
 * first ancestor without `ranges` (§9.1).
 */
export function translateAddress(node: AdtNode, addr: bigint, options: TranslateOptions = {}): bigint {
  let a = addr;
  for (let bus = node.parent; bus && bus.has('ranges'); bus = bus.parent) {
    const hit = adtRanges(bus).find((r) => r.childAddr <= a && a < r.childAddr + r.size);
    if (hit && options.size !== undefined && a + options.size > hit.childAddr + hit.size) {
      throw adtLookupError(AdtErrorCode.NO_TRANSLATION, node.path, `[0x${a.toString(16)}, +0x${options.size.toString(16)}) runs past the end of ${bus.path} ranges record 0x${hit.childAddr.toString(16)}+0x${hit.size.toString(16)}`, CELLS_HINT);
    }
    if (hit) a = a - hit.childAddr + hit.parentAddr;
    else if (options.strict) throw adtLookupError(AdtErrorCode.NO_TRANSLATION, node.path, `no ranges record of ${bus.path} covers 0x${a.toString(16)}`, CELLS_HINT);
  }
  return a;
}

/** `reg[index]` of `node` translated to a CPU physical address (size unchanged). */
export function adtRegPhys(node: AdtNode, index = 0, options: Omit<TranslateOptions, 'size'> & { checkSize?: boolean } = {}): AdtRegEntry {
  const reg = adtReg(node);
  const entry = reg[index];
  if (!entry) throw adtLookupError(AdtErrorCode.NO_TRANSLATION, node.path, `reg has ${reg.length} entr${reg.length === 1 ? 'y' : 'ies'}, no index ${index}`, CELLS_HINT);
  const addr = translateAddress(node, entry.addr, { strict: options.strict, size: options.checkSize ? entry.size : undefined });
  return { addr, size: entry.size };
}

/**
 * The reverse: the address in `node`'s parent bus space that maps to CPU physical `phys` (used
 * when adding nodes; walks the same chain top-down with parent_addr → child_addr, §8.4).
 * Returns undefined when a bus on the way has no record covering it.
 */
export function physToBusAddress(node: AdtNode, phys: bigint): bigint | undefined {
  const chain: AdtNode[] = [];
  for (let bus = node.parent; bus && bus.has('ranges'); bus = bus.parent) chain.unshift(bus);
  let a = phys;
  for (const bus of chain) {
    const hit = adtRanges(bus).find((r) => r.parentAddr <= a && a < r.parentAddr + r.size);
    if (!hit) return undefined;
    a = a - hit.parentAddr + hit.childAddr;
  }
  return a;
}
