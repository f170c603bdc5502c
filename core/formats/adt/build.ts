// Layer: core/formats. Building an ADT from a declarative description: a node is its name, an
// ordered record of property values (bytes, made with the encoders in values.ts), and its
// children. Used by the virtual M1's board description and by tests. Imports this folder only.

import { AdtNode } from './node.ts';

export interface AdtNodeSpec {
  name: string;
  /** Property name → value bytes, in the order they are stored (`name` always comes first). */
  props?: Record<string, Uint8Array>;
  /** Names of properties to store with the template flag (bit 31 of the size word, §8.4). */
  templates?: readonly string[];
  children?: readonly AdtNodeSpec[];
}

/** The AdtNode tree `spec` describes. */
export function buildAdt(spec: AdtNodeSpec): AdtNode {
  const node = new AdtNode(spec.name);
  for (const [name, value] of Object.entries(spec.props ?? {})) {
    node.setProperty(name, value, { template: spec.templates?.includes(name) ?? false });
  }
  for (const child of spec.children ?? []) node.addChild(buildAdt(child));
  return node;
}
