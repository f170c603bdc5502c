// Layer: sim/board. The boot_args iBoot would hand the virtual Mac mini (spec m1n1-protocol §8.1)
// for a board layout. Imports core/formats and sim/board.

import { devtreeVirtAddress, serializeBootArgs, type BootArgs } from '../../core/formats/boot-args.ts';
import type { BoardLayout } from './layout.ts';

/**
 * Model choice: `serial=3`, macOS's "serial console" boot-arg, as a person debugging the machine
 * would have set it in NVRAM; m1n1 does not read it. No `-v`, so video.display is 1 (graphical).
 */
export const DEFAULT_J274_CMDLINE = 'serial=3';

export interface J274BootArgsOptions {
  /** Bytes of the serialised ADT (devtree_size). */
  adtSize: number;
  cmdline?: string;
}

/**
 * boot_args for `layout`. Model choices: revision 2 / version 2 (the 736-byte layout macOS 12's
 * iBoot uses on M1), machine_type 0 and boot_flags 0 (no meaning known to the sources).
 * devtree is the ADT's VIRTUAL address: adt − phys_base + virt_base, so that the host's
 * `devtree − virt_base + phys_base` (§8.1) gives back layout.adtBase.
 */
export function j274BootArgs(layout: BoardLayout, options: J274BootArgsOptions): BootArgs {
  const fb = layout.framebuffer;
  const cmdline = options.cmdline ?? DEFAULT_J274_CMDLINE;
  return {
    revision: 2,
    version: 2,
    virtBase: layout.virtBase,
    physBase: layout.physBase,
    memSize: layout.memSize,
    topOfKernelData: layout.topOfKernelData,
    video: {
      base: fb.base,
      display: cmdline.split(/\s+/).includes('-v') ? 0n : 1n,
      stride: BigInt(fb.stride),
      width: BigInt(fb.width),
      height: BigInt(fb.height),
      depth: BigInt(fb.depth),
    },
    machineType: 0,
    devtree: devtreeVirtAddress(layout.adtBase, layout.physBase, layout.virtBase),
    devtreeSize: options.adtSize,
    cmdline,
    bootFlags: 0n,
    memSizeActual: layout.memSizeActual,
  };
}

export function j274BootArgsBytes(layout: BoardLayout, options: J274BootArgsOptions): Uint8Array {
  return serializeBootArgs(j274BootArgs(layout, options));
}
