// Layer: core/formats. The `boot_args` structure iBoot hands over (spec m1n1-protocol §8.1) and
// the changes the hypervisor host makes to its copy for a guest (§8.2). Imports core/errors only.
//
// Layout is XNU's (what is in memory): cmdline at 0x06C, whose length depends on the revision;
// m1n1's own C declaration puts it at 0x070 (§8.1 note, §16 item 39) — we follow memory.

import { HvdbgError } from '../errors.ts';

export interface BootArgsVideo {
  /** Framebuffer physical address. */
  base: bigint;
  /** 1 = graphical boot, 0 = verbose/text. */
  display: bigint;
  /** Bytes per row. */
  stride: bigint;
  width: bigint;
  height: bigint;
  /** Bits per pixel in the low byte; flags above (0x10000 = retina). */
  depth: bigint;
}

export interface BootArgs {
  /** 1, 2 or 3 (≤ 1 is handled as 1); selects the command-line length. */
  revision: number;
  version: number;
  /** Kernel virtual base. */
  virtBase: bigint;
  /** Physical base of the kernel region. */
  physBase: bigint;
  memSize: bigint;
  /** Physical; m1n1's heap starts here. */
  topOfKernelData: bigint;
  video: BootArgsVideo;
  machineType: number;
  /** VIRTUAL address of the ADT (see adtPhysAddress). */
  devtree: bigint;
  devtreeSize: number;
  /** Up to cmdlineLength(revision) − 1 ASCII bytes (the field is NUL-padded). */
  cmdline: string;
  bootFlags: bigint;
  /** Total DRAM size. */
  memSizeActual: bigint;
}

export const BootArgsOffset = {
  REVISION: 0x000,
  VERSION: 0x002,
  VIRT_BASE: 0x008,
  PHYS_BASE: 0x010,
  MEM_SIZE: 0x018,
  TOP_OF_KERNEL_DATA: 0x020,
  VIDEO_BASE: 0x028,
  VIDEO_DISPLAY: 0x030,
  VIDEO_STRIDE: 0x038,
  VIDEO_WIDTH: 0x040,
  VIDEO_HEIGHT: 0x048,
  VIDEO_DEPTH: 0x050,
  MACHINE_TYPE: 0x058,
  DEVTREE: 0x060,
  DEVTREE_SIZE: 0x068,
  CMDLINE: 0x06c,
} as const;

/** Per revision (§8.1): command-line length, boot_flags / mem_size_actual offsets, total size. */
const REVISION_LAYOUT = {
  1: { cmdlineLength: 256, bootFlags: 0x170, memSizeActual: 0x178, size: 0x180 },
  2: { cmdlineLength: 608, bootFlags: 0x2d0, memSizeActual: 0x2d8, size: 0x2e0 },
  3: { cmdlineLength: 1024, bootFlags: 0x470, memSizeActual: 0x478, size: 0x480 },
} as const;

export type BootArgsLayout = (typeof REVISION_LAYOUT)[1 | 2 | 3];

export const BootArgsErrorCode = {
  /** Fewer bytes than the revision's structure size. */
  TRUNCATED: 'BOOTARGS_TRUNCATED',
  /** A revision above 3 (unknown layout). */
  BAD_REVISION: 'BOOTARGS_BAD_REVISION',
  /** A command line that does not fit the revision's field (it needs a NUL). */
  CMDLINE_TOO_LONG: 'BOOTARGS_CMDLINE_TOO_LONG',
} as const;

export class BootArgsError extends HvdbgError {
  constructor(code: (typeof BootArgsErrorCode)[keyof typeof BootArgsErrorCode], message: string, hint: string) {
    super(code, message, { hint, fatal: false });
  }
}

/** The layout of `revision`: revisions ≤ 1 share revision 1's (§8.1). */
export function bootArgsLayout(revision: number): BootArgsLayout {
  const r = revision <= 1 ? 1 : revision;
  if (r !== 2 && r !== 3 && r !== 1) {
    throw new BootArgsError(BootArgsErrorCode.BAD_REVISION, `boot_args revision ${revision} is not 1, 2 or 3`, 'the address may not point at boot_args (P_GET_BOOTARGS, §8.1)');
  }
  return REVISION_LAYOUT[r];
}

/** Bytes the structure takes for `revision`: 0x180, 0x2E0 or 0x480 (§8.1). */
export function bootArgsSize(revision: number): number {
  return bootArgsLayout(revision).size;
}

const latin1 = new TextDecoder('latin1');

