// Layer: core/hv. Where a guest goes in RAM (spec §13.4 step 1): host heap, the guest's ADT
// copy, TrustCache, the image, SEPFW, preoslog and boot_args. Pure arithmetic; imports
// core/formats (types) and this folder.
//
// Relative images (Mach-O, Linux Image, PIE ELF) get the Python host's layout: phys_base = end
// of the host heap, ADT at +16 MiB, TrustCache, then the image at the plan's alignment, then
// SEPFW, preoslog and a 16 KiB boot_args area. Absolute images (an ELF linked where it runs,
// like the demo guest at 0x8_1000_0000) keep their addresses; the host heap is then moved below
// the image if the Python place (m1n1 heap top + 128 MiB) would overlap it, and the ADT and the
// rest go after the image.

import type { GuestLoadPlan } from '../formats/guest-image.ts';
import { PAGE_SIZE } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';

const MiB = 0x10_0000n;
/** Gap above m1n1's heap top left for m1n1 (§7.5). */
export const HOST_HEAP_GAP = 128n * MiB;
/** Host heap size in run_guest (§7.5). */
export const HOST_HEAP_SIZE = 128n * MiB;
/** Smallest host heap worth having (gzip scratch is split to fit). */
const MIN_HOST_HEAP = 4n * MiB;
/** Room left for ADT edits to grow the tree. */
const ADT_SLACK = 64n * 1024n;
export const BOOT_ARGS_AREA = 0x4000n;

const up = (v: bigint, a: bigint = PAGE_SIZE): bigint => ((v + a - 1n) / a) * a;
const down = (v: bigint, a: bigint = PAGE_SIZE): bigint => (v / a) * a;

export interface LayoutInput {
  /** P_HEAPBLOCK_ALLOC(0) (after the host's own allocations). */
  readonly heapTop: bigint;
  /** boot_args phys_base, mem_size, mem_size_actual. */
  readonly physBase: bigint;
  readonly memSize: bigint;
  readonly memSizeActual: bigint;
  readonly devtreeSize: number;
  /** /chosen/memory-map sizes, 0 when absent. */
  readonly trustCacheSize: bigint;
  readonly sepfwSize: bigint;
  readonly preoslogSize: bigint;
}

export interface GuestLayout {
  readonly hostHeapBase: bigint;
  readonly hostHeapSize: bigint;
  /** DRAM: ram_base = phys_base & ~0xFFFFFFFF, to ram_base + mem_size_actual. */
  readonly ramBase: bigint;
  readonly ramEnd: bigint;
  /** The guest's phys_base (start of its RAM-HIGH region). */
  readonly guestPhysBase: bigint;
  /** Where plan offsets start (0 for an absolute plan). */
  readonly imageBase: bigint;
  readonly imageStart: bigint;
  readonly imageEnd: bigint;
  readonly entry: bigint;
  readonly adtBase: bigint;
  /** Bytes reserved for the ADT copy. */
  readonly adtReserved: bigint;
  readonly trustCacheBase: bigint;
  readonly sepfwBase: bigint;
  readonly preoslogBase: bigint;
  readonly bootArgsBase: bigint;
  /** boot_args top_of_kernel_data: end of everything placed. */
  readonly topOfKernelData: bigint;
  /** boot_args mem_size for the guest: iBoot's memory top − guest phys_base. */
  readonly memSize: bigint;
}

function extent(plan: GuestLoadPlan): { start: bigint; end: bigint } {
  let start = plan.segments[0]!.addr;
  let end = start;
  for (const s of plan.segments) {
    if (s.addr < start) start = s.addr;
    const e = s.addr + (s.memSize > BigInt(s.bytes.length) ? s.memSize : BigInt(s.bytes.length));
    if (e > end) end = e;
  }
  return { start, end };
}

