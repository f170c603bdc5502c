// Layer: core/formats. Apple Device Tree blob → AdtNode tree (spec m1n1-protocol §8.4,
// apple-devices §9.1). Every count and size is checked against the bytes that remain before it
// is used, so a damaged blob costs one typed AdtError (offset + node path) and nothing else:
// no RangeError, no huge allocation, no deep recursion. Imports this folder only.

import { AdtErrorCode, malformedAdt } from './errors.ts';
import { AdtNode, type AdtProperty } from './node.ts';
import { decodeString } from './values.ts';

/** Node header: u32 property_count, u32 child_count. */
export const ADT_NODE_HEADER_SIZE = 8;
/** Property header: 32-byte name field, u32 size word. */
export const ADT_PROP_NAME_SIZE = 32;
export const ADT_PROP_HEADER_SIZE = 36;
/** Bit 31 of the size word is the template flag; bits 30..0 the length (§8.4). */
export const ADT_TEMPLATE_FLAG = 0x8000_0000;
export const ADT_SIZE_MASK = 0x7fff_ffff;
/** Deeper than any real tree (j274's is 4 levels); bounds the parser's recursion. */
export const ADT_MAX_DEPTH = 64;

export interface ParseAdtOptions {
  /**
   * Accept zero bytes after the root node (default true): a blob read with devtree_size may be
   * padded, and m1n1's own tooling accepts zero padding. Non-zero trailing bytes are always an error.
   */
  allowZeroPadding?: boolean;
}

const latin1 = new TextDecoder('latin1');

class AdtParser {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private remaining(offset: number): number {
    return this.bytes.length - offset;
  }

  /** Parses the node at `offset`; returns it and the offset just past its subtree. */
  node(offset: number, provisionalPath: string, depth: number): { node: AdtNode; end: number } {
    if (depth > ADT_MAX_DEPTH) {
      throw malformedAdt(AdtErrorCode.TOO_DEEP, 'node header', offset, provisionalPath, `nodes nest deeper than ${ADT_MAX_DEPTH} levels`);
    }
    if (this.remaining(offset) < ADT_NODE_HEADER_SIZE) {
      throw malformedAdt(AdtErrorCode.TRUNCATED, 'node header', offset, provisionalPath, `needs 8 bytes but ${this.remaining(offset)} remain`);
    }
    const propCount = this.view.getUint32(offset, true);
    const childCount = this.view.getUint32(offset + 4, true);
    let at = offset + ADT_NODE_HEADER_SIZE;
    if (propCount * ADT_PROP_HEADER_SIZE > this.remaining(at)) {
      throw malformedAdt(AdtErrorCode.BAD_COUNT, 'property_count', offset, provisionalPath, `${propCount} properties need at least ${propCount * ADT_PROP_HEADER_SIZE} bytes but ${this.remaining(at)} remain`);
    }
    const node = new AdtNode();
    node.byteOffset = offset;
    let errorPath = provisionalPath;
    for (let i = 0; i < propCount; i++) {
      const { prop, end } = this.property(at, errorPath);
      node.properties.push(prop);
      // Later errors in this node name it as soon as its name is known.
      if (prop.name === 'name' && prop.value.includes(0) && provisionalPath !== '/') errorPath = siblingPath(provisionalPath, decodeString(prop.value));
      at = end;
    }
    const path = this.nodePath(node, offset, provisionalPath);
    if (childCount * ADT_NODE_HEADER_SIZE > this.remaining(at)) {
      throw malformedAdt(AdtErrorCode.BAD_COUNT, 'child_count', offset + 4, path, `${childCount} children need at least ${childCount * ADT_NODE_HEADER_SIZE} bytes but ${this.remaining(at)} remain`);
    }
    const base = path === '/' ? '' : path;
    for (let i = 0; i < childCount; i++) {
      const { node: child, end } = this.node(at, `${base}/[child ${i}]`, depth + 1);
      node.addChild(child);
      at = end;
    }
    return { node, end: at };
  }