/** Parses boot_args; `bytes` must hold at least bootArgsSize(revision) bytes. */
export function parseBootArgs(bytes: Uint8Array): BootArgs {
  if (bytes.length < 2) {
    throw new BootArgsError(BootArgsErrorCode.TRUNCATED, `boot_args: ${bytes.length} byte(s), not even the revision field`, 'read 0x180/0x2E0/0x480 bytes per the revision (§8.1)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = view.getUint16(BootArgsOffset.REVISION, true);
  const layout = bootArgsLayout(revision);
  if (bytes.length < layout.size) {
    throw new BootArgsError(BootArgsErrorCode.TRUNCATED, `boot_args revision ${revision} is 0x${layout.size.toString(16)} bytes but only 0x${bytes.length.toString(16)} were given`, 'read the whole structure for its revision (§8.1)');
  }
  const u64 = (off: number): bigint => view.getBigUint64(off, true);
  const field = bytes.subarray(BootArgsOffset.CMDLINE, BootArgsOffset.CMDLINE + layout.cmdlineLength);
  const nul = field.indexOf(0);
  return {
    revision,
    version: view.getUint16(BootArgsOffset.VERSION, true),
    virtBase: u64(BootArgsOffset.VIRT_BASE),
    physBase: u64(BootArgsOffset.PHYS_BASE),
    memSize: u64(BootArgsOffset.MEM_SIZE),
    topOfKernelData: u64(BootArgsOffset.TOP_OF_KERNEL_DATA),
    video: {
      base: u64(BootArgsOffset.VIDEO_BASE),
      display: u64(BootArgsOffset.VIDEO_DISPLAY),
      stride: u64(BootArgsOffset.VIDEO_STRIDE),
      width: u64(BootArgsOffset.VIDEO_WIDTH),
      height: u64(BootArgsOffset.VIDEO_HEIGHT),
      depth: u64(BootArgsOffset.VIDEO_DEPTH),
    },
    machineType: view.getUint32(BootArgsOffset.MACHINE_TYPE, true),
    devtree: u64(BootArgsOffset.DEVTREE),
    devtreeSize: view.getUint32(BootArgsOffset.DEVTREE_SIZE, true),
    cmdline: latin1.decode(nul < 0 ? field : field.subarray(0, nul)),
    bootFlags: u64(layout.bootFlags),
    memSizeActual: u64(layout.memSizeActual),
  };
}

/** The bytes of `args` for its revision; padding is zero, cmdline NUL-padded. */
export function serializeBootArgs(args: BootArgs): Uint8Array {
  const layout = bootArgsLayout(args.revision);
  if (args.cmdline.length >= layout.cmdlineLength) {
    throw new BootArgsError(BootArgsErrorCode.CMDLINE_TOO_LONG, `command line of ${args.cmdline.length} bytes does not fit revision ${args.revision}'s ${layout.cmdlineLength}-byte field`, `keep it under ${layout.cmdlineLength} bytes (it needs a NUL)`);
  }
  const out = new Uint8Array(layout.size);
  const view = new DataView(out.buffer);
  const u64 = (off: number, v: bigint): void => view.setBigUint64(off, BigInt.asUintN(64, v), true);
  view.setUint16(BootArgsOffset.REVISION, args.revision, true);
  view.setUint16(BootArgsOffset.VERSION, args.version, true);
  u64(BootArgsOffset.VIRT_BASE, args.virtBase);
  u64(BootArgsOffset.PHYS_BASE, args.physBase);
  u64(BootArgsOffset.MEM_SIZE, args.memSize);
  u64(BootArgsOffset.TOP_OF_KERNEL_DATA, args.topOfKernelData);
  u64(BootArgsOffset.VIDEO_BASE, args.video.base);
  u64(BootArgsOffset.VIDEO_DISPLAY, args.video.display);
  u64(BootArgsOffset.VIDEO_STRIDE, args.video.stride);
  u64(BootArgsOffset.VIDEO_WIDTH, args.video.width);
  u64(BootArgsOffset.VIDEO_HEIGHT, args.video.height);
  u64(BootArgsOffset.VIDEO_DEPTH, args.video.depth);
  view.setUint32(BootArgsOffset.MACHINE_TYPE, args.machineType, true);
  u64(BootArgsOffset.DEVTREE, args.devtree);
  view.setUint32(BootArgsOffset.DEVTREE_SIZE, args.devtreeSize, true);
  for (let i = 0; i < args.cmdline.length; i++) out[BootArgsOffset.CMDLINE + i] = args.cmdline.charCodeAt(i) & 0xff;
  u64(layout.bootFlags, args.bootFlags);
  u64(layout.memSizeActual, args.memSizeActual);
  return out;
}

const U64 = 1n << 64n;

/** Physical address of the ADT: `(devtree − virt_base + phys_base) mod 2^64` (§8.1). */
export function adtPhysAddress(args: Pick<BootArgs, 'devtree' | 'virtBase' | 'physBase'>): bigint {
  return (((args.devtree - args.virtBase + args.physBase) % U64) + U64) % U64;
}

/** The kernel virtual base the host gives a guest at `physBase`: 0xFFFFFE0010000000 + (phys_base mod 32 MiB) (§8.2). */
export function guestVirtBase(physBase: bigint): bigint {
  return 0xffff_fe00_1000_0000n + (physBase % 0x200_0000n);
}

/** Virtual address iBoot/the host stores in `devtree` for an ADT at `adtPhys` (inverse of adtPhysAddress). */
export function devtreeVirtAddress(adtPhys: bigint, physBase: bigint, virtBase: bigint): bigint {
  return BigInt.asUintN(64, adtPhys - physBase + virtBase);
}

export interface GuestBootArgsChanges {
  physBase: bigint;
  memSize: bigint;
  /** Physical address of the guest's ADT copy. */
  adtBase: bigint;
  topOfKernelData: bigint;
  cmdline: string;
  /** Defaults to 0 when the command line has `-v`, else 1 (§13.3). */
  videoDisplay?: bigint;
}

/**
 * The copy the hypervisor host writes for a guest (§8.2): mem_size, phys_base, virt_base =
 * 0xFFFFFE0010000000 + (phys_base mod 32 MiB), devtree = adt_base − phys_base + virt_base,
 * top_of_kernel_data, cmdline and video.display change; everything else is copied unchanged.
 * `original` is not modified.
 */
export function guestBootArgs(original: BootArgs, changes: GuestBootArgsChanges): BootArgs {
  const virtBase = guestVirtBase(changes.physBase);
  const verbose = changes.cmdline.split(/\s+/).includes('-v');
  return {
    ...original,
    video: { ...original.video, display: changes.videoDisplay ?? (verbose ? 0n : 1n) },
    physBase: changes.physBase,
    memSize: changes.memSize,
    virtBase,
    devtree: devtreeVirtAddress(changes.adtBase, changes.physBase, virtBase),
    topOfKernelData: changes.topOfKernelData,
    cmdline: changes.cmdline,
  };
}
