// Layer: core/formats. The CPU feature structure of P_GET_CPU_FEATURES (spec m1n1-protocol §8.3):
// 20 bytes, two u32 enums then one flag byte per feature. Imports core/errors only.

import { HvdbgError } from '../errors.ts';

export const CPU_FEATURES_SIZE = 20;

/** 0 none, 1 legacy, 2 global. */
export type SleepMode = number;
/** 0 none, 1 V1, 2 V2. */
export type UncoreVersion = number;

export interface CpuFeatures {
  sleepMode: SleepMode;
  uncoreVersion: UncoreVersion;
  disableDcMva: boolean;
  accCfg: boolean;
  appleSysregsUnlocked: boolean;
  workaroundCycloneCache: boolean;
  nexPowergating: boolean;
  fastIpi: boolean;
  mmuSprr: boolean;
  siqCfg: boolean;
  amx: boolean;
  actlrEl2: boolean;
  counterRedirect: boolean;
}

/** Byte offsets of the flag fields, in structure order (§8.3); 0x13 is padding. */
const FLAG_OFFSETS = {
  disableDcMva: 0x08,
  accCfg: 0x09,
  appleSysregsUnlocked: 0x0a,
  workaroundCycloneCache: 0x0b,
  nexPowergating: 0x0c,
  fastIpi: 0x0d,
  mmuSprr: 0x0e,
  siqCfg: 0x0f,
  amx: 0x10,
  actlrEl2: 0x11,
  counterRedirect: 0x12,
} as const satisfies Record<Exclude<keyof CpuFeatures, 'sleepMode' | 'uncoreVersion'>, number>;

/** The M1 (T8103) values of §8.3's table. */
export const M1_CPU_FEATURES: Readonly<CpuFeatures> = Object.freeze({
  sleepMode: 2,
  uncoreVersion: 2,
  disableDcMva: true,
  accCfg: true,
  appleSysregsUnlocked: true,
  workaroundCycloneCache: false,
  nexPowergating: true,
  fastIpi: true,
  mmuSprr: true,
  siqCfg: true,
  amx: true,
  actlrEl2: false,
  counterRedirect: false,
});

/** Parses the 20 bytes; a flag byte counts as set when non-zero. Throws CPU_FEATURES_TRUNCATED. */
export function parseCpuFeatures(bytes: Uint8Array): CpuFeatures {
  if (bytes.length < CPU_FEATURES_SIZE) {
    throw new HvdbgError('CPU_FEATURES_TRUNCATED', `CPU features: ${bytes.length} byte(s), the structure is ${CPU_FEATURES_SIZE}`, {
      hint: 'read 20 bytes at the pointer P_GET_CPU_FEATURES returns (§8.3)',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = { sleepMode: view.getUint32(0, true), uncoreVersion: view.getUint32(4, true) } as CpuFeatures;
  for (const [key, off] of Object.entries(FLAG_OFFSETS) as [keyof typeof FLAG_OFFSETS, number][]) out[key] = bytes[off] !== 0;
  return out;
}

export function serializeCpuFeatures(features: CpuFeatures): Uint8Array {
  const out = new Uint8Array(CPU_FEATURES_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, features.sleepMode >>> 0, true);
  view.setUint32(4, features.uncoreVersion >>> 0, true);
  for (const [key, off] of Object.entries(FLAG_OFFSETS) as [keyof typeof FLAG_OFFSETS, number][]) out[off] = features[key] ? 1 : 0;
  return out;
}
