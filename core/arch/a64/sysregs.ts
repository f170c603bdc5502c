// Layer: core/arch/a64. System registers: encodings, names and the generic spelling, shared by the
// disassembler (MRS/MSR operands), the encoder (MRS/MSR by name) and, later, the CPU model and the
// host's trap decoding. Imports this folder and core/errors.ts only.
//
// An encoding is the (op0, op1, CRn, CRm, op2) tuple of the Arm ARM; packed, it is the 16-bit field
// at bits 20:5 of an MRS/MSR word (op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2), which is
// also how the MSR/MRS trap syndrome is compared after reordering (spec Appendix B).
//
// Names: the architectural ones exactly as LLVM 16 prints them (sysregs-arch.ts), then Apple's
// (sysregs-apple.ts), which LLVM prints generically; anything else is `S<op0>_<op1>_C<n>_C<m>_<op2>`.

import { HvdbgError } from '../../errors.ts';
import { ARCH_SYSREGS } from './sysregs-arch.ts';
import { APPLE_SYSREGS } from './sysregs-apple.ts';

export interface SysRegEncoding {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
}

export interface SysReg extends SysRegEncoding {
  /** As printed: LLVM's spelling for architectural registers, the specs' for Apple's. */
  readonly name: string;
  /** Which of MRS ('r') and MSR ('w') print this name. */
  readonly access: 'rw' | 'r' | 'w';
  readonly vendor: 'arm' | 'apple';
}

const FIELD_LIMITS: ReadonlyArray<readonly [keyof SysRegEncoding, number]> = [
  ['op0', 3],
  ['op1', 7],
  ['crn', 15],
  ['crm', 15],
  ['op2', 7],
];

/** The 16-bit key of an encoding (bits 20:5 of an MRS/MSR word). Throws A64_SYSREG_RANGE on a field out of range. */
export function packSysReg(e: SysRegEncoding): number {
  for (const [field, max] of FIELD_LIMITS) {
    const v = e[field];
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new HvdbgError('A64_SYSREG_RANGE', `system register ${field} = ${v} is out of range 0..${max}`, {
        hint: 'op0 and op1/op2 are 0..3 and 0..7, CRn and CRm 0..15 (Arm ARM "System register encoding")',
      });
    }
  }
  return (e.op0 << 14) | (e.op1 << 11) | (e.crn << 7) | (e.crm << 3) | e.op2;
}

export function unpackSysReg(key: number): SysRegEncoding {
  return { op0: (key >>> 14) & 3, op1: (key >>> 11) & 7, crn: (key >>> 7) & 15, crm: (key >>> 3) & 15, op2: key & 7 };
}

/** LLVM's generic spelling, e.g. `S3_6_C15_C1_0`. */
export function genericSysRegName(e: SysRegEncoding): string {
  return `S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}`;
}

function build(): { all: SysReg[]; readNames: Map<number, string>; writeNames: Map<number, string>; byName: Map<string, SysReg> } {
  const all: SysReg[] = [];
  for (const [name, op0, op1, crn, crm, op2, access] of ARCH_SYSREGS) {
    all.push({ name, op0, op1, crn, crm, op2, access: access ?? 'rw', vendor: 'arm' });
  }
  for (const row of APPLE_SYSREGS) all.push({ ...row, access: 'rw', vendor: 'apple' });
  const readNames = new Map<number, string>();
  const writeNames = new Map<number, string>();
  const byName = new Map<string, SysReg>();
  for (const reg of all) {
    const key = packSysReg(reg);
    // LLVM's name wins over an Apple one at the same encoding (none collide today: Apple's are all CRn 15).
    if (reg.access !== 'w' && !readNames.has(key)) readNames.set(key, reg.name);
    if (reg.access !== 'r' && !writeNames.has(key)) writeNames.set(key, reg.name);
    const upper = reg.name.toUpperCase();
    if (byName.has(upper)) throw new Error(`system register name ${reg.name} listed twice`);
    byName.set(upper, reg);
  }
  return { all, readNames, writeNames, byName };
}

const TABLES = build();

/** Every named system register: architectural (LLVM's set) then Apple's. */
export const SYSREGS: readonly SysReg[] = TABLES.all;

/**
 * The operand text of MRS (`read`) or MSR for a packed encoding, as the disassembler prints it:
 * the register's name, or the generic `S…` spelling.
 */
export function sysRegOperand(key: number, read: boolean): string {
  return (read ? TABLES.readNames : TABLES.writeNames).get(key & 0xffff) ?? genericSysRegName(unpackSysReg(key));
}

const GENERIC = /^S([0-3])_([0-7])_C(\d{1,2})_C(\d{1,2})_([0-7])$/i;

/**
 * A system register by name (case-insensitive: `hcr_el2`, `HCR_EL2`, `cyc_ovrd_el1`) or by the
 * generic spelling (`S3_4_C1_C1_0`); undefined if neither.
 */
export function lookupSysReg(name: string): SysRegEncoding | undefined {
  const text = name.trim();
  const reg = TABLES.byName.get(text.toUpperCase());
  if (reg) return { op0: reg.op0, op1: reg.op1, crn: reg.crn, crm: reg.crm, op2: reg.op2 };
  const m = GENERIC.exec(text);
  if (!m) return undefined;
  const e = { op0: Number(m[1]), op1: Number(m[2]), crn: Number(m[3]), crm: Number(m[4]), op2: Number(m[5]) };
  return e.crn <= 15 && e.crm <= 15 ? e : undefined;
}

/** The named register record (name, access, vendor), if the name is one of the table's. */
export function sysRegInfo(name: string): SysReg | undefined {
  return TABLES.byName.get(name.trim().toUpperCase());
}
