// Layer: sim/board. Where iBoot's hand-over sits in the virtual Mac mini's 8 GiB of DRAM at
// 0x8_0000_0000: SEPFW and TrustCache images, the Apple Device Tree, boot_args, m1n1 itself,
// top of kernel data (m1n1's heap), and the framebuffer. Imports sim/memory only.
//
// Every address here is a MODEL CHOICE (the sources pin none of them); the reason is next to each.
// The common rule: everything iBoot hands over lies in the kernel region [phys_base,
// top_of_kernel_data), each piece in its own 16 KiB-aligned slot (the M1 page size), so m1n1's
// heap (which starts at top_of_kernel_data, spec m1n1-protocol §6.8) never overlaps any of it.

import { M1_DRAM_BASE, MAC_MINI_8GB_RAM_SIZE } from '../memory/index.ts';

export interface FramebufferLayout {
  /** Physical address (boot_args video.base). */
  base: bigint;
  /** Bytes reserved for it at the top of DRAM (kept out of boot_args mem_size). */
  reservedBytes: bigint;
  width: number;
  height: number;
  /** Bytes per row. */
  stride: number;
  /** boot_args video.depth: bits per pixel in the low byte, flags above (§8.1). */
  depth: number;
}

export interface BoardLayout {
  ramBase: bigint;
  ramSize: bigint;
  /** boot_args phys_base: physical base of the kernel region. */
  physBase: bigint;
  /** boot_args virt_base: iBoot's kernel virtual base for phys_base. */
  virtBase: bigint;
  /** SEPFW image (a /chosen/memory-map entry the hypervisor host copies, §13.4). */
  sepfw: { base: bigint; size: bigint };
  /** TrustCache image (likewise). */
  trustCache: { base: bigint; size: bigint };
  /** Physical address of the ADT and the bytes reserved for it. */
  adtBase: bigint;
  adtMaxSize: bigint;
  /** Physical address of boot_args (P_GET_BOOTARGS) and the bytes reserved for it. */
  bootArgsBase: bigint;
  bootArgsMaxSize: bigint;
  /** m1n1's load address (P_GET_BASE). */
  m1n1Base: bigint;
  /** boot_args top_of_kernel_data: m1n1's heap starts here (§6.8). */
  topOfKernelData: bigint;
  framebuffer: FramebufferLayout;
  /** boot_args mem_size: DRAM from phys_base the OS may use (the framebuffer is kept out). */
  memSize: bigint;
  /** boot_args mem_size_actual: all of DRAM. */
  memSizeActual: bigint;
}

const MiB = 0x10_0000n;
const FB_WIDTH = 1920;
const FB_HEIGHT = 1080;
const FB_STRIDE = FB_WIDTH * 4;
/** Model choice: 16 MiB at the top of DRAM, enough for 1920×1080 at 4 bytes per pixel (≈7.9 MiB). */
const FB_RESERVED = 16n * MiB;

/**
 * The j274 layout. Model choices and why:
 * - phys_base = DRAM base: the kernel region starts where DRAM does, so all of DRAM below
 *   top_of_kernel_data is iBoot's and m1n1's "RAM base" (phys_base & ~0xFFFFFFFF, §13.4) is the
 *   DRAM base itself.
 * - virt_base = 0xFFFFFE0010000000 + (phys_base mod 32 MiB): the rule the hypervisor host uses for
 *   a guest (§8.2), applied to iBoot's own copy too; devtree = adt − phys_base + virt_base follows.
 * - SEPFW at +16 MiB (1 MiB) and TrustCache at +17 MiB (16 KiB): small zero-filled images, present
 *   only so the host's memory-map copies (§13.4 step 5) read real RAM.
 * - ADT at +32 MiB with 16 MiB reserved and boot_args at +48 MiB with 16 KiB reserved: below m1n1,
 *   so no m1n1 image size (payloads appended to it) can overwrite them.
 * - m1n1 at +56 MiB and top_of_kernel_data at +96 MiB: unchanged from the first virtual M1 (a
 *   40 MiB window for m1n1 and its payloads).
 * - Framebuffer: 1920×1080, 32 bits per pixel stored, depth 30 (10 bits per channel, the format
 *   iBoot's boot framebuffer uses on M1; m1n1 handles it), no retina flag, in the top 16 MiB of
 *   DRAM; mem_size stops below it so m1n1's top-of-memory allocations never reach it.
 */
export function j274Layout(ramBase: bigint = M1_DRAM_BASE, ramSize: bigint = MAC_MINI_8GB_RAM_SIZE): BoardLayout {
  const physBase = ramBase;
  const fbBase = ramBase + ramSize - FB_RESERVED;
  return {
    ramBase,
    ramSize,
    physBase,
    virtBase: 0xffff_fe00_1000_0000n + (physBase % (32n * MiB)),
    sepfw: { base: ramBase + 16n * MiB, size: 1n * MiB },
    trustCache: { base: ramBase + 17n * MiB, size: 0x4000n },
    adtBase: ramBase + 32n * MiB,
    adtMaxSize: 16n * MiB,
    bootArgsBase: ramBase + 48n * MiB,
    bootArgsMaxSize: 0x4000n,
    m1n1Base: ramBase + 0x380_0000n,
    topOfKernelData: ramBase + 0x600_0000n,
    framebuffer: { base: fbBase, reservedBytes: FB_RESERVED, width: FB_WIDTH, height: FB_HEIGHT, stride: FB_STRIDE, depth: 30 },
    memSize: fbBase - physBase,
    memSizeActual: ramSize,
  };
}

/**
 * The virtual Mac mini's layout (8 GiB at 0x8_0000_0000). sim/virtual-m1.ts imports this; it keeps
 * the names it had there (ramBase, ramSize, m1n1Base, topOfKernelData).
 */
export const VIRTUAL_M1_LAYOUT: Readonly<BoardLayout> = Object.freeze(j274Layout());
