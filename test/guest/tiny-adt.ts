// A minimal Apple Device Tree and boot_args, laid out from the format in m1n1-protocol.md §8.1
// (boot_args) and §8.4 / apple-devices §9.1 (nodes: u32 property count, u32 child count, then
// 32-byte-name properties padded to 4 bytes, then the children) — just what the demo guest reads:
// /arm-io (#address-cells, #size-cells, ranges) with uart0, aic, gpio, pmgr, and /cpus.

import { cat } from '../helpers/bytes.ts';

export interface AdtNode {
  readonly props: ReadonlyArray<readonly [string, Uint8Array]>;
  readonly children?: readonly AdtNode[];
}

export const str = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

export function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
}

export function u64s(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, v, true));
  return out;
}

export function encodeAdt(node: AdtNode): Uint8Array {
  const parts: Uint8Array[] = [u32s(node.props.length, node.children?.length ?? 0)];
  for (const [name, value] of node.props) {
    const head = new Uint8Array(36);
    head.set(new TextEncoder().encode(name).subarray(0, 31));
    new DataView(head.buffer).setUint32(32, value.length, true);
    parts.push(head, value, new Uint8Array((4 - (value.length % 4)) % 4));
  }
  for (const child of node.children ?? []) parts.push(encodeAdt(child));
  return cat(...parts);
}

/** `/arm-io` child with reg[0] given as a bus address (physical − 0x200000000, §9.3). */
const device = (name: string, phys: bigint, size: bigint): AdtNode => ({
  props: [
    ['name', str(name)],
    ['reg', u64s(phys - 0x2_0000_0000n, size)],
  ],
});

/** A j274-like tree with `cpus` CPU nodes (cpu0 running). */
export function j274Adt(cpus: number): Uint8Array {
  return encodeAdt({
    props: [
      ['name', str('device-tree')],
      ['#address-cells', u32s(2)],
      ['#size-cells', u32s(2)],
    ],
    children: [
      {
        props: [
          ['name', str('arm-io')],
          ['#address-cells', u32s(2)],
          ['#size-cells', u32s(2)],
          ['ranges', u64s(0n, 0x2_0000_0000n, 0x8000_0000n)],
        ],
        children: [
          device('aic', 0x2_3b10_0000n, 0x8000n),
          device('gpio', 0x2_3c10_0000n, 0x10_0000n),
          device('uart0', 0x2_3520_0000n, 0x4000n),
          device('pmgr', 0x2_3b70_0000n, 0x8_0000n),
        ],
      },
      {
        props: [['name', str('cpus')]],
        children: Array.from({ length: cpus }, (_, n) => ({
          props: [
            ['name', str(`cpu${n}`)],
            ['cpu-id', u32s(n)],
            ['reg', u32s(((n >> 2) << 8) | (n & 3))],
            ['cpu-impl-reg', u64s(0x2_1005_0000n | (BigInt(n >> 2) << 24n) | (BigInt(n & 3) << 20n), 0x10000n)],
            ['state', str(n === 0 ? 'running' : 'waiting')],
          ] as Array<readonly [string, Uint8Array]>,
        })),
      },
    ],
  });
}

/** boot_args revision 2 (§8.1) pointing at an ADT at `adtPhys`, with §8.2's virtual base. */
export function bootArgs(physBase: bigint, adtPhys: bigint, adtSize: number): Uint8Array {
  const out = new Uint8Array(0x2e0);
  const view = new DataView(out.buffer);
  const virtBase = 0xffff_fe00_1000_0000n;
  view.setUint16(0x00, 2, true);
  view.setBigUint64(0x08, virtBase, true);
  view.setBigUint64(0x10, physBase, true);
  view.setBigUint64(0x18, 0x2_0000_0000n, true);
  view.setBigUint64(0x60, adtPhys - physBase + virtBase, true);
  view.setUint32(0x68, adtSize, true);
  return out;
}
