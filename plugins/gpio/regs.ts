// Layer: plugins/gpio. The AP GPIO register map as data (spec apple-devices §3.2, §3.3): a 32-bit
// configuration register per pin and the IRQ group words. Imports core/plugin/regmap.ts only.

import { arrayNd, array, irange, reg32, regmap, Register32 } from '../../core/plugin/regmap.ts';

/** The tracer hard-codes 212 pins (§3.1, §3.5). */
export const GPIO_PINS = 212;
/** IRQ groups 0..6, each with ceil(212/32) = 7 words (§3.3). */
export const GPIO_IRQ_GROUPS = 7;
export const GPIO_IRQ_WORDS = Math.ceil(GPIO_PINS / 32);

/**
 * §3.2 (HEAD decode). Declared from the top bit down, which is the print order of §3.5's
 * example line (DRIVE_STRENGTH1 first, DATA last).
 */
export const R_PIN = reg32(
  {
    DRIVE_STRENGTH1: [23, 22],
    LOCK: 21,
    GROUP: [18, 16],
    SCHMITT: 15,
    DRIVE_STRENGTH0: [11, 10],
    INPUT_ENABLE: 9,
    PULL: [8, 7],
    PERIPH: [6, 5],
    MODE: [3, 1],
    DATA: 0,
  },
  'R_PIN',
);

export const gpioRegs = regmap(
  {
    PIN: array(0x000, GPIO_PINS, 4, R_PIN),
    /** IRQ_GROUP[(g, w)] at 0x800 + 0x40·g + 4·w (§1.2, §3.3). */
    IRQ_GROUP: arrayNd([irange(0x800, GPIO_IRQ_GROUPS, 0x40), irange(0, GPIO_IRQ_WORDS, 4)], Register32),
  },
  'GPIORegs',
);

/** §3.2 MODE meanings (0 is not used by Linux; its meaning is unknown). */
export const MODE_MEANING: Readonly<Record<number, string>> = {
  0: 'unknown (reset)',
  1: 'output',
  2: 'input, IRQ on high level',
  3: 'input, IRQ on low level',
  4: 'input, IRQ on rising edge',
  5: 'input, IRQ on falling edge',
  6: 'input, IRQ on any edge',
  7: 'input, IRQ off',
};

export const PULL_MEANING: Readonly<Record<number, string>> = { 0: 'off', 1: 'pull-down', 2: 'strong pull-up', 3: 'pull-up' };

export const periphMeaning = (v: number): string => (v === 0 ? 'GPIO' : `function ${v}`);
