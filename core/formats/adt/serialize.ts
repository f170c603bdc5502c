// Layer: core/formats. AdtNode tree → ADT blob (spec m1n1-protocol §8.4). A tree parsed by
// parseAdt serialises back to the same bytes: property order, template flags, and any
// non-canonical name or padding bytes are kept. Imports this folder only.

import { AdtErrorCode, AdtError } from './errors.ts';
import type { AdtNode, AdtProperty } from './node.ts';
import { ADT_NODE_HEADER_SIZE, ADT_PROP_HEADER_SIZE, ADT_PROP_NAME_SIZE, ADT_SIZE_MASK, ADT_TEMPLATE_FLAG } from './parse.ts';

function paddedLength(length: number): number {
  return length + ((4 - (length % 4)) % 4);
}

/** The kept raw name field, if it still spells the property's (possibly renamed) name. */
function rawNameFor(prop: AdtProperty): Uint8Array | undefined {
  const raw = prop.rawName;
  if (!raw || raw.length !== ADT_PROP_NAME_SIZE) return undefined;
  const nul = raw.indexOf(0);
  if (nul !== prop.name.length) return undefined;
  for (let i = 0; i < nul; i++) if (raw[i] !== prop.name.charCodeAt(i)) return undefined;
  return raw;
}

function checkEncodable(node: AdtNode, prop: AdtProperty): void {
  const hint = 'property names are at most 31 ASCII bytes and values under 2 GiB (§8.4)';
  if (rawNameFor(prop) === undefined && (prop.name.length >= ADT_PROP_NAME_SIZE || prop.name.includes('\0') || Array.from(prop.name).some((c) => c.charCodeAt(0) > 0xff))) {
    throw new AdtError(AdtErrorCode.UNENCODABLE, `ADT ${node.path}: property name '${prop.name}' does not fit the 32-byte name field`, undefined, node.path, { hint });
  }
  if (prop.value.length > ADT_SIZE_MASK) {
    throw new AdtError(AdtErrorCode.UNENCODABLE, `ADT ${node.path}: property '${prop.name}' is ${prop.value.length} bytes`, undefined, node.path, { hint });
  }
}

/** Bytes the serialised subtree takes. */
export function adtSize(node: AdtNode): number {
  let size = 0;
  for (const n of node.walk()) {
    size += ADT_NODE_HEADER_SIZE;
    for (const p of n.properties) size += ADT_PROP_HEADER_SIZE + paddedLength(p.value.length);
  }
  return size;
}

/**
 * Serialises `root` depth-first (node header, properties, then children). Throws
 * ADT_UNENCODABLE for a name that does not fit 31 bytes or a value of 2 GiB or more.
 */
export function serializeAdt(root: AdtNode): Uint8Array {
  const out = new Uint8Array(adtSize(root));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const node of root.walk()) {
    view.setUint32(at, node.properties.length, true);
    view.setUint32(at + 4, node.children.length, true);
    at += ADT_NODE_HEADER_SIZE;
    for (const prop of node.properties) {
      checkEncodable(node, prop);
      const rawName = rawNameFor(prop);
      if (rawName) {
        out.set(rawName, at);
      } else {
        for (let i = 0; i < prop.name.length; i++) out[at + i] = prop.name.charCodeAt(i);
      }
      const length = prop.value.length;
      view.setUint32(at + ADT_PROP_NAME_SIZE, (length | (prop.template ? ADT_TEMPLATE_FLAG : 0)) >>> 0, true);
      at += ADT_PROP_HEADER_SIZE;
      out.set(prop.value, at);
      const padding = paddedLength(length) - length;
      if (prop.rawPadding && prop.rawPadding.length === padding) out.set(prop.rawPadding, at + length);
      at += length + padding;
    }
  }
  return out;
}
