// Layer: sim/board. Puts iBoot's hand-over into the virtual Mac mini's RAM: the j274 ADT and
// boot_args at the layout's addresses. Imports core/errors, core/formats, sim/memory, sim/board.

import { HvdbgError } from '../../core/errors.ts';
import type { AdtNode } from '../../core/formats/adt/index.ts';
import { serializeAdt } from '../../core/formats/adt/index.ts';
import { serializeBootArgs, type BootArgs } from '../../core/formats/boot-args.ts';
import type { PhysicalMemory } from '../memory/index.ts';
import { j274BootArgs } from './boot-args.ts';
import { buildJ274Adt, type J274AdtOptions } from './j274-adt.ts';
import { VIRTUAL_M1_LAYOUT, type BoardLayout } from './layout.ts';

export interface InstallBoardOptions extends J274AdtOptions {
  cmdline?: string;
}

export interface InstalledBoard {
  /** P_GET_BOOTARGS. */
  bootArgsAddr: bigint;
  adtAddr: bigint;
  adtSize: number;
  bootArgs: BootArgs;
  /** The tree as written (for the machine's own lookups: device windows, IRQs). */
  adt: AdtNode;
}

function write(memory: PhysicalMemory, addr: bigint, bytes: Uint8Array, what: string): void {
  if (!memory.writeBlock(addr, bytes, 0, bytes.length)) {
    throw new HvdbgError('BOARD_INSTALL_FAULT', `cannot write the ${what} (${bytes.length} bytes) at 0x${addr.toString(16)}`, {
      hint: 'the board layout must lie in the machine RAM (sim/board/layout.ts)',
    });
  }
}

/** Writes the ADT and boot_args into `memory`; returns where they are. */
export function installBoard(memory: PhysicalMemory, layout: BoardLayout = VIRTUAL_M1_LAYOUT, options: InstallBoardOptions = {}): InstalledBoard {
  const adt = buildJ274Adt(layout, options);
  const adtBytes = serializeAdt(adt);
  if (BigInt(adtBytes.length) > layout.adtMaxSize) {
    throw new HvdbgError('BOARD_ADT_TOO_BIG', `the ADT is ${adtBytes.length} bytes but the layout reserves 0x${layout.adtMaxSize.toString(16)}`, { hint: 'raise adtMaxSize in sim/board/layout.ts' });
  }
  const bootArgs = j274BootArgs(layout, { adtSize: adtBytes.length, cmdline: options.cmdline });
  const bootArgsBytes = serializeBootArgs(bootArgs);
  write(memory, layout.adtBase, adtBytes, 'device tree');
  write(memory, layout.bootArgsBase, bootArgsBytes, 'boot_args');
  return { bootArgsAddr: layout.bootArgsBase, adtAddr: layout.adtBase, adtSize: adtBytes.length, bootArgs, adt };
}
