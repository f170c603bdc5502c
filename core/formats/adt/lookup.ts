// Layer: core/formats. Finding ADT nodes: by path (`/arm-io/aic`, exact component names as the
// m1n1 host matches them, §8.4), by `compatible`, and by `AAPL,phandle`. Imports this folder only.

import { AdtErrorCode, adtLookupError } from './errors.ts';
import type { AdtNode } from './node.ts';

/** The node at `path` below `root` ('/' or '' is the root itself), or undefined. */
export function findNode(root: AdtNode, path: string): AdtNode | undefined {
  let node: AdtNode | undefined = root;
  for (const part of path.split('/')) {
    if (part === '') continue;
    node = node.child(part);
    if (!node) return undefined;
  }
  return node;
}

/** Like findNode but throws ADT_NO_SUCH_NODE naming the deepest component that exists. */
export function getNode(root: AdtNode, path: string): AdtNode {
  let node = root;
  for (const part of path.split('/')) {
    if (part === '') continue;
    const next = node.child(part);
    if (!next) {
      const names = node.children.map((c) => c.name).slice(0, 12).join(', ');
      throw adtLookupError(AdtErrorCode.NO_SUCH_NODE, node.path, `no child '${part}' (looking up ${path})`, `children of ${node.path}: ${names || 'none'}`);
    }
    node = next;
  }
  return node;
}

/**
 * Whether one of `node`'s `compatible` strings equals `compat` (or starts with it when
 * `prefix`, as m1n1 matches `arm-io,t8103`, apple-devices §9.3).
 */
export function isCompatible(node: AdtNode, compat: string, options: { prefix?: boolean } = {}): boolean {
  if (!node.has('compatible')) return false;
  return node.strings('compatible').some((s) => (options.prefix ? s.startsWith(compat) : s === compat));
}

/** Every node under `root` (itself included) compatible with `compat`, in tree order. */
export function findCompatible(root: AdtNode, compat: string, options: { prefix?: boolean } = {}): AdtNode[] {
  const out: AdtNode[] = [];
  for (const node of root.walk()) if (isCompatible(node, compat, options)) out.push(node);
  return out;
}

/** The node whose `AAPL,phandle` is `phandle` (apple-devices §9.1), or undefined. */
export function findByPhandle(root: AdtNode, phandle: number): AdtNode | undefined {
  for (const node of root.walk()) {
    const p = node.property('AAPL,phandle');
    if (p && p.value.length === 4 && new DataView(p.value.buffer, p.value.byteOffset, 4).getUint32(0, true) === phandle) return node;
  }
  return undefined;
}
