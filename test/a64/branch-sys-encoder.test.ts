// The encoder for host-injected code (spec §7.3). Golden words come from the specs:
// m1n1-protocol.md §7.3 and Appendix A (mrs HCR_EL2, msr MDSCR_EL1, tlbi vmalls12e1is, ret, and
// the MRS/MSR formula) and apple-devices.md §2.5 (fast-IPI register words); texts from LLVM.
import test from 'ava';
import { decode } from '../../core/arch/a64/decoder.ts';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';
import {
  assemble,
  encodeBrk,
  encodeDmb,
  encodeDsb,
  encodeEret,
  encodeHvc,
  encodeIsb,
  encodeMrs,
  encodeMsr,
  encodeNop,
  encodeRet,
  encodeRow,
  encodeSvc,
  encodeSysOp,
} from '../../core/arch/a64/encoder.ts';
import { SYS_OPS } from '../../core/arch/a64/sys-ops.ts';
import { SYSREGS, genericSysRegName } from '../../core/arch/a64/sysregs.ts';
import { HvdbgError } from '../../core/errors.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { LLVM_MC, LLVM_OBJDUMP, LLVM_PACKAGE, llvmDisassemble } from './llvm-reference.ts';

const text = (word: number) => disassembleWord(word, { pc: 0n });

