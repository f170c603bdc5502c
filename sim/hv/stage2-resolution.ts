// Layer: sim/hv, the virtual M1's hypervisor model. Imports this folder's descriptors only.
//
// What one IPA's stage-2 descriptor means (spec §10.2–§10.3): the shape `Stage2Map.resolve()`
// returns for the CPU model's stage-2 hook and the data-abort handler.

import { PTE_VALID, SpteType, TARGET_MASK_L4, spteType } from './descriptors.ts';

export type Stage2Kind = 'unmapped' | 'hw' | 'map' | 'hook' | 'proxy-hook' | 'invalid';

/** What governs one IPA, for the CPU model's stage-2 hook and the abort handler. */
export interface Stage2Resolution {
  readonly kind: Stage2Kind;
  /** The level of the governing entry: 1..4 (0 for an IPA beyond the IPA width). */
  readonly level: number;
  /** P_HV_PT_WALK's value for this IPA. */
  readonly descriptor: bigint;
  /** 'hw': output PA; 'map': target PA (descriptor bits 49:2 | IPA bits 1:0). */
  readonly pa?: bigint;
  /** 'hw': S2AP read / write permission, access flag. */
  readonly readable?: boolean;
  readonly writable?: boolean;
  readonly accessFlag?: boolean;
  /** 'hook': firmware handler address; 'proxy-hook': the host's hook id (bits 49:2). */
  readonly handler?: bigint;
  readonly hookId?: bigint;
  /** 'proxy-hook': which directions are sent to the host (the other is done at the IPA). */
  readonly hookRead?: boolean;
  readonly hookWrite?: boolean;
  readonly traceRead?: boolean;
  readonly traceWrite?: boolean;
  readonly traceUnbuf?: boolean;
}

/** The CPU model's answer shape (sim/cpu/core.ts Stage2Result). */
export type Stage2Answer = { pa: number } | { fault: { fsc: number } } | { emulate: true };

/** Architectural fault status codes (Arm ARM, ESR ISS DFSC): level added to the base. */
export const Fsc = { TRANSLATION: 0x04, ACCESS_FLAG: 0x08, PERMISSION: 0x0c, ADDRESS_SIZE: 0x00 } as const;

/** The resolution of `ipa` from its walk value and (for hardware leaves) the raw entry with its attributes. */
export function describe(value: bigint, raw: bigint, level: number, ipa: bigint): Stage2Resolution {
  if (value === 0n) return { kind: 'unmapped', level, descriptor: 0n };
  if (value & PTE_VALID) {
    const attrs = raw;
    return {
      kind: 'hw',
      level,
      descriptor: value,
      pa: (value & TARGET_MASK_L4) | (ipa & 3n),
      readable: (attrs & (1n << 6n)) !== 0n,
      writable: (attrs & (1n << 7n)) !== 0n,
      accessFlag: (attrs & (1n << 10n)) !== 0n,
    };
  }
  const trace = { traceRead: (value >> 63n) === 1n, traceWrite: ((value >> 62n) & 1n) === 1n, traceUnbuf: ((value >> 61n) & 1n) === 1n };
  const target = value & TARGET_MASK_L4;
  switch (spteType(value)) {
    case SpteType.MAP:
      return { kind: 'map', level, descriptor: value, pa: target | (ipa & 3n), ...trace };
    case SpteType.HOOK:
      return { kind: 'hook', level, descriptor: value, handler: target, ...trace };
    case SpteType.PROXY_HOOK_R:
    case SpteType.PROXY_HOOK_W:
    case SpteType.PROXY_HOOK_RW: {
      const t = spteType(value);
      return {
        kind: 'proxy-hook',
        level,
        descriptor: value,
        hookId: target >> 2n,
        hookRead: t !== SpteType.PROXY_HOOK_W,
        hookWrite: t !== SpteType.PROXY_HOOK_R,
        ...trace,
      };
    }
    default:
      return { kind: 'invalid', level, descriptor: value, ...trace };
  }
}

