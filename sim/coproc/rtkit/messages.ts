// Layer: sim/coproc (RTKit). RTKit message encodings as data and small pure helpers
// (apple-devices §5.1–§5.9). Imports nothing.

/** §5.1 endpoint numbers. */
export const EP = {
  MGMT: 0x00,
  CRASHLOG: 0x01,
  SYSLOG: 0x02,
  DEBUG: 0x03,
  IOREPORT: 0x04,
  OSLOG: 0x08,
  TRACEKIT: 0x0a,
  APP_FIRST: 0x20,
} as const;

export const SYSTEM_EP_NAMES: Readonly<Record<number, string>> = {
  0x00: 'management',
  0x01: 'crashlog',
  0x02: 'syslog',
  0x03: 'debug',
  0x04: 'ioreporting',
  0x08: 'oslog',
  0x0a: 'tracekit',
};

/** §5.2 management TYPE = msg0[59:52]. */
export const MGMT = {
  HELLO: 1,
  HELLO_ACK: 2,
  PING: 3,
  PONG: 4,
  START_EP: 5,
  SET_IOP_POWER: 6,
  IOP_POWER_ACK: 7,
  EPMAP: 8,
  SET_AP_POWER: 0xb,
} as const;

/** §5.2 power states. */
export const POWER = { OFF: 0x000, SLEEP: 0x001, QUIESCED: 0x010, ON: 0x020, INIT: 0x220 } as const;

/** §5.2: START_EP FLAG [1:0]; bit 1 starts (m1n1 C), FLAG = 1 stops (Python client). */
export const START_EP_FLAG = { STOP: 1, START: 2 } as const;

/** §5.5 syslog TYPE values, §5.6 crashlog, §5.7 ioreporting. */
export const SYSLOG = { BUFFER: 1, LOG: 5, INIT: 8 } as const;
export const CRASHLOG = { BUFFER: 1, TRIGGER_SOFT: 0x40n, TRIGGER_HARD: 0x22n } as const;
export const IOREPORT = { BUFFER: 1, REPORT: 8, START: 0xc } as const;
/** §5.8 oslog TYPE = msg0[63:56]. */
export const OSLOG = { BUFFER: 1, ACK: 3 } as const;

const M8 = 0xffn;
const M16 = 0xffffn;
const M32 = 0xffff_ffffn;

/** Bits [msb:lsb] of a 64-bit message word. */
export function field(msg: bigint, msb: number, lsb: number): bigint {
  return (msg >> BigInt(lsb)) & ((1n << BigInt(msb - lsb + 1)) - 1n);
}

/** TYPE [59:52] (management, syslog, crashlog, ioreporting buffer messages). */
export function msgType(msg0: bigint): number {
  return Number(field(msg0, 59, 52));
}

export function typeWord(type: number): bigint {
  return (BigInt(type) & M8) << 52n;
}

export const mgmt = {
  hello: (min: number, max: number): bigint => typeWord(MGMT.HELLO) | ((BigInt(max) & M16) << 16n) | (BigInt(min) & M16),
  pong: (payload: bigint): bigint => typeWord(MGMT.PONG) | (payload & ((1n << 52n) - 1n)),
  iopPowerAck: (state: number): bigint => typeWord(MGMT.IOP_POWER_ACK) | (BigInt(state) & M16),
  apPowerAck: (state: number): bigint => typeWord(MGMT.SET_AP_POWER) | (BigInt(state) & M16),
  epmap: (base: number, bitmap: number, last: boolean): bigint =>
    typeWord(MGMT.EPMAP) | (last ? 1n << 51n : 0n) | ((BigInt(base) & 7n) << 32n) | (BigInt(bitmap >>> 0) & M32),
};

/** §5.4 buffer request/reply: TYPE 1, SIZE [51:44] in 4 KiB pages, DVA [43:0]. */
export function bufferMessage(pages: number, dva: bigint): bigint {
  return typeWord(1) | ((BigInt(pages) & M8) << 44n) | (dva & ((1n << 44n) - 1n));
}

export function decodeBuffer(msg0: bigint): { pages: number; dva: bigint } {
  return { pages: Number(field(msg0, 51, 44)), dva: field(msg0, 43, 0) };
}

/** §5.8 oslog buffer request/reply: TYPE [63:56] = 1, SIZE [55:48], DVA [47:0] in 4 KiB units. */
export function oslogBufferMessage(pages: number, dva: bigint): bigint {
  return (BigInt(OSLOG.BUFFER) << 56n) | ((BigInt(pages) & M8) << 48n) | ((dva >> 12n) & ((1n << 48n) - 1n));
}

export function decodeOslog(msg0: bigint): { type: number; pages: number; dva: bigint } {
  return { type: Number(field(msg0, 63, 56)), pages: Number(field(msg0, 55, 48)), dva: field(msg0, 47, 0) << 12n };
}

/** §5.5 syslog INIT: COUNT [15:0], ENTRYSIZE [39:24]. */
export function syslogInit(count: number, entrySize: number): bigint {
  return typeWord(SYSLOG.INIT) | ((BigInt(entrySize) & M16) << 24n) | (BigInt(count) & M16);
}

/** §5.5 syslog LOG: INDEX [7:0]. */
export function syslogLog(index: number): bigint {
  return typeWord(SYSLOG.LOG) | (BigInt(index) & M8);
}

/** Used by the crash handler's mailbox log (endpoint in msg1 [7:0]). */
export function epOf(msg1: bigint): number {
  return Number(msg1 & M8);
}