export function planGuestLayout(plan: GuestLoadPlan, input: LayoutInput): GuestLayout {
  const ramBase = input.physBase & ~0xffff_ffffn;
  const ramEnd = ramBase + input.memSizeActual;
  const memTop = input.physBase + input.memSize;
  const adtReserved = up(BigInt(input.devtreeSize) + ADT_SLACK);
  const tc = up(input.trustCacheSize);
  const sepfw = up(input.sepfwSize);
  const preoslog = up(input.preoslogSize);
  const { start, end } = extent(plan);
  let hostHeapBase = up(input.heapTop + HOST_HEAP_GAP);
  let hostHeapSize = HOST_HEAP_SIZE;

  if (plan.placement.kind === 'relative') {
    const guestPhysBase = up(hostHeapBase + hostHeapSize);
    const adtBase = guestPhysBase + 16n * MiB;
    const trustCacheBase = adtBase + adtReserved;
    const imageBase = up(trustCacheBase + tc, plan.placement.align > PAGE_SIZE ? plan.placement.align : PAGE_SIZE);
    const imageEnd = up(imageBase + end);
    const sepfwBase = imageEnd;
    const preoslogBase = sepfwBase + sepfw;
    const bootArgsBase = preoslogBase + preoslog;
    const top = bootArgsBase + BOOT_ARGS_AREA;
    return finish({ hostHeapBase, hostHeapSize, ramBase, ramEnd, guestPhysBase, imageBase, imageStart: imageBase + start, imageEnd, entry: imageBase + plan.entry, adtBase, adtReserved, trustCacheBase, sepfwBase, preoslogBase, bootArgsBase, topOfKernelData: top, memSize: memTop - guestPhysBase });
  }

  // Absolute: the image decides. m1n1 and the host heap must lie below it (never in guest RAM).
  if (start < up(input.heapTop)) {
    throw new HvError(HvErrorCode.LAYOUT, `the guest image at ${hex(start)}..${hex(end)} overlaps m1n1 and its heap (up to ${hex(input.heapTop)})`, {
      hint: 'link the guest higher in RAM (the demo guest uses 0x8_1000_0000), or as a position-independent image',
    });
  }
  if (hostHeapBase + hostHeapSize > start) {
    const below = down(start) - up(input.heapTop + 16n * MiB);
    if (below < MIN_HOST_HEAP) {
      throw new HvError(HvErrorCode.LAYOUT, `the guest image at ${hex(start)}..${hex(end)} leaves no room for the host's scratch heap above m1n1's heap (top ${hex(input.heapTop)})`, {
        hint: 'link the guest higher in RAM (the demo guest uses 0x8_1000_0000), or as a position-independent image',
      });
    }
    hostHeapSize = below < HOST_HEAP_SIZE ? below : HOST_HEAP_SIZE;
    hostHeapBase = down(start) - hostHeapSize;
  }
  const heapEnd = hostHeapBase + hostHeapSize;
  const guestPhysBase = heapEnd;
  const imageEnd = up(end);
  const adtBase = imageEnd;
  const trustCacheBase = adtBase + adtReserved;
  const sepfwBase = trustCacheBase + tc;
  const preoslogBase = sepfwBase + sepfw;
  const bootArgsBase = preoslogBase + preoslog;
  const top = bootArgsBase + BOOT_ARGS_AREA;
  if (start < ramBase || top > memTop) {
    throw new HvError(HvErrorCode.LAYOUT, `the guest image at ${hex(start)}..${hex(end)} is not inside the target's RAM ${hex(ramBase)}..${hex(memTop)}`, { hint: 'link the guest for this machine (j274 DRAM starts at 0x8_0000_0000)' });
  }
  return finish({ hostHeapBase, hostHeapSize, ramBase, ramEnd, guestPhysBase, imageBase: 0n, imageStart: start, imageEnd, entry: plan.entry, adtBase, adtReserved, trustCacheBase, sepfwBase, preoslogBase, bootArgsBase, topOfKernelData: top, memSize: memTop - guestPhysBase });
}

function finish(layout: GuestLayout): GuestLayout {
  if (layout.topOfKernelData > layout.ramEnd) {
    throw new HvError(HvErrorCode.LAYOUT, `the guest needs RAM up to ${hex(layout.topOfKernelData)}, past the end of DRAM ${hex(layout.ramEnd)}`, { hint: 'the image is too large for this machine' });
  }
  return layout;
}