  private property(offset: number, path: string): { prop: AdtProperty; end: number } {
    if (this.remaining(offset) < ADT_PROP_HEADER_SIZE) {
      throw malformedAdt(AdtErrorCode.TRUNCATED, 'property header', offset, path, `needs 36 bytes but ${this.remaining(offset)} remain`);
    }
    const nameField = this.bytes.subarray(offset, offset + ADT_PROP_NAME_SIZE);
    const nul = nameField.indexOf(0);
    if (nul < 0) {
      const shown = latin1.decode(nameField).replace(/[^\x20-\x7e]/g, '.');
      throw malformedAdt(AdtErrorCode.BAD_NAME, 'property name', offset, path, `the 32-byte name field '${shown}' has no NUL terminator`);
    }
    const name = latin1.decode(nameField.subarray(0, nul));
    const sizeWord = this.view.getUint32(offset + ADT_PROP_NAME_SIZE, true);
    const length = sizeWord & ADT_SIZE_MASK;
    const valueAt = offset + ADT_PROP_HEADER_SIZE;
    // (len + 3) & ~3 of §8.4, in arithmetic: len can be 2^31 − 1 and `&` works on signed 32 bits.
    const paddedLength = length + ((4 - (length % 4)) % 4);
    if (paddedLength > this.remaining(valueAt)) {
      throw malformedAdt(AdtErrorCode.TRUNCATED, `value of property '${name}'`, valueAt, path, `size word says ${length} byte(s) (${paddedLength} padded) but ${this.remaining(valueAt)} remain`);
    }
    const prop: AdtProperty = {
      name,
      value: this.bytes.slice(valueAt, valueAt + length),
      template: (sizeWord & ADT_TEMPLATE_FLAG) !== 0,
    };
    // Keep non-canonical bytes so serializeAdt reproduces the blob exactly.
    if (nameField.subarray(nul).some((b) => b !== 0)) prop.rawName = nameField.slice();
    const padding = this.bytes.subarray(valueAt + length, valueAt + paddedLength);
    if (padding.some((b) => b !== 0)) prop.rawPadding = padding.slice();
    return { prop, end: valueAt + paddedLength };
  }

  /** The node's path once its properties are known; its `name` must be a NUL-terminated string. */
  private nodePath(node: AdtNode, offset: number, provisionalPath: string): string {
    const nameProp = node.property('name');
    if (!nameProp) throw malformedAdt(AdtErrorCode.NO_NAME, 'node', offset, provisionalPath, 'it has no name property');
    if (nameProp.value.indexOf(0) < 0) {
      throw malformedAdt(AdtErrorCode.BAD_NAME, 'name property', offset, provisionalPath, `the value '${decodeString(nameProp.value)}' has no NUL terminator`);
    }
    return provisionalPath === '/' ? '/' : siblingPath(provisionalPath, node.name);
  }
}

/** `/a/[child 3]` → `/a/name`. */
function siblingPath(provisionalPath: string, name: string): string {
  return provisionalPath.slice(0, provisionalPath.lastIndexOf('/') + 1) + name;
}

/**
 * Parses an ADT blob (e.g. the `devtree_size` bytes at the boot_args device tree, §8.1). Throws
 * AdtError (ADT_TRUNCATED, ADT_BAD_COUNT, ADT_BAD_NAME, ADT_NO_NAME, ADT_TOO_DEEP,
 * ADT_TRAILING_DATA) naming the byte offset and node path. Value bytes are copied, so the
 * tree does not alias `bytes`.
 */
export function parseAdt(bytes: Uint8Array, options: ParseAdtOptions = {}): AdtNode {
  const parser = new AdtParser(bytes);
  const { node, end } = parser.node(0, '/', 0);
  if (end < bytes.length) {
    const tail = bytes.subarray(end);
    const firstNonZero = tail.findIndex((b) => b !== 0);
    if (firstNonZero >= 0 || options.allowZeroPadding === false) {
      const at = end + Math.max(firstNonZero, 0);
      throw malformedAdt(AdtErrorCode.TRAILING_DATA, 'data after the root node', at, '/', `the tree ends at 0x${end.toString(16)} but the blob is 0x${bytes.length.toString(16)} bytes`);
    }
  }
  return node;
}
