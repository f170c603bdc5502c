// Layer: core/hv. Loads a guest into target RAM (spec §13.4): the RAM zones and carve-outs, the
// image (gzip + P_GZDEC when that is smaller on the wire, §6.6), BSS, cache maintenance, the
// iBoot blobs a macOS kernel needs, the /chosen/memory-map edits and RVBARs. Imports
// core/proxy, core/formats and this folder.

import { gzipSync } from 'node:zlib';
import { findNode, serializeAdt, type AdtNode } from '../formats/adt/index.ts';
import { guestBootArgs, serializeBootArgs } from '../formats/boot-args.ts';
import { encodeU64Array } from '../formats/adt/values.ts';
import type { GuestLoadPlan } from '../formats/guest-image.ts';
import type { HostHeap } from '../proxy/host-heap.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import { TraceMode } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import type { GuestLayout, LayoutInput } from './guest-layout.ts';
import type { TargetInfo } from './hv-init.ts';
import type { Stage2Maps } from './maps.ts';
import { settleAll } from './round-trips.ts';

export interface LoadProgress {
  /** upload: bytes on the wire; decompress: P_GZDEC running; blobs: iBoot images copied. */
  readonly phase: 'upload' | 'decompress' | 'zero' | 'blobs';
  readonly segment: string;
  readonly doneBytes: number;
  readonly totalBytes: number;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** gzip segments for the upload: 'auto' (default) when it saves at least a fifth of ≥ 1 MiB. */
  compress?: 'auto' | boolean;
}

export interface LoadStats {
  readonly rawBytes: number;
  readonly wireBytes: number;
  readonly compressedSegments: number;
}

const GZIP_MIN_BYTES = 1024 * 1024;

/** /chosen/memory-map entries: (u64 base, u64 size). */
export function memoryMapEntry(adt: AdtNode, name: string): { base: bigint; size: bigint } | undefined {
  const node = findNode(adt, '/chosen/memory-map');
  if (!node?.has(name)) return undefined;
  const v = node.u64Array(name);
  return v.length >= 2 ? { base: v[0]!, size: v[1]! } : undefined;
}

/** What planGuestLayout needs from the target. */
export function layoutInput(info: TargetInfo, heapTop: bigint): LayoutInput {
  const ba = info.bootArgs;
  return {
    heapTop,
    physBase: ba.physBase,
    memSize: ba.memSize,
    memSizeActual: ba.memSizeActual,
    devtreeSize: info.adtSize,
    trustCacheSize: memoryMapEntry(info.adt, 'TrustCache')?.size ?? 0n,
    sepfwSize: memoryMapEntry(info.adt, 'SEPFW')?.size ?? 0n,
    preoslogSize: memoryMapEntry(info.adt, 'preoslog')?.size ?? 0n,
  };
}

/** §13.4 step 2–3: RAM-LOW / RAM-HIGH zones (HW), minus the carve-outs the MCC reports. */
export async function mapGuestRam(proxy: M1n1Proxy, maps: Stage2Maps, info: TargetInfo, layout: GuestLayout): Promise<number> {
  const ba = info.bootArgs;
  if (ba.physBase > layout.ramBase) maps.add(layout.ramBase, ba.physBase - layout.ramBase, 'RAM-LOW', TraceMode.OFF);
  maps.add(layout.guestPhysBase, layout.ramEnd - layout.guestPhysBase, 'RAM-HIGH', TraceMode.OFF);
  const list = await proxy.mccGetCarveouts().catch(() => 0n); // no MCC op: no carve-outs
  let count = 0;
  for (let at = list; at !== 0n && count < 64; at += 16n, count++) {
    const [base, size] = await settleAll<[bigint, bigint]>([proxy.read64(at), proxy.read64(at + 8n)]);
    if (base === 0n) break;
    maps.remove(base, size, 'RAM-LOW');
    maps.remove(base, size, 'RAM-HIGH');
  }
  return count;
}

/** §13.4 steps 4–8. */
export async function uploadGuest(proxy: M1n1Proxy, heap: HostHeap, plan: GuestLoadPlan, layout: GuestLayout, info: TargetInfo, options: LoadOptions = {}): Promise<LoadStats> {
  const report = options.onProgress ?? (() => undefined);
  const t = proxy.transport;
  let rawBytes = 0;
  let wireBytes = 0;
  let compressedSegments = 0;
  for (const seg of plan.segments) {
    const dst = layout.imageBase + seg.addr;
    const size = seg.bytes.length;
    rawBytes += size;
    const packed = shouldCompress(seg.bytes, options.compress ?? 'auto', heap);
    if (packed) {
      const scratch = heap.malloc(packed.length);
      try {
        await t.memWrite(scratch, packed, { onProgress: (done, total) => report({ phase: 'upload', segment: seg.name, doneBytes: done, totalBytes: total }) });
        report({ phase: 'decompress', segment: seg.name, doneBytes: 0, totalBytes: size });
        const n = await proxy.gzdec(scratch, packed.length, dst, size);
        if (n !== size) throw new HvError(HvErrorCode.LAYOUT, `P_GZDEC of ${seg.name} gave ${n}, expected ${size} bytes`, { hint: 'upload without compression (compress: false)' });
        report({ phase: 'decompress', segment: seg.name, doneBytes: size, totalBytes: size });
      } finally {
        heap.free(scratch);
      }
      wireBytes += packed.length;
      compressedSegments++;
    } else if (size > 0) {
      await t.memWrite(dst, seg.bytes, { onProgress: (done, total) => report({ phase: 'upload', segment: seg.name, doneBytes: done, totalBytes: total }) });
      wireBytes += size;
    }
    const bss = seg.memSize - BigInt(size);
    if (bss > 0n) {
      report({ phase: 'zero', segment: seg.name, doneBytes: 0, totalBytes: Number(bss) });
      await proxy.memset8(dst + BigInt(size), 0n, bss);
    }
  }
  const span = layout.imageEnd - layout.imageStart;
  await settleAll([proxy.dcCvau(layout.imageStart, span), proxy.icIvau(layout.imageStart, span)]);
  await copyIbootBlobs(proxy, info, layout, report);
  await writeRvbars(proxy, info, layout.entry);
  return { rawBytes, wireBytes, compressedSegments };
}

