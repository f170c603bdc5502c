// Layer: sim/devices. The AP GPIO register map and pin-register fields as data (apple-devices
// §3.1–§3.3). Imports the register-table helper only.

import { RegisterTable, bits } from './register-table.ts';

/** j274 `/arm-io/gpio` reg[0] (§3.1, §9.4). */
export const GPIO_BASE = 0x23c100000n;
export const GPIO_SIZE = 0x100000n;
export const GPIO_PIN_COUNT = 212;
export const GPIO_GROUP_COUNT = 7;
/** ceil(212 / 32) words per IRQ group (§3.3). */
export const GPIO_GROUP_WORDS = 7;
/** AIC IRQ of group g is 190 + g on the AP GPIO (§3.3, §9.4). */
export const GPIO_FIRST_AIC_IRQ = 190;

export const GPIO_IRQ_GROUP_BASE = 0x800;

export type GpioRegName = 'PIN' | 'IRQ_GROUP';

/** PIN[p] at 4·p; IRQ_GROUP[g][w] at 0x800 + 0x40·g + 4·w (one entry per group; index = w). */
export const GPIO_REGS = new RegisterTable<GpioRegName>([
  { name: 'PIN', offset: 0x000, count: GPIO_PIN_COUNT, access: 'RW' },
  ...Array.from({ length: GPIO_GROUP_COUNT }, (_, g) => ({
    name: 'IRQ_GROUP' as const,
    offset: GPIO_IRQ_GROUP_BASE + 0x40 * g,
    count: GPIO_GROUP_WORDS,
    access: 'RW' as const,
  })),
]);

/** Pin register fields [msb, lsb] (§3.2, the HEAD decode). */
export const PIN_FIELDS = {
  DATA: [0, 0],
  MODE: [3, 1],
  PERIPH: [6, 5],
  PULL: [8, 7],
  INPUT_ENABLE: [9, 9],
  DRIVE_STRENGTH0: [11, 10],
  SCHMITT: [15, 15],
  GROUP: [18, 16],
  LOCK: [21, 21],
  DRIVE_STRENGTH1: [23, 22],
} as const satisfies Record<string, readonly [number, number]>;

export type PinField = keyof typeof PIN_FIELDS;

export function pinField(value: number, f: PinField): number {
  const [msb, lsb] = PIN_FIELDS[f];
  return bits(value, msb, lsb);
}

/** MODE values (§3.2). */
export const PinMode = {
  UNUSED: 0,
  OUTPUT: 1,
  IRQ_HIGH: 2,
  IRQ_LOW: 3,
  IRQ_RISING: 4,
  IRQ_FALLING: 5,
  IRQ_ANY_EDGE: 6,
  IRQ_OFF: 7,
} as const;

/** PULL values (§3.2): 0 off, 1 pull-down, 2 strong pull-up, 3 pull-up. */
export const PinPull = { OFF: 0, DOWN: 1, STRONG_UP: 2, UP: 3 } as const;
