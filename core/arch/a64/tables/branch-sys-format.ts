// Layer: core/arch/a64/tables. Operand spellings and name tables of the branch-sys group (hints,
// barrier options, PSTATE fields, SYS aliases, system registers), shared by its table and the
// encoder. Imports this folder's parent only.
//
// Every spelling here is what `llvm-objdump-16 -d --mcpu=apple-m1` prints; where the M1 lacks a
// feature (BTI, SPE's PSB, MTE's TCO, nXS barriers), LLVM prints the generic form and so do we.

import { hexImm, insn, ops, x } from '../operand-format.ts';
import { SYS_OPS, type SysOpRow } from '../sys-ops.ts';
import { sysRegOperand } from '../sysregs.ts';

/** HINT #imm (imm = CRm:op2) that LLVM prints by name on the M1; every other imm is `hint #0x..`. */
export const HINTS: ReadonlyArray<readonly [id: string, imm: number, text: string]> = [
  ['NOP', 0, 'nop'],
  ['YIELD', 1, 'yield'],
  ['WFE', 2, 'wfe'],
  ['WFI', 3, 'wfi'],
  ['SEV', 4, 'sev'],
  ['SEVL', 5, 'sevl'],
  ['DGH', 6, 'dgh'],
  ['XPACLRI', 7, 'xpaclri'],
  ['PACIA1716', 8, 'pacia1716'],
  ['PACIB1716', 10, 'pacib1716'],
  ['AUTIA1716', 12, 'autia1716'],
  ['AUTIB1716', 14, 'autib1716'],
  ['ESB', 16, 'esb'],
  ['TSB', 18, 'tsb\tcsync'],
  ['CSDB', 20, 'csdb'],
  ['PACIAZ', 24, 'paciaz'],
  ['PACIASP', 25, 'paciasp'],
  ['PACIBZ', 26, 'pacibz'],
  ['PACIBSP', 27, 'pacibsp'],
  ['AUTIAZ', 28, 'autiaz'],
  ['AUTIASP', 29, 'autiasp'],
  ['AUTIBZ', 30, 'autibz'],
  ['AUTIBSP', 31, 'autibsp'],
];

/** DSB/DMB option names by CRm; the unnamed ones print as a decimal `#n`. */
export const BARRIER_OPTIONS: readonly (string | undefined)[] = [
  undefined, 'oshld', 'oshst', 'osh', undefined, 'nshld', 'nshst', 'nsh',
  undefined, 'ishld', 'ishst', 'ish', undefined, 'ld', 'st', 'sy',
];

export const barrierOption = (crm: number): string => BARRIER_OPTIONS[crm] ?? `#${crm}`;

/** MSR (immediate) PSTATE fields by op1:op2 (PM also needs CRm = 001x; see pstateField). */
export const PSTATE_FIELDS: ReadonlyArray<readonly [name: string, op1: number, op2: number]> = [
  ['UAO', 0, 3],
  ['PAN', 0, 4],
  ['SPSel', 0, 5],
  ['PM', 1, 0],
  ['SSBS', 3, 1],
  ['DIT', 3, 2],
  ['DAIFSet', 3, 6],
  ['DAIFClr', 3, 7],
];

/** The PSTATE field an MSR (immediate) word writes, or undefined if LLVM has none there. */
export function pstateField(op1: number, op2: number, crm: number): string | undefined {
  const hit = PSTATE_FIELDS.find(([, a, b]) => a === op1 && b === op2);
  if (!hit) return undefined;
  if (hit[0] === 'PM' && (crm & 0b1110) !== 0b0010) return undefined;
  return hit[0];
}

/** Packs (op1, CRn, CRm, op2) the way a SYS word holds them (bits 18:5, with op0 = 1 dropped). */
export const sysOpKey = (op1: number, crn: number, crm: number, op2: number) => (op1 << 11) | (crn << 7) | (crm << 3) | op2;

const SYS_BY_KEY = new Map<number, SysOpRow>(SYS_OPS.map((row) => [sysOpKey(row[2], row[3], row[4], row[5]), row]));

export function sysOpAt(op1: number, crn: number, crm: number, op2: number): SysOpRow | undefined {
  return SYS_BY_KEY.get(sysOpKey(op1, crn, crm, op2));
}

/** SYS: its IC/DC/AT/TLBI/… alias, or `sys #op1, Cn, Cm, #op2{, Xt}` (Rt = 31 left out, as LLVM does). */
export function sysText(op1: number, crn: number, crm: number, op2: number, rt: number): string {
  const alias = sysOpAt(op1, crn, crm, op2);
  if (alias) return insn(alias[0], ops(alias[1], alias[6] && x(rt)));
  return insn('sys', ops(hexImm(op1), `c${crn}`, `c${crm}`, hexImm(op2), rt !== 31 && x(rt)));
}

export function syslText(op1: number, crn: number, crm: number, op2: number, rt: number): string {
  return insn('sysl', ops(x(rt), hexImm(op1), `c${crn}`, `c${crm}`, hexImm(op2)));
}

/** The packed system-register key of an MRS/MSR word's fields (op0 as the 2-bit field at bits 20:19). */
export const sysRegKeyOf = (op0: number, op1: number, crn: number, crm: number, op2: number) =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

export const mrsText = (key: number, rt: number) => insn('mrs', ops(x(rt), sysRegOperand(key, true)));
export const msrText = (key: number, rt: number) => insn('msr', ops(sysRegOperand(key, false), x(rt)));

/** Exception-generating immediates: LLVM prints 0 as `#0` and anything else in hex (udf prints `#0x0`). */
export const excImm = (imm16: number) => (imm16 === 0 ? '#0' : hexImm(imm16));
