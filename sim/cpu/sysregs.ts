// Layer: sim/cpu. The system-register file of one core: storage and access rules. Imports this
// folder only.
//
// Access goes `resolve` (which register does this encoding name at this EL, or is it
// UNDEFINED, or does it trap to EL2) then `read`/`write`. Registers marked `special`, `timer`
// or `ipi` are not stored here: the core answers them through `SysregHooks`. A write to a
// register with an `effect` calls `hooks.written(def)` after storing, so TLB flushes, debug
// cache rebuilds and interrupt re-evaluation happen in one place (core.ts).

import { HvdbgError } from '../../core/errors.ts';
import { HACR, HCR, MDCR } from './constants.ts';
import { SYSREG_DEFS, type SysregDef } from './sysreg-table.ts';

export interface SysregHooks {
  /** Value of a special/timer/ipi register. */
  readComputed(def: SysregDef): bigint;
  /** Stores a special/timer/ipi register; the file does not keep it. */
  writeComputed(def: SysregDef, value: bigint): void;
  /** After a stored register with an `effect` was written. */
  written(def: SysregDef): void;
}

/** `resolve` outcomes that are not a register. */
export const SYSREG_UNDEFINED = -1;
export const SYSREG_TRAP_EL2 = -2;

const byKey = new Map<number, SysregDef>();
const byName = new Map<string, SysregDef>();
for (const def of SYSREG_DEFS) {
  if (byKey.has(def.key)) throw new Error(`sysreg table: ${def.name} reuses the encoding of ${byKey.get(def.key)!.name}`);
  byKey.set(def.key, def);
  byName.set(def.name, def);
}
const indexOf = new Map<SysregDef, number>(SYSREG_DEFS.map((d, i) => [d, i]));

export function sysregDef(name: string): SysregDef {
  const def = byName.get(name);
  if (!def) throw new HvdbgError('CPU_UNKNOWN_SYSREG', `no system register named ${name}`, { hint: 'See sim/cpu/sysreg-table.ts for the registers the model implements.' });
  return def;
}

export function sysregByKey(key: number): SysregDef | undefined {
  return byKey.get(key);
}

const MASK64 = (1n << 64n) - 1n;

export class SysregFile {
  private readonly values: bigint[] = SYSREG_DEFS.map((d) => d.reset);
  /** HCR_EL2 and MDCR_EL2 as numbers-friendly cached flags (read on every trap decision). */
  e2h = false;

  constructor(
    private readonly hooks: SysregHooks,
    resetOverrides: Readonly<Record<string, bigint>> = {},
  ) {
    for (const [name, v] of Object.entries(resetOverrides)) this.values[indexOf.get(sysregDef(name))!] = v;
  }

  /**
   * The register `key` names for an access from `el`: a def, SYSREG_UNDEFINED (EC 0x00 to the
   * EL the instruction runs at, or EL1 from EL0) or SYSREG_TRAP_EL2 (EC 0x18 to EL2).
   */
  resolve(key: number, el: number, write: boolean): SysregDef | number {
    let def = byKey.get(key);
    if (!def) return el === 1 && (key >> 14) === 3 && ((key >> 7) & 15) === 15 ? SYSREG_TRAP_EL2 : SYSREG_UNDEFINED;
    if (def.aliasOf) {
      if (el !== 2 || !this.e2h) return SYSREG_UNDEFINED;
      def = byName.get(def.aliasOf)!;
    } else {
      if (el < def.minEl) return SYSREG_UNDEFINED;
      if (el === 2 && this.e2h && def.e2h) def = byName.get(def.e2h)!;
    }
    if (write ? def.readOnly : def.writeOnly) return SYSREG_UNDEFINED;
    if (el === 1 && def.trap && this.trapsToEl2(def, write)) return SYSREG_TRAP_EL2;
    if (el === 1 && def.effect === 'ipi' && (this.get('HACR_EL2') & HACR.IPI) !== 0n) return SYSREG_TRAP_EL2;
    return def;
  }

  private trapsToEl2(def: SysregDef, write: boolean): boolean {
    switch (def.trap) {
      case 'tvm':
        return (this.get('HCR_EL2') & (write ? HCR.TVM : HCR.TRVM)) !== 0n;
      case 'tacr':
        return (this.get('HCR_EL2') & HCR.TACR) !== 0n;
      case 'tda':
        return (this.get('MDCR_EL2') & (MDCR.TDA | MDCR.TDE)) !== 0n;
      default:
        return false;
    }
  }

  read(def: SysregDef): bigint {
    if (def.special || def.effect === 'timer' || def.effect === 'ipi') return this.hooks.readComputed(def);
    return this.values[indexOf.get(def)!]!;
  }

  write(def: SysregDef, value: bigint): void {
    const v = value & MASK64;
    if (def.special || def.effect === 'timer' || def.effect === 'ipi') {
      this.hooks.writeComputed(def, v);
      return;
    }
    const i = indexOf.get(def)!;
    this.values[i] = def.writeMask === undefined ? v : (v & def.writeMask) | (def.reset & ~def.writeMask & MASK64);
    if (def.name === 'HCR_EL2') this.e2h = (this.values[i]! & HCR.E2H) !== 0n;
    if (def.effect) this.hooks.written(def);
  }

  /** Stored value by name, no access checks (the model's own use). */
  get(name: string): bigint {
    return this.values[indexOf.get(sysregDef(name))!]!;
  }

  /** Stores by name, no access checks and no effects (exception entry, reset). */
  set(name: string, value: bigint): void {
    const def = sysregDef(name);
    this.values[indexOf.get(def)!] = value & MASK64;
    if (def.name === 'HCR_EL2') this.e2h = (value & HCR.E2H) !== 0n;
  }

  /** Reads by name through the access path of `el` (for tests and the host side); throws if not accessible. */
  readAs(name: string, el = 2): bigint {
    const def = this.resolve(sysregDef(name).key, el, false);
    if (typeof def === 'number') throw new HvdbgError('CPU_SYSREG_ACCESS', `${name} is not readable at EL${el}`);
    return this.read(def);
  }

  writeAs(name: string, value: bigint, el = 2): void {
    const def = this.resolve(sysregDef(name).key, el, true);
    if (typeof def === 'number') throw new HvdbgError('CPU_SYSREG_ACCESS', `${name} is not writable at EL${el}`);
    this.write(def, value);
  }
}