/** Spec §7.3: `mrs x0, <op0,op1,CRn,CRm,op2>` and `msr <…>, x0`, with Rt in bits 4:0. */
const specMrs = (op0: number, op1: number, crn: number, crm: number, op2: number, rt = 0) =>
  (0xd5200000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const specMsr = (op0: number, op1: number, crn: number, crm: number, op2: number, rt = 0) =>
  (0xd5000000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;

test('the spec §7.3 / Appendix A words', (t) => {
  t.is(encodeMrs('x0', 'HCR_EL2'), 0xd53c1100);
  t.is(encodeMsr('MDSCR_EL1', 'x0'), 0xd5100240);
  t.is(encodeSysOp('tlbi', 'vmalls12e1is'), 0xd50c83df);
  t.is(encodeRet(), 0xd65f03c0);
  t.is(assemble('mrs x0, HCR_EL2'), 0xd53c1100);
  t.is(assemble('msr MDSCR_EL1, x0'), 0xd5100240);
  t.is(assemble('tlbi vmalls12e1is'), 0xd50c83df);
  t.is(assemble('ret'), 0xd65f03c0);
});

test('MRS/MSR by name, by generic spelling and by fields give the spec §7.3 formula, any Xt', (t) => {
  // Appendix B encodings, by name.
  t.is(encodeMrs(0, 'HACR_EL2'), specMrs(3, 4, 1, 1, 7));
  t.is(encodeMsr('DBGBCR3_EL1', 'x7'), specMsr(2, 0, 0, 3, 5, 7));
  t.is(encodeMrs('x30', 'spsr_el12'), specMrs(3, 5, 4, 0, 0, 30));
  t.is(encodeMsr('CYC_OVRD_EL1', 'xzr'), specMsr(3, 5, 15, 5, 0, 31));
  t.is(encodeMsr('AMX_CONFIG_EL1', 'x1'), specMsr(3, 4, 15, 1, 4, 1));
  t.is(encodeMrs('x2', 'GXF_CONFIG_EL1'), specMrs(3, 6, 15, 1, 2, 2));
  t.is(encodeMsr('APSTS_EL12', 'lr'), specMsr(3, 6, 15, 14, 7, 30));
  // apple-devices §2.5: MSR IPI_RR_LOCAL = 0xd51df000 | Rt, MRS IPI_SR = 0xd53df120 | Rt, …
  t.is(encodeMsr('IPI_RR_LOCAL_EL1', 'x5'), 0xd51df005);
  t.is(encodeMsr('IPI_RR_GLOBAL_EL1', 'x0'), 0xd51df020);
  t.is(encodeMrs('x9', 'IPI_SR_EL1'), 0xd53df129);
  t.is(encodeMsr('IPI_SR_EL1', 'x0'), 0xd51df120);
  t.is(encodeMsr('IPI_CR_EL1', 'x0'), 0xd51df320);
  // Generic spelling and raw fields.
  t.is(encodeMrs('x3', 'S3_6_C15_C1_0'), specMrs(3, 6, 15, 1, 0, 3));
  t.is(encodeMrs('x3', 's3_7_c15_c2_0'), specMrs(3, 7, 15, 2, 0, 3));
  t.is(encodeMsr({ op0: 2, op1: 3, crn: 0, crm: 5, op2: 0 }, 'x4'), specMsr(2, 3, 0, 5, 0, 4));
});

test('every named system register round-trips: encode → decode → the same name', (t) => {
  let n = 0;
  for (const reg of SYSREGS) {
    const rt = n++ % 32;
    const xt = rt === 31 ? 'xzr' : `x${rt}`;
    if (reg.access !== 'w') {
      const word = encodeMrs(rt, reg.name);
      t.is(word, specMrs(reg.op0, reg.op1, reg.crn, reg.crm, reg.op2, rt), reg.name);
      t.is(decode(word)?.spec.id, 'MRS');
      t.is(text(word), `mrs\t${xt}, ${reg.name}`);
    }
    if (reg.access !== 'r') {
      const word = encodeMsr(reg.name, rt);
      t.is(word, specMsr(reg.op0, reg.op1, reg.crn, reg.crm, reg.op2, rt), reg.name);
      t.is(text(word), `msr\t${reg.name}, ${xt}`);
      t.is(assemble(`msr ${reg.name.toLowerCase()}, ${xt}`), word);
    }
  }
  t.true(n > 900, `${n} registers`);
});

test('every SYS alias round-trips, with and without its address register', (t) => {
  for (const [mnemonic, op, , , , , takesRegister] of SYS_OPS) {
    const word = takesRegister ? encodeSysOp(mnemonic, op, 'x5') : encodeSysOp(mnemonic, op);
    const expected = takesRegister ? `${mnemonic}\t${op}, x5` : `${mnemonic}\t${op}`;
    t.is(text(word), expected);
    t.is(assemble(expected.replace('\t', ' ')), word);
  }
});

test('barriers, hints, exceptions, ret and eret', (t) => {
  t.is(text(encodeDsb('sy')), 'dsb\tsy');
  t.is(text(encodeDsb('ISH')), 'dsb\tish');
  t.is(text(encodeDsb(0)), 'ssbb');
  t.is(text(encodeDmb('ishld')), 'dmb\tishld');
  t.is(text(encodeDmb('#8')), 'dmb\t#8');
  t.is(text(encodeIsb()), 'isb');
  t.is(text(encodeNop()), 'nop');
  t.is(encodeNop(), 0xd503201f);
  t.is(text(encodeEret()), 'eret');
  t.is(text(encodeRet('x1')), 'ret\tx1');
  t.is(text(encodeBrk(0x1234)), 'brk\t#0x1234');
  t.is(text(encodeHvc(1n)), 'hvc\t#0x1');
  t.is(text(encodeSvc()), 'svc\t#0');
  t.is(text(assemble('wfi')), 'wfi');
  t.is(text(assemble('  dmb   ish ')), 'dmb\tish');
  t.is(text(assemble('pssbb')), 'pssbb');
  t.is(text(assemble('isb sy')), 'isb');
  t.is(text(assemble('hlt #0xf000')), 'hlt\t#0xf000');
  t.is(text(encodeRow('DCPS2', { imm16: 0 })), 'dcps2');
});

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof HvdbgError ? e.code : `not an HvdbgError: ${String(e)}`;
  }
  return undefined;
};

