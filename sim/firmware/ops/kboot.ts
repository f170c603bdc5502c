// Layer: sim/firmware/ops. Kernel boot preparation (spec §6.9) except P_KBOOT_BOOT: the state
// m1n1's kboot.c keeps between ops, in a KbootState the machine's P_KBOOT_BOOT reads. Imports
// the op table types and this folder's target-io.
//
// As kboot.c does it:
// - P_KBOOT_SET_CHOSEN(name, value) / P_KBOOT_SET_UBOOT: a table of 16 (/chosen) or 4 (u-boot
//   config) name/value pairs. A NULL name → −1. The name's slot is found (or the first free one
//   taken), its old value dropped, the new value stored unless the value pointer is NULL (which
//   leaves the name with no value). Returns the slot index (the spec's "0 ok" is slot 0), −1
//   when the table is full.
// - P_KBOOT_SET_INITRD(base, size): remembered as given; 0.
// - P_KBOOT_PREPARE_DT(fdt): drops the previous tree, then copies the flattened tree in. A header
//   libfdt's fdt_open_into rejects (magic ≠ 0xd00dfeed, version < 2, last compatible version >
//   17, total size ≥ 2^31) prints "FDT: fdt_open_into() failed" and returns −1. m1n1 then edits
//   its copy (chosen, memory, CPUs, … from the ADT); here the copy is kept as given and the
//   edits are left to P_KBOOT_BOOT's model (the chosen/u-boot tables, initrd and this tree).
//   Also rejected (−1), where m1n1 would fail later in libfdt: a total size below the 40-byte
//   header, or blocks outside the total size.

import type { OpContext, OpFamily } from '../op-table.ts';
import { readCString, readTarget } from './target-io.ts';

export const MAX_CHOSEN_PARAMS = 16;
export const MAX_UBOOT_CONFIGS = 4;
export const FDT_MAGIC = 0xd00dfeed;
const FDT_HEADER_SIZE = 40;
const FDT_FIRST_SUPPORTED_VERSION = 2;
const FDT_LAST_SUPPORTED_VERSION = 17;
const MAX_STRING = 1 << 16;
const ERR = BigInt.asUintN(64, -1n);

export interface KbootParam {
  readonly name: string;
  value: string | undefined;
}

export interface PreparedDt {
  /** Where the host's tree was (a0 of P_KBOOT_PREPARE_DT). */
  readonly source: bigint;
  /** The flattened tree, `totalsize` bytes. */
  readonly bytes: Uint8Array;
}

/** m1n1's kboot.c statics. */
export class KbootState {
  readonly chosen: KbootParam[] = [];
  readonly uboot: KbootParam[] = [];
  initrd: { readonly base: bigint; readonly size: bigint } = { base: 0n, size: 0n };
  dt: PreparedDt | undefined;

  /** kboot_set_chosen / kboot_set_uboot: the slot index, or −1 when the table is full. */
  static set(table: KbootParam[], max: number, name: string, value: string | undefined): number {
    let i = table.findIndex((p) => p.name === name);
    if (i < 0) {
      if (table.length >= max) return -1;
      i = table.push({ name, value: undefined }) - 1;
    }
    table[i]!.value = value;
    return i;
  }
}

const be32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** Why libfdt (or the checks above) rejects the header, or undefined when it is usable. */
export function fdtHeaderProblem(h: Uint8Array): string | undefined {
  if (be32(h, 0) !== FDT_MAGIC) return 'bad magic';
  const total = be32(h, 4);
  if (be32(h, 20) < FDT_FIRST_SUPPORTED_VERSION || be32(h, 24) > FDT_LAST_SUPPORTED_VERSION) return 'unsupported version';
  if (total >= 0x7fff_ffff) return 'truncated';
  if (total < FDT_HEADER_SIZE) return 'total size below the header';
  const within = (off: number, size: number) => off <= total && size <= total - off;
  if (!within(be32(h, 8), 0) || !within(be32(h, 12), 0) || !within(be32(h, 16), 0)) return 'block offset outside the tree';
  if (be32(h, 20) >= 17 && !within(be32(h, 8), be32(h, 36))) return 'structure block outside the tree';
  if (!within(be32(h, 12), be32(h, 32))) return 'strings block outside the tree';
  return undefined;
}

function setParam(ctx: OpContext, table: KbootParam[], max: number, a: BigUint64Array): bigint {
  if (a[0] === 0n) return ERR;
  const r = ctx.guard.returnable(() => {
    const name = readCString(ctx, a[0]!, MAX_STRING);
    if (name === undefined) return ERR;
    let value: string | undefined;
    if (a[1] !== 0n) {
      value = readCString(ctx, a[1]!, MAX_STRING);
      if (value === undefined) return ERR;
    }
    return BigInt.asUintN(64, BigInt(KbootState.set(table, max, name, value)));
  });
  return r.value;
}

function prepareDt(ctx: OpContext, state: KbootState, fdt: bigint): bigint {
  state.dt = undefined;
  const r = ctx.guard.returnable(() => {
    const head = readTarget(ctx, fdt, FDT_HEADER_SIZE);
    if (head.faulted) return ERR;
    if (fdtHeaderProblem(head.bytes) !== undefined) {
      ctx.firmware.console('FDT: fdt_open_into() failed\n');
      return ERR;
    }
    const all = readTarget(ctx, fdt, be32(head.bytes, 4));
    if (all.faulted) return ERR;
    state.dt = { source: fdt, bytes: all.bytes };
    return 0n;
  });
  return r.value;
}

export function kbootOps(deps: { kboot: KbootState }): OpFamily {
  const state = deps.kboot;
  return {
    family: 'kboot',
    ops: [
      { name: 'P_KBOOT_SET_CHOSEN', handler: (a, ctx) => setParam(ctx, state.chosen, MAX_CHOSEN_PARAMS, a) },
      { name: 'P_KBOOT_SET_UBOOT', handler: (a, ctx) => setParam(ctx, state.uboot, MAX_UBOOT_CONFIGS, a) },
      {
        name: 'P_KBOOT_SET_INITRD',
        handler: (a) => {
          state.initrd = { base: a[0]!, size: a[1]! };
          return 0n;
        },
      },
      { name: 'P_KBOOT_PREPARE_DT', handler: (a, ctx) => prepareDt(ctx, state, a[0]!) },
    ],
  };
}
