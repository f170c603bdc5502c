// Layer: sim/devices. Scripted external inputs for the GPIO model: levels that change over time
// on the 24 MHz timebase, so a guest can take GPIO interrupts without a host driving pins by
// hand. Imports the device contract only.

import { HvdbgError } from '../../core/errors.ts';
import type { DeviceContext } from './device.ts';

/** What a script drives: anything with GPIO-style input pins. */
export interface InputPins {
  /** `null` leaves the pad undriven (its pull decides the level). */
  setInput(pin: number, level: boolean | null): void;
  /** The level at the pad now. */
  padLevel(pin: number): boolean;
}

export interface InputStep {
  readonly atTick: bigint;
  readonly pin: number;
  readonly level: boolean | null;
}

export interface ScriptHandle {
  cancel(): void;
}

/** Applies each step when the timebase reaches its tick (steps need not be sorted). */
export function playInputScript(ctx: DeviceContext, pins: InputPins, steps: readonly InputStep[]): ScriptHandle {
  const timers = steps.map((s) => ctx.schedule(s.atTick, () => pins.setInput(s.pin, s.level)));
  return { cancel: () => timers.forEach((t) => t.cancel()) };
}

export interface ToggleOptions {
  /** First toggle at this tick; default now + period. */
  firstTick?: bigint;
  /** Stop after this many toggles; default: forever (until cancelled). */
  count?: number;
}

/** Inverts `pin`'s pad level every `periodTicks` ticks. */
export function toggleEvery(ctx: DeviceContext, pins: InputPins, pin: number, periodTicks: bigint, options: ToggleOptions = {}): ScriptHandle {
  if (periodTicks <= 0n) throw new HvdbgError('SIM_DEVICE_CONFIG', `GPIO toggle period must be positive, got ${periodTicks}`);
  let left = options.count ?? Infinity;
  let timer: { cancel(): void } | undefined;
  let cancelled = false;
  const arm = (at: bigint): void => {
    if (left <= 0 || cancelled) return;
    timer = ctx.schedule(at, () => {
      left--;
      pins.setInput(pin, !pins.padLevel(pin));
      arm(at + periodTicks);
    });
  };
  arm(options.firstTick ?? ctx.now() + periodTicks);
  return {
    cancel: () => {
      cancelled = true;
      timer?.cancel();
    },
  };
}
