// Layer: sim/coproc/dcp. Types shared by the virtual DCP's RPC engine and its method
// behaviours (apple-devices.md §7.5, §7.14). Imports core/dcp types only.
//
// A method behaviour is a generator: each `yield` is one callback to the AP, and the yield
// expression evaluates to the AP's decoded output once the AP acknowledges it (§7.5 b). This
// keeps the nested call/callback flow synchronous and deterministic.

import type { DcpArgValues, DcpValue, DecodedInput, DecodedOutput } from '../../../core/dcp/marshal.ts';

export interface DcpCallbackRequest {
  readonly tag: string;
  readonly args?: DcpArgValues;
}

export interface DcpMethodResult {
  /** out and inout arguments. */
  readonly values?: DcpArgValues;
  readonly ret?: DcpValue;
}

export type DcpBehaviour = Generator<DcpCallbackRequest, DcpMethodResult | void, DecodedOutput>;

export interface DcpDisplayConfig {
  readonly width: number;
  readonly height: number;
  readonly refreshHz: number;
}

/** What behaviours may see and change of the firmware. */
export interface DcpFirmwareState {
  readonly display: DcpDisplayConfig;
  /** Ticks (24 MHz) from swap submission to its completion callback. */
  readonly swapCompleteDelayTicks: bigint;
  nextSwapId: number;
  swapsSubmitted: number;
  swapsCompleted: number;
  supportsPower: boolean | undefined;
  powerState: bigint;
  /** What the AP answered to callbacks that matter later (D003, D401, D408). */
  bandwidthConfig: Uint8Array | undefined;
  minimumFrequency: bigint | undefined;
  clockFrequency: bigint | undefined;
  /** Queue an ASYNC callback `delayTicks` from now (§7.5 c). */
  queueAsync(request: DcpCallbackRequest, delayTicks: bigint, onDone?: () => void): void;
}

/** A behaviour that makes no callbacks may return its result directly. */
export type DcpMethodBehaviour = (input: DecodedInput, fw: DcpFirmwareState) => DcpBehaviour | DcpMethodResult | void;

export function isBehaviourGenerator(x: DcpBehaviour | DcpMethodResult | void): x is DcpBehaviour {
  return typeof x === 'object' && x !== null && typeof (x as { next?: unknown }).next === 'function';
}
