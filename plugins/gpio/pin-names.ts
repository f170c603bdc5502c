// Layer: plugins/gpio. Pin names (spec apple-devices §3.4, §3.5 pn(p)): from the board's table
// (j274), from the ADT (a device whose `interrupt-parent` is this GPIO controller names its
// `interrupts[0]` pin `<node>:irq`, the pattern of the j274 table's wlan:irq, hpm:irq…), and from
// the plugin config, later sources overriding earlier ones. Imports core/formats/adt.

import { isCompatible, type AdtNode } from '../../core/formats/adt/index.ts';

/** §3.4 j274 pin names, as the GPIO trace script uses them. */
export const J274_PIN_NAMES: Readonly<Record<number, string>> = {
  192: 'i2c0:scl',
  188: 'i2c0:sda',
  201: 'i2c1:scl',
  199: 'i2c1:sda',
  163: 'i2c2:scl',
  162: 'i2c2:sda',
  106: 'hpm:irq',
  136: 'bluetooth:irq',
  196: 'wlan:irq',
  183: 'cs42l83:irq',
  182: 'tas5770:irq',
  152: 'pci@0,0',
  153: 'pci@1,0',
  33: 'pci@2,0',
};

/** Whether the tree describes a j274 (Mac mini M1): root compatible `J274AP` or target-type `J274` (§9.2). */
export function isJ274(adt: AdtNode): boolean {
  if (isCompatible(adt, 'J274AP')) return true;
  return adt.has('target-type') && adt.string('target-type').toUpperCase() === 'J274';
}

/** `<node>:irq` for every device routed to `gpio` by `interrupt-parent`. */
export function adtPinNames(adt: AdtNode, gpio: AdtNode): Map<number, string> {
  const out = new Map<number, string>();
  if (!gpio.has('AAPL,phandle')) return out;
  const phandle = gpio.u32('AAPL,phandle');
  for (const node of adt.walk()) {
    if (node === gpio || !node.has('interrupt-parent') || !node.has('interrupts')) continue;
    try {
      if (node.u32('interrupt-parent') !== phandle) continue;
      const pins = node.u32Array('interrupts');
      if (pins.length > 0) out.set(pins[0]!, `${node.name}:irq`);
    } catch {
      // A malformed property names nothing; the pin prints as Pin-<n>.
    }
  }
  return out;
}

/** The pin-name table for `gpio`: board table, then ADT, then `configured` (number or numeric-string keys). */
export function pinNames(adt: AdtNode, gpio: AdtNode, configured: unknown): Map<number, string> {
  const out = new Map<number, string>();
  if (isJ274(adt)) for (const [p, n] of Object.entries(J274_PIN_NAMES)) out.set(Number(p), n);
  for (const [p, n] of adtPinNames(adt, gpio)) out.set(p, n);
  if (typeof configured === 'object' && configured !== null) {
    for (const [p, n] of Object.entries(configured)) if (typeof n === 'string' && Number.isInteger(Number(p))) out.set(Number(p), n);
  }
  return out;
}

/** Python's repr of a list of strings: `['wlan:irq', 'Pin-3']` (§3.5 IRQ lines). */
export function pyStrList(items: readonly string[]): string {
  const repr = (s: string): string => {
    const q = s.includes("'") && !s.includes('"') ? '"' : "'";
    return q + s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
  };
  return `[${items.map(repr).join(', ')}]`;
}
