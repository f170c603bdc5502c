// Layer: sim/devices. The AP GPIO pin controller (apple-devices §3), behaving as §3.4 models it.
// Imports sim/devices (contract, tables, input scripts), sim/memory (FAULT) and core/errors.
//
// Each pin has a configuration register (§3.2) and an external pad. The level the IRQ logic and
// DATA reads see is the *sampled* level: the pad level while INPUT_ENABLE is set, else 0. The pad
// is whatever `setInput` drives; an undriven pad follows the pin's PULL (pull-up → 1,
// otherwise 0); an output (MODE 1) drives its own DATA latch onto the pad.
// Pending bits follow §3.4: edge modes latch a matching transition of the sampled level, level
// modes latch while the level matches and re-latch after a write-1 acknowledge if it still
// does; modes 0, 1 and 7 never latch. IRQ_GROUP[g] shows the latched bits of the pins whose
// GROUP is g, and group g drives AIC line 190 + g while any is shown.
//
// Model choices (§10.2 leaves these open):
// - a pin reports only while PERIPH = 0 and MODE is 2–6: masking (MODE = 7, Linux's irq_mask)
//   hides a bit latched before the mask without clearing it; restoring the mode shows it again;
// - edges and levels seen while a pin does not report (MODE 7, 1, 0) are not latched (§3.4);
// - INPUT_ENABLE gates the sampled level (an input buffer that is off reads 0);
// - LOCK, SCHMITT, DRIVE_STRENGTH* are stored and read back but change no behaviour;
// - the pending bit belongs to the pin: changing GROUP moves it to the new group.
// Access rules: aligned 32-bit accesses only (others fault); offsets in the window that are no
// register (pins ≥ 212, gaps) are RAZ/WI.

import { HvdbgError } from '../../core/errors.ts';
import { FAULT, type Fault } from '../memory/physical-memory.ts';
import type { Device, DeviceContext, IrqLine } from './device.ts';
import {
  GPIO_BASE,
  GPIO_GROUP_COUNT,
  GPIO_GROUP_WORDS,
  GPIO_IRQ_GROUP_BASE,
  GPIO_PIN_COUNT,
  GPIO_REGS,
  GPIO_SIZE,
  PinMode,
  PinPull,
  pinField,
} from './gpio-registers.ts';
import { playInputScript, toggleEvery, type InputPins, type InputStep, type ScriptHandle, type ToggleOptions } from './gpio-script.ts';

export interface GpioOptions {
  name?: string;
  base?: bigint;
  size?: bigint;
  /** Group g's output line (7 of them, §3.3); the j274 wiring is AIC 190 + g. */
  groupLines?: readonly IrqLine[];
}

/** IRQ_GROUP[g][w] sits at 0x800 + 0x40·g + 4·w (§3.3); the table's index is w. */
function groupOf(offset: number): number {
  return (offset - GPIO_IRQ_GROUP_BASE) >>> 6;
}

export class Gpio implements Device, InputPins {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  readonly pinCount = GPIO_PIN_COUNT;

  private readonly cfg = new Uint32Array(GPIO_PIN_COUNT);
  /** −1 undriven, else the level `setInput` drives. */
  private readonly drive = new Int8Array(GPIO_PIN_COUNT).fill(-1);
  /** The sampled level the IRQ logic last saw. */
  private readonly sampled = new Uint8Array(GPIO_PIN_COUNT);
  /** Latched pending bit per pin (bit p & 31 of word p >> 5). */
  private readonly latched = new Uint32Array(GPIO_GROUP_WORDS);
  private readonly groupOut = new Array<boolean>(GPIO_GROUP_COUNT).fill(false);
  private readonly groupLines: readonly IrqLine[];

  constructor(
    private readonly ctx: DeviceContext,
    options: GpioOptions = {},
  ) {
    this.name = options.name ?? 'gpio';
    this.base = options.base ?? GPIO_BASE;
    this.size = options.size ?? GPIO_SIZE;
    this.groupLines = options.groupLines ?? [];
  }

  /** Reset: every register 0 (MODE 0, input buffer off), pads undriven, nothing pending. */
  reset(): void {
    this.cfg.fill(0);
    this.drive.fill(-1);
    this.sampled.fill(0);
    this.latched.fill(0);
    this.updateLines();
  }

  // --- external side ---

  setInput(pin: number, level: boolean | null): void {
    this.checkPin(pin);
    this.drive[pin] = level === null ? -1 : level ? 1 : 0;
    this.evaluate(pin);
    this.updateLines();
  }

  padLevel(pin: number): boolean {
    this.checkPin(pin);
    const c = this.cfg[pin]!;
    if (pinField(c, 'MODE') === PinMode.OUTPUT) return pinField(c, 'DATA') === 1;
    const d = this.drive[pin]!;
    if (d >= 0) return d === 1;
    const pull = pinField(c, 'PULL');
    return pull === PinPull.UP || pull === PinPull.STRONG_UP;
  }

  /** Applies each input step when the timebase reaches its tick. */
  playInputs(steps: readonly InputStep[]): ScriptHandle {
    for (const s of steps) this.checkPin(s.pin);
    return playInputScript(this.ctx, this, steps);
  }

