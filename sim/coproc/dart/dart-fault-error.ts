// Layer: sim/coproc (DART). The typed error a coprocessor's DMA raises when the DART refuses an
// IOVA (apple-devices §6.2, §6.5). Imports core/errors and this folder.

import { HvdbgError } from '../../../core/errors.ts';
import { DART_FAULT } from './dart-registers.ts';

const CODE_NAMES = Object.entries(DART_FAULT) as Array<[keyof typeof DART_FAULT, number]>;

/** Names of the ERROR.CODE bits set in `code`, e.g. ['NO_PTE', 'WRITE']. */
export function dartFaultNames(code: number): string[] {
  return CODE_NAMES.filter(([, bit]) => (code & bit) !== 0).map(([name]) => name);
}

export class DartFaultError extends HvdbgError {
  constructor(
    readonly dart: string,
    readonly sid: number,
    readonly iova: bigint,
    /** The ERROR.CODE bits of this fault (§6.1), including WRITE for a write access. */
    readonly faultCode: number,
  ) {
    super('DART_FAULT', `${dart}: DMA fault on stream ${sid} at IOVA 0x${iova.toString(16)} (${dartFaultNames(faultCode).join('|')})`, {
      hint: 'Map the IOVA in the stream’s page tables (TTBR → L1 → L2, apple-devices §6.2) before the coprocessor uses it, and strip asc-dram-mask from DVAs (§5.4).',
    });
  }
}
