// Layer: core/arch/a64. Encoder for the instructions a host injects into the target (spec §7.3:
// m1n1's hosts read and write system registers by uploading `insn; ret` and calling it), so hvdbg
// needs no external assembler. Imports this folder and core/errors.ts only.
//
// It shares the decoder's tables: an instruction is encoded by filling the fields of its table row
// (the row's pattern, inverted), and every word is decoded again before it is returned, so encoder
// and decoder cannot disagree. Bad input gets an HvdbgError with a stable code:
// A64_ENCODE_RANGE (a field or immediate out of range), A64_BAD_REGISTER, A64_UNKNOWN_SYSREG,
// A64_SYSREG_ACCESS (MRS of a write-only register or MSR of a read-only one), A64_UNKNOWN_SYS_OP,
// A64_ASSEMBLE (a line `assemble` cannot read).

import { HvdbgError } from '../../errors.ts';
import { defaultDecoder } from './decoder.ts';
import { SYS_OPS, type SysOpMnemonic } from './sys-ops.ts';
import { lookupSysReg, packSysReg, sysRegInfo, type SysRegEncoding } from './sysregs.ts';
import { BARRIER_OPTIONS, HINTS } from './tables/branch-sys-format.ts';

/** A 64-bit general-purpose register: 0..30, 31 (= xzr here), or 'x0'..'x30', 'xzr', 'lr'. */
export type XRegister = number | string;
/** A system register: its name (architectural or Apple), 'S3_4_C1_C1_0', or the encoding fields. */
export type SysRegRef = string | SysRegEncoding;
/** A DSB/DMB option: 'sy', 'ish', 'oshld', … or the CRm value 0..15. */
export type BarrierOption = string | number;

function rangeError(what: string, value: number, max: number, hint?: string): HvdbgError {
  return new HvdbgError('A64_ENCODE_RANGE', `${what} = ${value} is out of range 0..${max}`, { hint: hint ?? `use a value in 0..${max}` });
}

/**
 * The word for table row `id` with these field values (unsigned, each within its width). Throws
 * A64_ENCODE_RANGE for a missing, extra or out-of-range field, or for values the row rejects.
 */
export function encodeRow(id: string, fields: Readonly<Record<string, number>>): number {
  const spec = defaultDecoder().spec(id);
  if (!spec) throw new HvdbgError('A64_UNKNOWN_INSTRUCTION', `no A64 table row '${id}'`, { hint: 'row ids are listed in core/arch/a64/tables/' });
  let word = spec.compiled.value;
  const known = new Set(spec.compiled.fields.map((f) => f.name));
  for (const name of Object.keys(fields)) {
    if (!known.has(name)) throw new HvdbgError('A64_ENCODE_RANGE', `${id} has no field '${name}'`, { hint: `its fields: ${[...known].join(', ') || 'none'}` });
  }
  for (const f of spec.compiled.fields) {
    const v = fields[f.name];
    const max = 2 ** f.width - 1;
    if (v === undefined) throw new HvdbgError('A64_ENCODE_RANGE', `${id} needs field '${f.name}'`, { hint: `give ${f.name} in 0..${max}` });
    if (!Number.isInteger(v) || v < 0 || v > max) throw rangeError(`${id} field ${f.name}`, v, max);
    word |= v << f.lsb;
  }
  word >>>= 0;
  const back = defaultDecoder().decode(word);
  if (back?.spec.id !== id) {
    throw new HvdbgError('A64_ENCODE_RANGE', `${id} with these fields is not a valid ${id} (decodes as ${back?.spec.id ?? 'unallocated'})`, {
      hint: 'the field values fall in an encoding the architecture gives to another instruction or leaves unallocated',
    });
  }
  return word;
}

/** Register number of an X register operand (31 = xzr). */
export function xRegister(r: XRegister): number {
  if (typeof r === 'number') {
    if (!Number.isInteger(r) || r < 0 || r > 31) throw new HvdbgError('A64_BAD_REGISTER', `register number ${r} is out of range 0..31`, { hint: '31 means xzr' });
    return r;
  }
  const t = r.trim().toLowerCase();
  if (t === 'xzr') return 31;
  if (t === 'lr') return 30;
  const m = /^x(\d{1,2})$/.exec(t);
  if (m && Number(m[1]) <= 30) return Number(m[1]);
  throw new HvdbgError('A64_BAD_REGISTER', `'${r}' is not a 64-bit general-purpose register`, { hint: 'use x0..x30, xzr or lr' });
}