  /** Inverts `pin`'s pad level every `periodTicks` (24 MHz) ticks. */
  toggleEvery(pin: number, periodTicks: bigint, options?: ToggleOptions): ScriptHandle {
    this.checkPin(pin);
    return toggleEvery(this.ctx, this, pin, periodTicks, options);
  }

  /** Group g's AIC line level (inspection). */
  groupLine(group: number): boolean {
    return this.groupOut[group] ?? false;
  }

  // --- MMIO ---

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = GPIO_REGS.lookup(offset);
    if (!reg) return 0;
    if (reg.name === 'PIN') {
      const p = reg.index;
      const c = this.cfg[p]!;
      // §3.4: DATA reads the external (sampled) level for inputs, the latch for outputs.
      if (pinField(c, 'MODE') === PinMode.OUTPUT) return c;
      return ((c & ~1) | this.sampleLevel(p)) >>> 0;
    }
    return this.shownWord(groupOf(offset), reg.index);
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = GPIO_REGS.lookup(offset);
    if (!reg) return;
    const v = value >>> 0;
    if (reg.name === 'PIN') {
      this.cfg[reg.index] = v;
      this.evaluate(reg.index);
    } else {
      this.acknowledge(groupOf(offset), reg.index, v);
    }
    this.updateLines();
  }

  // --- internals ---

  private checkPin(pin: number): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= GPIO_PIN_COUNT) {
      throw new HvdbgError('SIM_DEVICE_CONFIG', `GPIO ${this.name}: no pin ${pin} (0–${GPIO_PIN_COUNT - 1})`);
    }
  }

  private sampleLevel(p: number): number {
    return pinField(this.cfg[p]!, 'INPUT_ENABLE') === 1 && this.padLevel(p) ? 1 : 0;
  }

  private isLatched(p: number): boolean {
    return ((this.latched[p >>> 5]! >>> (p & 31)) & 1) === 1;
  }

  private setLatched(p: number, on: boolean): void {
    const bit = (1 << (p & 31)) >>> 0;
    const w = p >>> 5;
    this.latched[w] = on ? (this.latched[w]! | bit) >>> 0 : (this.latched[w]! & ~bit) >>> 0;
  }

  /** Samples pin p again and latches what its mode asks for (§3.4). */
  private evaluate(p: number): void {
    const level = this.sampleLevel(p);
    const prev = this.sampled[p]!;
    this.sampled[p] = level;
    const mode = pinField(this.cfg[p]!, 'MODE');
    switch (mode) {
      case PinMode.IRQ_HIGH:
        if (level === 1) this.setLatched(p, true);
        break;
      case PinMode.IRQ_LOW:
        if (level === 0) this.setLatched(p, true);
        break;
      case PinMode.IRQ_RISING:
        if (prev === 0 && level === 1) this.setLatched(p, true);
        break;
      case PinMode.IRQ_FALLING:
        if (prev === 1 && level === 0) this.setLatched(p, true);
        break;
      case PinMode.IRQ_ANY_EDGE:
        if (prev !== level) this.setLatched(p, true);
        break;
      default:
        break;
    }
  }

  /** Whether pin p reports to the IRQ groups at all (model choice, see the header). */
  private reports(p: number): boolean {
    const c = this.cfg[p]!;
    const mode = pinField(c, 'MODE');
    return pinField(c, 'PERIPH') === 0 && mode >= PinMode.IRQ_HIGH && mode <= PinMode.IRQ_ANY_EDGE;
  }

  /** IRQ_GROUP[g][w] as read (§3.3): latched, reporting pins of word w whose GROUP is g. */
  private shownWord(g: number, w: number): number {
    let word = 0;
    const first = w * 32;
    const last = Math.min(first + 32, GPIO_PIN_COUNT);
    for (let p = first; p < last; p++) {
      if (this.isLatched(p) && this.reports(p) && pinField(this.cfg[p]!, 'GROUP') === g) word |= 1 << (p - first);
    }
    return word >>> 0;
  }

  /** §3.3: writing 1 clears the pin's pending state; level modes re-latch if still matching. */
  private acknowledge(g: number, w: number, v: number): void {
    const first = w * 32;
    for (let b = 0; b < 32; b++) {
      const p = first + b;
      if (p >= GPIO_PIN_COUNT || ((v >>> b) & 1) === 0) continue;
      if (pinField(this.cfg[p]!, 'GROUP') !== g) continue;
      this.setLatched(p, false);
      const mode = pinField(this.cfg[p]!, 'MODE');
      if (mode === PinMode.IRQ_HIGH || mode === PinMode.IRQ_LOW) this.evaluate(p);
    }
  }

  /** §3.4: AIC line 190 + g = OR of group g's shown pending bits. */
  private updateLines(): void {
    for (let g = 0; g < GPIO_GROUP_COUNT; g++) {
      let any = false;
      for (let w = 0; w < GPIO_GROUP_WORDS && !any; w++) any = this.shownWord(g, w) !== 0;
      if (any !== this.groupOut[g]) {
        this.groupOut[g] = any;
        this.groupLines[g]?.(any);
      }
    }
  }
}