test('bad input gets a typed error with a stable code', (t) => {
  t.is(code(() => encodeMrs('x0', 'NOT_A_REG_EL1')), 'A64_UNKNOWN_SYSREG');
  t.is(code(() => encodeMrs('x0', 'S3_4_C16_C1_0')), 'A64_UNKNOWN_SYSREG');
  t.is(code(() => encodeMrs('x0', { op0: 3, op1: 8, crn: 1, crm: 1, op2: 0 })), 'A64_SYSREG_RANGE');
  t.is(code(() => encodeMrs('x0', { op0: 3, op1: 0, crn: 1, crm: 1, op2: 1.5 })), 'A64_SYSREG_RANGE');
  t.is(code(() => encodeMsr({ op0: 1, op1: 0, crn: 7, crm: 5, op2: 0 }, 'x0')), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeMsr({ op0: 0, op1: 3, crn: 2, crm: 0, op2: 0 }, 'x0')), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeMrs('x0', 'ICC_EOIR1_EL1')), 'A64_SYSREG_ACCESS');
  t.is(code(() => encodeMsr('MIDR_EL1', 'x0')), 'A64_SYSREG_ACCESS');
  t.is(code(() => encodeMrs('x31', 'HCR_EL2')), 'A64_BAD_REGISTER');
  t.is(code(() => encodeMrs('w0', 'HCR_EL2')), 'A64_BAD_REGISTER');
  t.is(code(() => encodeMrs(32, 'HCR_EL2')), 'A64_BAD_REGISTER');
  t.is(code(() => encodeSysOp('tlbi', 'vmalls12e1is', 'x0')), 'A64_BAD_REGISTER');
  t.is(code(() => encodeSysOp('dc', 'civac')), 'A64_BAD_REGISTER');
  t.is(code(() => encodeSysOp('dc', 'gva', 'x0')), 'A64_UNKNOWN_SYS_OP');
  t.is(code(() => encodeBrk(0x10000)), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeHvc(-1)), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeDsb('everything')), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeDsb(16)), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeRow('MRS', { op0: 3, op1: 0, CRn: 0, CRm: 0, op2: 0 })), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeRow('MRS', { op0: 1, op1: 0, CRn: 0, CRm: 0, op2: 0, Rt: 0 })), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeRow('RET', { Rn: 0, Rm: 1 })), 'A64_ENCODE_RANGE');
  t.is(code(() => encodeRow('NO_SUCH_ROW', {})), 'A64_UNKNOWN_INSTRUCTION');
  t.is(code(() => assemble('mrs x0')), 'A64_ASSEMBLE');
  t.is(code(() => assemble('add x0, x1, x2')), 'A64_ASSEMBLE');
  t.is(code(() => assemble('brk 1x')), 'A64_ASSEMBLE');
  t.is(code(() => assemble('')), 'A64_ASSEMBLE');
  const err = t.throws(() => encodeMrs('x0', 'HRC_EL2'), { instanceOf: HvdbgError });
  t.regex(err.message, /HRC_EL2/);
  t.truthy(err.hint);
});

const withLlvm = testWithTool([
  { names: LLVM_MC, debianPackage: LLVM_PACKAGE },
  { names: LLVM_OBJDUMP, debianPackage: LLVM_PACKAGE },
]);

withLlvm('encoder output disassembled by LLVM reads as the instruction asked for', (t) => {
  // The input lines are written in LLVM's own output syntax, so LLVM's text must equal them.
  const lines = [
    'mrs\tx0, HCR_EL2',
    'msr\tMDSCR_EL1, x0',
    'tlbi\tvmalls12e1is',
    'ret',
    'ret\tx1',
    'eret',
    'nop',
    'dsb\tsy',
    'dsb\tish',
    'dmb\tishst',
    'isb',
    'dc\tcivac, x0',
    'dc\tcvau, x3',
    'ic\tivau, x1',
    'ic\tiallu',
    'at\ts1e1r, x2',
    'at\ts12e1w, x4',
    'tlbi\tvae1is, x3',
    'brk\t#0x1',
    'hvc\t#0x10',
    'svc\t#0',
    'mrs\tx29, MIDR_EL1',
    'msr\tDBGBVR5_EL1, xzr',
    'mrs\tx1, S3_6_C15_C2_0',
  ];
  const words = lines.map((l) => assemble(l.replace('\t', ' ')));
  t.deepEqual(llvmDisassemble(words), lines);
});

withLlvm('LLVM names every architectural register of the table as the table does, and none of the Apple ones', (t) => {
  const words: number[] = [];
  const expected: string[] = [];
  for (const reg of SYSREGS) {
    const name = reg.vendor === 'arm' ? reg.name : genericSysRegName(reg);
    if (reg.access !== 'w') {
      words.push(encodeMrs('x0', reg.name));
      expected.push(`mrs\tx0, ${name}`);
    }
    if (reg.access !== 'r') {
      words.push(encodeMsr(reg.name, 'x0'));
      expected.push(`msr\t${name}, x0`);
    }
  }
  t.deepEqual(llvmDisassemble(words), expected);
});
