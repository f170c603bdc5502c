// Layer: sim/firmware/ops. The op families that need machine facts but no CPU or hypervisor:
// decompression, CPU features and baud rate, iodev data ops, kboot preparation, PMGR,
// tunables, DART, framebuffer, display, DAPF, PCIe/NVMe/MCC/cpufreq (spec §6.2, §6.6, §6.9,
// §6.10, §6.12). Imports this folder's families.
//
// The machine wires them: `ops.add(f)` for each of `extraOpFamilies(deps)` next to the default
// families. Every call creates fresh families and state (except what `deps` shares, e.g. the
// KbootState P_KBOOT_BOOT reads).

import type { OpFamily } from '../op-table.ts';
import type { AdtSource } from './adt-access.ts';
import { dapfOps } from './dapf.ts';
import { dartOps } from './dart.ts';
import { decompressOps } from './decompress.ts';
import { displayOps } from './display.ts';
import { framebufferOps, type FramebufferInfo } from './framebuffer.ts';
import type { IodevBackend } from './iodev-backend.ts';
import { iodevIoOps } from './iodev-io.ts';
import { kbootOps, type KbootState } from './kboot.ts';
import { peripheralOps } from './peripherals.ts';
import { pmgrOps } from './pmgr.ts';
import { FirmwareStatics, type StaticArea } from './statics.ts';
import { systemExtraOps } from './system-extra.ts';
import { tunablesOps } from './tunables.ts';

export interface ExtraOpDeps {
  /** The machine's parsed j274 ADT (undefined: none; every ADT look-up then fails as m1n1's would). */
  readonly adt: AdtSource;
  /** The iodevs behind P_IODEV_* (the machine's USB channels, UART, vuart). */
  readonly iodevs: IodevBackend;
  /** kboot.c's state, shared with the machine's P_KBOOT_BOOT. */
  readonly kboot: KbootState;
  /** boot_args video info (undefined: no framebuffer). */
  readonly framebuffer: () => FramebufferInfo | undefined;
  /** RAM inside the m1n1 image where structures returned by pointer live (≥ 256 bytes). */
  readonly statics: StaticArea;
}

export function extraOpFamilies(deps: ExtraOpDeps): OpFamily[] {
  const statics = new FirmwareStatics(deps.statics);
  return [
    decompressOps(),
    systemExtraOps({ adt: deps.adt, statics }),
    iodevIoOps({ iodevs: deps.iodevs }),
    kbootOps({ kboot: deps.kboot }),
    pmgrOps({ adt: deps.adt }),
    tunablesOps({ adt: deps.adt }),
    dartOps(),
    framebufferOps({ framebuffer: deps.framebuffer }),
    displayOps({ adt: deps.adt, framebuffer: deps.framebuffer }),
    dapfOps({ adt: deps.adt }),
    peripheralOps({ statics }),
  ];
}

export type { AdtSource } from './adt-access.ts';
export type { FramebufferInfo } from './framebuffer.ts';
export { IODEV_COUNT, MemoryIodevBackend, type IodevBackend } from './iodev-backend.ts';
export { KbootState, type KbootParam, type PreparedDt } from './kboot.ts';
export type { StaticArea } from './statics.ts';
export { decompressOps } from './decompress.ts';
export { systemExtraOps, M1_CPU_FEATURES } from './system-extra.ts';
export { iodevIoOps } from './iodev-io.ts';
export { kbootOps } from './kboot.ts';
export { pmgrOps } from './pmgr.ts';
export { tunablesOps } from './tunables.ts';
export { dartOps } from './dart.ts';
export { framebufferOps } from './framebuffer.ts';
export { displayOps } from './display.ts';
export { dapfOps } from './dapf.ts';
export { peripheralOps } from './peripherals.ts';