function shouldCompress(bytes: Uint8Array, mode: 'auto' | boolean, heap: HostHeap): Uint8Array | null {
  if (mode === false || bytes.length === 0) return null;
  if (mode === 'auto' && bytes.length < GZIP_MIN_BYTES) return null;
  const packed = gzipSync(bytes, { level: 1 });
  if (packed.length > heap.largestFreeBlock) return null;
  if (mode === 'auto' && packed.length * 5 > bytes.length * 4) return null;
  return packed;
}

/** §13.4 steps 5–6: SEPFW, TrustCache, preoslog to the new layout; /chosen/memory-map updated. */
async function copyIbootBlobs(proxy: M1n1Proxy, info: TargetInfo, layout: GuestLayout, report: (p: LoadProgress) => void): Promise<void> {
  const node = findNode(info.adt, '/chosen/memory-map');
  if (!node) return;
  const copies: Array<[string, bigint]> = [
    ['SEPFW', layout.sepfwBase],
    ['TrustCache', layout.trustCacheBase],
    ['preoslog', layout.preoslogBase],
  ];
  const sent: Promise<void>[] = [];
  for (const [name, to] of copies) {
    const e = memoryMapEntry(info.adt, name);
    if (!e || e.size === 0n) continue;
    sent.push(proxy.memcpy8(to, e.base, e.size));
    node.setProperty(name, encodeU64Array([to, e.size]));
    report({ phase: 'blobs', segment: name, doneBytes: Number(e.size), totalBytes: Number(e.size) });
  }
  await settleAll(sent);
  if (node.has('DeviceTree')) node.setProperty('DeviceTree', encodeU64Array([layout.adtBase, layout.adtReserved]));
  if (node.has('BootArgs')) node.setProperty('BootArgs', encodeU64Array([layout.bootArgsBase, 0x4000n]));
  if (node.has('Kernel-mach_header')) node.setProperty('Kernel-mach_header', encodeU64Array([layout.imageBase, 0n]));
}

/** §13.4 step 8: on unlocked CPUs every CPU not yet running gets RVBAR = entry & ~0xFFF. */
async function writeRvbars(proxy: M1n1Proxy, info: TargetInfo, entry: bigint): Promise<void> {
  if (!info.features?.appleSysregsUnlocked) return;
  const cpus = findNode(info.adt, '/cpus');
  const writes: Promise<void>[] = [];
  for (const cpu of cpus?.children ?? []) {
    if (!cpu.has('cpu-impl-reg') || (cpu.has('state') && cpu.string('state') === 'running')) continue;
    const implReg = cpu.u64Array('cpu-impl-reg')[0];
    if (implReg !== undefined) writes.push(proxy.write64(implReg, entry & ~0xfffn));
  }
  await settleAll(writes);
}

/**
 * §13.5 step 4 and §13.4 step 7: the edited ADT and the guest's boot_args (§8.2), one burst.
 * devtree_size is the edited tree's size. Resolves with the boot_args address (the guest's x0).
 */
export async function writeBootData(proxy: M1n1Proxy, info: TargetInfo, layout: GuestLayout, cmdline: string): Promise<bigint> {
  const adt = serializeAdt(info.adt);
  if (BigInt(adt.length) > layout.adtReserved) {
    throw new HvError(HvErrorCode.LAYOUT, `the edited ADT is ${adt.length} bytes, ${layout.adtReserved} are reserved for it`, { hint: 'fewer ADT edits' });
  }
  const args = guestBootArgs(info.bootArgs, {
    physBase: layout.guestPhysBase,
    memSize: layout.memSize,
    adtBase: layout.adtBase,
    topOfKernelData: layout.topOfKernelData,
    cmdline,
  });
  const bytes = serializeBootArgs({ ...args, devtreeSize: adt.length });
  const t = proxy.transport;
  await settleAll([t.memWrite(layout.adtBase, adt), t.memWrite(layout.bootArgsBase, bytes)]);
  return layout.bootArgsBase;
}

export const describeLayout = (l: GuestLayout): string =>
  `guest RAM ${hex(l.guestPhysBase)}..${hex(l.ramEnd)}, image ${hex(l.imageStart)}..${hex(l.imageEnd)}, entry ${hex(l.entry)}, ADT ${hex(l.adtBase)}, boot_args ${hex(l.bootArgsBase)}, host heap ${hex(l.hostHeapBase)}+${hex(l.hostHeapSize)}`;