function sysRegFields(ref: SysRegRef, dir: 'mrs' | 'msr'): { op0: number; op1: number; CRn: number; CRm: number; op2: number } {
  let e: SysRegEncoding | undefined;
  if (typeof ref === 'string') {
    e = lookupSysReg(ref);
    if (!e) {
      throw new HvdbgError('A64_UNKNOWN_SYSREG', `unknown system register '${ref}'`, {
        hint: "use an architectural or Apple name (HCR_EL2, CYC_OVRD_EL1), the generic form S3_4_C1_C1_0, or { op0, op1, crn, crm, op2 }",
      });
    }
    const info = sysRegInfo(ref);
    if (info && info.access === (dir === 'mrs' ? 'w' : 'r')) {
      throw new HvdbgError('A64_SYSREG_ACCESS', `${info.name} is ${info.access === 'w' ? 'write' : 'read'}-only; ${dir.toUpperCase()} of it is UNDEFINED`, {
        hint: dir === 'mrs' ? 'write it with msr instead' : 'read it with mrs instead',
      });
    }
  } else {
    e = ref;
  }
  packSysReg(e); // range check
  if (e.op0 < 2) {
    throw rangeError('system register op0', e.op0, 3, 'op0 0 and 1 are hints, barriers, PSTATE and SYS space, not system registers: use 2 or 3');
  }
  return { op0: e.op0, op1: e.op1, CRn: e.crn, CRm: e.crm, op2: e.op2 };
}

/** `mrs Xt, <reg>`: e.g. encodeMrs('x0', 'HCR_EL2') = 0xD53C1100 (spec §7.3). */
export const encodeMrs = (rt: XRegister, reg: SysRegRef): number => encodeRow('MRS', { ...sysRegFields(reg, 'mrs'), Rt: xRegister(rt) });

/** `msr <reg>, Xt`: e.g. encodeMsr('MDSCR_EL1', 'x0') = 0xD5100240 (spec §7.3). */
export const encodeMsr = (reg: SysRegRef, rt: XRegister): number => encodeRow('MSR_reg', { ...sysRegFields(reg, 'msr'), Rt: xRegister(rt) });

/** `ret` (x30) or `ret Xn`. */
export const encodeRet = (rn: XRegister = 30): number => encodeRow('RET', { Rn: xRegister(rn) });
export const encodeEret = (): number => encodeRow('ERET', {});
export const encodeNop = (): number => encodeRow('NOP', {});

function barrierCrm(option: BarrierOption): number {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0 || option > 15) throw rangeError('barrier option', option, 15);
    return option;
  }
  const t = option.trim().toLowerCase().replace(/^#/, '');
  const named = BARRIER_OPTIONS.indexOf(t);
  if (named >= 0) return named;
  if (/^(0x[0-9a-f]+|\d+)$/.test(t)) return barrierCrm(Number(t));
  throw new HvdbgError('A64_ENCODE_RANGE', `unknown barrier option '${option}'`, { hint: `use one of ${BARRIER_OPTIONS.filter(Boolean).join(', ')} or #0..#15` });
}

export const encodeDsb = (option: BarrierOption): number => encodeRow('DSB', { CRm: barrierCrm(option) });
export const encodeDmb = (option: BarrierOption): number => encodeRow('DMB', { CRm: barrierCrm(option) });
/** `isb` (option sy = 15 unless given). */
export const encodeIsb = (option: BarrierOption = 15): number => encodeRow('ISB', { CRm: barrierCrm(option) });

/**
 * A SYS alias by operation name: `encodeSysOp('tlbi', 'vmalls12e1is')` = 0xD50C83DF (spec §7.3),
 * `encodeSysOp('dc', 'civac', 'x0')`. Operations that take an address need `rt`; those that do not
 * refuse one.
 */
export function encodeSysOp(mnemonic: SysOpMnemonic, op: string, rt?: XRegister): number {
  const name = op.trim().toLowerCase();
  const row = SYS_OPS.find(([m, o]) => m === mnemonic && o === name);
  if (!row) {
    const known = SYS_OPS.filter(([m]) => m === mnemonic).map(([, o]) => o);
    throw new HvdbgError('A64_UNKNOWN_SYS_OP', `unknown ${mnemonic} operation '${op}'`, { hint: known.length ? `known: ${known.join(', ')}` : 'use dc, ic, at, tlbi, cfp, dvp or cpp' });
  }
  const [, , op1, crn, crm, op2, takesRegister] = row;
  if (takesRegister && rt === undefined) throw new HvdbgError('A64_BAD_REGISTER', `${mnemonic} ${name} needs an address register`, { hint: `e.g. ${mnemonic} ${name}, x0` });
  if (!takesRegister && rt !== undefined) throw new HvdbgError('A64_BAD_REGISTER', `${mnemonic} ${name} takes no register`, { hint: `write just '${mnemonic} ${name}'` });
  return encodeRow('SYS', { op1, CRn: crn, CRm: crm, op2, Rt: takesRegister ? xRegister(rt!) : 31 });
}

