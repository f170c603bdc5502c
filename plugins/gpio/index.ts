// Layer: plugins/gpio. The AP GPIO tracer (spec apple-devices §3.5): every pin configuration
// access decoded field by field, pins named from the board table / ADT / config, IRQ group
// pending ("ACT", reads) and acknowledge ("ACK", writes), and the controller's parent AIC IRQs
// traced as `IRQ: gpio: 19x` (§1.7). Lines follow §3.5 after the `[gpio] ` prefix; structured
// fields add the meanings of MODE, PULL and PERIPH. Imports core/plugin and core/formats/adt.
//
// Verbosity (§1.3, §3.5): 0 named pins only (the default); 1 also unknown registers; 2 every pin
// and every IRQ bit; 3 also the generic MMIO line of every access.

import { findByPhandle, findCompatible, type AdtNode } from '../../core/formats/adt/index.ts';
import { definePlugin, type MmioContext } from '../../core/plugin/api.ts';
import { renderRegValue } from '../../core/plugin/regmap-format.ts';
import type { RegValue } from '../../core/plugin/regmap.ts';
import { pinNames, pyStrList } from './pin-names.ts';
import { gpioRegs, MODE_MEANING, periphMeaning, PULL_MEANING, R_PIN } from './regs.ts';

export interface GpioState {
  /** pin → name (rebuilt by setup on every load, so an edited table shows after a reload). */
  names: Record<number, string>;
  /** Pin register accesses seen (reads and writes). */
  pinAccesses: number;
  /** Last configuration value seen per pin (from reads and writes alike). */
  pins: Record<number, number>;
  /** IRQ bits reported active / acknowledged. */
  irqActive: number;
  irqAcked: number;
}

type PinFields = typeof R_PIN extends { __fields?: infer F } ? Exclude<F, undefined> : never;

const pn = (s: GpioState, pin: number): string => s.names[pin] ?? `Pin-${pin}`;

/** Pins `start + bit` for every set bit of a 32-bit word (m1n1's bits32). */
function setBits(word: number, start: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(start + b);
  return out;
}

function pinAccess(dir: 'R' | 'W', v: RegValue<PinFields>, ctx: MmioContext<GpioState>): void {
  const s = ctx.state;
  const pin = ctx.index;
  s.pinAccesses++;
  s.pins[pin] = v.value;
  const named = s.names[pin] !== undefined;
  if (!named && ctx.verbosity < 2) return;
  const f = v.fields;
  ctx.log(`${pn(s, pin).padEnd(14)} ${dir} ${renderRegValue(v)} `, {
    kind: 'pin-config',
    fields: {
      pin,
      name: s.names[pin],
      access: dir,
      raw: v.raw,
      ...f,
      mode: MODE_MEANING[f.MODE],
      pull: PULL_MEANING[f.PULL],
      periph: periphMeaning(f.PERIPH),
      inputEnable: f.INPUT_ENABLE === 1,
      data: f.DATA,
    },
  });
}

function irqGroup(what: 'ACT' | 'ACK', v: RegValue, ctx: MmioContext<GpioState>): void {
  const [group, word] = ctx.indices as [number, number];
  if (v.raw === 0n) return;
  const s = ctx.state;
  const pins = setBits(v.value, word * 32).filter((p) => ctx.verbosity >= 2 || s.names[p] !== undefined);
  if (what === 'ACT') s.irqActive += pins.length;
  else s.irqAcked += pins.length;
  if (pins.length === 0) return;
  const names = pins.map((p) => pn(s, p));
  ctx.log(`IRQ[${group}] ${what} ${pyStrList(names)}`, {
    kind: what === 'ACT' ? 'irq-active' : 'irq-ack',
    fields: { group, word, pins, names, raw: v.raw },
  });
}

/** The AIC this node's interrupts go to, when `interrupt-parent` is the AIC's phandle (§3.5). */
function parentIsAic(adt: AdtNode, node: AdtNode): boolean {
  if (!node.has('interrupt-parent')) return false;
  const parent = findByPhandle(adt, node.u32('interrupt-parent'));
  return parent !== undefined && findCompatible(adt, 'aic,', { prefix: true }).includes(parent);
}

export default definePlugin({
  name: 'gpio',
  description: 'AP GPIO pin configuration and IRQ groups (apple-devices §3.5)',
  attach: [{ path: '/arm-io/gpio' }, { path: '/arm-io/gpio0' }],
  regmap: gpioRegs,
  mode: 'unbuffered',
  verbosity: 0,
  state: (): GpioState => ({ names: {}, pinAccesses: 0, pins: {}, irqActive: 0, irqAcked: 0 }),
  setup(ctx) {
    const names = pinNames(ctx.adt, ctx.device.node, ctx.config.pinNames);
    ctx.state.names = Object.fromEntries(names);
    const node = ctx.device.node;
    if (ctx.config.traceIrqs === false || !node.has('interrupts') || !parentIsAic(ctx.adt, node)) return;
    for (const irq of node.u32Array('interrupts')) ctx.traceIrq(ctx.device.name, irq, 1);
  },
  handlers: {
    PIN: {
      read: (v, ctx) => pinAccess('R', v, ctx),
      write: (v, ctx) => pinAccess('W', v, ctx),
    },
    IRQ_GROUP: {
      read: (v, ctx) => irqGroup('ACT', v, ctx),
      write: (v, ctx) => irqGroup('ACK', v, ctx),
    },
  },
  onIrq(ev, ctx) {
    // §1.7: one line per delivery of a parent IRQ, named by the node.
    if (ev.type !== 1) return;
    ctx.log(`IRQ: ${ctx.device.name}: ${ev.num}`, { kind: 'irq', fields: { irq: ev.num, device: ctx.device.name } });
  },
});
