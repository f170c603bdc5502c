// Layer: core/formats. The in-memory Apple Device Tree: nodes with ordered properties whose raw
// value bytes are kept as read (spec m1n1-protocol §8.4), plus typed readers. Imports this
// folder only.

import { AdtErrorCode, adtLookupError } from './errors.ts';
import { decodeString, decodeStringList, encodeString } from './values.ts';

export interface AdtProperty {
  name: string;
  /** The value bytes exactly as stored (length = size word & 0x7fffffff). */
  value: Uint8Array;
  /** Bit 31 of the size word: a placeholder whose value is a template string (§8.4). */
  template: boolean;
  /** The 32-byte name field as read, kept only when it is not the canonical NUL-padded name. */
  rawName?: Uint8Array;
  /** The 0–3 padding bytes as read, kept only when they are not all zero. */
  rawPadding?: Uint8Array;
}

const MISSING_HINT = 'check the path and property name against `hvdbg adt` output (spec apple-devices §9)';

export class AdtNode {
  readonly properties: AdtProperty[] = [];
  readonly children: AdtNode[] = [];
  parent: AdtNode | undefined = undefined;
  /** Offset of the node header in the blob it was parsed from; undefined for built nodes. */
  byteOffset: number | undefined = undefined;

  /** A node with a `name` property (more can be added with set*). */
  constructor(name?: string) {
    if (name !== undefined) this.setProperty('name', encodeString(name));
  }

  /** The `name` property, the node's path component ('' when absent). */
  get name(): string {
    const p = this.property('name');
    return p ? decodeString(p.value) : '';
  }

  /** `/` for the root, `/arm-io/aic` below it (§8.4: paths are relative to the root). */
  get path(): string {
    if (!this.parent) return '/';
    const above = this.parent.path;
    return (above === '/' ? '/' : above + '/') + this.name;
  }

  property(name: string): AdtProperty | undefined {
    return this.properties.find((p) => p.name === name);
  }

  has(name: string): boolean {
    return this.property(name) !== undefined;
  }

  /** The raw value bytes; throws ADT_NO_SUCH_PROPERTY. */
  bytes(name: string): Uint8Array {
    const p = this.property(name);
    if (!p) throw adtLookupError(AdtErrorCode.NO_SUCH_PROPERTY, this.path, `no property '${name}'`, MISSING_HINT);
    return p.value;
  }

  /** Replaces the value of `name` in place, or appends the property (order is kept). */
  setProperty(name: string, value: Uint8Array, options: { template?: boolean } = {}): this {
    const existing = this.property(name);
    if (existing) {
      existing.value = value;
      existing.template = options.template ?? existing.template;
      delete existing.rawPadding;
    } else {
      this.properties.push({ name, value, template: options.template ?? false });
    }
    return this;
  }

  deleteProperty(name: string): boolean {
    const i = this.properties.findIndex((p) => p.name === name);
    if (i >= 0) this.properties.splice(i, 1);
    return i >= 0;
  }

  addChild(child: AdtNode): AdtNode {
    child.parent = this;
    this.children.push(child);
    return child;
  }

  /** The first direct child named `name` (exact match, as the m1n1 host does). */
  child(name: string): AdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  private sized(name: string, size: number, what: string): DataView {
    const v = this.bytes(name);
    if (v.length !== size) {
      throw adtLookupError(AdtErrorCode.BAD_VALUE, this.path, `'${name}' is ${v.length} byte(s), not a ${what}`, MISSING_HINT);
    }
    return new DataView(v.buffer, v.byteOffset, v.byteLength);
  }

  u32(name: string): number {
    return this.sized(name, 4, 'u32').getUint32(0, true);
  }

  u64(name: string): bigint {
    return this.sized(name, 8, 'u64').getBigUint64(0, true);
  }

  string(name: string): string {
    return decodeString(this.bytes(name));
  }

  strings(name: string): string[] {
    return decodeStringList(this.bytes(name));
  }

  u32Array(name: string): number[] {
    const v = this.bytes(name);
    if (v.length % 4 !== 0) throw adtLookupError(AdtErrorCode.BAD_VALUE, this.path, `'${name}' is ${v.length} byte(s), not a u32 array`, MISSING_HINT);
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 4 }, (_, i) => view.getUint32(i * 4, true));
  }

  u64Array(name: string): bigint[] {
    const v = this.bytes(name);
    if (v.length % 8 !== 0) throw adtLookupError(AdtErrorCode.BAD_VALUE, this.path, `'${name}' is ${v.length} byte(s), not a u64 array`, MISSING_HINT);
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 8 }, (_, i) => view.getBigUint64(i * 8, true));
  }

  /** u32 property or `fallback` when absent (e.g. `die-id`, absent = 0, apple-devices §9.5). */
  u32Or(name: string, fallback: number): number {
    return this.has(name) ? this.u32(name) : fallback;
  }

  /** Every node of the subtree, depth-first in serialisation order, this one first. */
  *walk(): Generator<AdtNode> {
    const stack: AdtNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      yield node;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
}