/** Exception-generating instructions: `brk #imm16`, `hvc #imm16`, `svc`, `smc`, `hlt`. */
export type ExceptionMnemonic = 'brk' | 'hvc' | 'svc' | 'smc' | 'hlt';
export function encodeException(mnemonic: ExceptionMnemonic, imm16: number | bigint = 0): number {
  const v = Number(imm16);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw rangeError(`${mnemonic} immediate`, v, 0xffff);
  return encodeRow(mnemonic.toUpperCase(), { imm16: v });
}
export const encodeBrk = (imm16: number | bigint = 0) => encodeException('brk', imm16);
export const encodeHvc = (imm16: number | bigint = 0) => encodeException('hvc', imm16);
export const encodeSvc = (imm16: number | bigint = 0) => encodeException('svc', imm16);

function immediate(text: string | undefined, line: string): number {
  const t = text?.trim().replace(/^#/, '');
  if (!t || !/^(0x[0-9a-f]+|\d+)$/i.test(t)) throw syntax(line, 'expected an immediate such as #0x10');
  return Number(t);
}

const syntax = (line: string, why: string) =>
  new HvdbgError('A64_ASSEMBLE', `cannot assemble '${line}': ${why}`, {
    hint: 'supported: mrs, msr (register), ret, eret, nop and the other hints, dsb, dmb, isb, ssbb, pssbb, dc, ic, at, tlbi, cfp, dvp, cpp, brk, hvc, svc, smc, hlt',
  });

const HINT_WORDS = new Map(HINTS.filter(([, , text]) => !text.includes('\t')).map(([id, , text]) => [text, id]));

/**
 * One instruction in LLVM's syntax (the subset the encoder knows), e.g. `mrs x0, HCR_EL2`,
 * `msr S3_6_C15_C1_0, x1`, `tlbi vmalls12e1is`, `dc civac, x0`, `dsb sy`, `brk #0x1`.
 */
export function assemble(line: string): number {
  const text = line.trim().replace(/\s+/g, ' ');
  const space = text.indexOf(' ');
  const mnemonic = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const args = space < 0 ? [] : text.slice(space + 1).split(',').map((a) => a.trim());
  const want = (n: number) => {
    if (args.length !== n) throw syntax(line, `${mnemonic} takes ${n} operand${n === 1 ? '' : 's'}`);
  };
  switch (mnemonic) {
    case 'mrs':
      want(2);
      return encodeMrs(args[0]!, args[1]!);
    case 'msr':
      want(2);
      return encodeMsr(args[0]!, args[1]!);
    case 'ret':
      if (args.length > 1) throw syntax(line, 'ret takes at most one register');
      return encodeRet(args[0] ?? 30);
    case 'eret':
      want(0);
      return encodeEret();
    case 'dsb':
    case 'dmb':
      want(1);
      return mnemonic === 'dsb' ? encodeDsb(args[0]!) : encodeDmb(args[0]!);
    case 'ssbb':
    case 'pssbb':
      want(0);
      return encodeDsb(mnemonic === 'ssbb' ? 0 : 4);
    case 'isb':
      if (args.length > 1) throw syntax(line, 'isb takes at most one option');
      return encodeIsb(args[0] ?? 15);
    case 'dc':
    case 'ic':
    case 'at':
    case 'tlbi':
    case 'cfp':
    case 'dvp':
    case 'cpp':
      if (args.length < 1 || args.length > 2) throw syntax(line, `${mnemonic} takes an operation and maybe a register`);
      return encodeSysOp(mnemonic, args[0]!, args[1]);
    case 'brk':
    case 'hvc':
    case 'svc':
    case 'smc':
    case 'hlt':
      if (args.length > 1) throw syntax(line, `${mnemonic} takes one immediate`);
      return encodeException(mnemonic, args.length ? immediate(args[0], line) : 0);
    default: {
      const hint = HINT_WORDS.get(mnemonic);
      if (hint) {
        want(0);
        return encodeRow(hint, {});
      }
      throw syntax(line, `unknown or unsupported mnemonic '${mnemonic}'`);
    }
  }
}
