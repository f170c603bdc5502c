// Layer: core/formats. Runs one line-number program (DWARF 5 §6.2.2 state machine, §6.2.5
// opcodes) and appends its rows, sequence by sequence, to a column store. Rows are kept in typed
// arrays, not objects: a kernel's .debug_line holds millions. Imports this folder and ../cursor.ts.

import { Cursor } from '../cursor.ts';
import { FormatErrorCode, formatError } from '../format-error.ts';
import { DW_LNE, DW_LNS } from './constants.ts';
import type { LineFileEntry, LineProgramHeader } from './line-header.ts';

export const RowFlag = { IS_STMT: 1, BASIC_BLOCK: 2, END_SEQUENCE: 4, PROLOGUE_END: 8, EPILOGUE_BEGIN: 16 } as const;

/** Growable columns of rows. */
export class RowStore {
  length = 0;
  address = new BigUint64Array(64);
  line = new Uint32Array(64);
  column = new Uint32Array(64);
  file = new Uint32Array(64);
  discriminator = new Uint32Array(64);
  isa = new Uint32Array(64);
  opIndex = new Uint32Array(64);
  flags = new Uint8Array(64);
  /** Index of the unit (in LineTable.units) each row came from. */
  unit = new Uint32Array(64);

  push(address: bigint, line: number, column: number, file: number, discriminator: number, isa: number, opIndex: number, flags: number, unit: number): void {
    if (this.length === this.address.length) this.grow();
    const i = this.length++;
    this.address[i] = address;
    this.line[i] = line;
    this.column[i] = column;
    this.file[i] = file;
    this.discriminator[i] = discriminator;
    this.isa[i] = isa;
    this.opIndex[i] = opIndex;
    this.flags[i] = flags;
    this.unit[i] = unit;
  }

  private grow(): void {
    const n = this.address.length * 2;
    const big = new BigUint64Array(n);
    big.set(this.address);
    this.address = big;
    for (const key of ['line', 'column', 'file', 'discriminator', 'isa', 'opIndex', 'unit'] as const) {
      const a = new Uint32Array(n);
      a.set(this[key]);
      this[key] = a;
    }
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.flags = f;
  }
}

/** One DW_LNE_end_sequence-terminated run of rows: [start, end) in the store, covering [low, high). */
export interface Sequence {
  readonly unit: number;
  readonly first: number;
  /** Index of the end_sequence row. */
  readonly last: number;
  readonly low: bigint;
  readonly high: bigint;
}

const SECTION = '.debug_line';
const U64 = (v: bigint) => BigInt.asUintN(64, v);

/**
 * Runs the program of `h` (unit number `unit`), appending rows to `rows` and finished sequences
 * to `sequences`. DW_LNE_define_file (v2–4) appends to `h.files`. A program that ends without
 * end_sequence leaves its last rows unterminated; they get no sequence (as llvm-dwarfdump warns
 * and drops them from lookups).
 */
export function runLineProgram(bytes: Uint8Array, h: LineProgramHeader, unit: number, rows: RowStore, sequences: Sequence[]): void {
  const c = new Cursor(bytes.subarray(0, h.end), SECTION, FormatErrorCode.DWARF_TRUNCATED).seek(h.programOffset);
  const minInst = BigInt(h.minInstLength);
  const maxOps = h.maxOpsPerInst;
  const lengths = h.standardOpcodeLengths;
  let address = 0n;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = h.defaultIsStmt;
  let basicBlock = false;
  let prologueEnd = false;
  let epilogueBegin = false;
  let isa = 0;
  let discriminator = 0;
  let seqFirst = rows.length;

  const reset = () => {
    address = 0n;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = h.defaultIsStmt;
    basicBlock = false;
    prologueEnd = false;
    epilogueBegin = false;
    isa = 0;
    discriminator = 0;
  };
  const emit = (endSequence: boolean) => {
    const flags =
      (isStmt ? RowFlag.IS_STMT : 0) |
      (basicBlock ? RowFlag.BASIC_BLOCK : 0) |
      (endSequence ? RowFlag.END_SEQUENCE : 0) |
      (prologueEnd ? RowFlag.PROLOGUE_END : 0) |
      (epilogueBegin ? RowFlag.EPILOGUE_BEGIN : 0);
    rows.push(address, line >>> 0, column >>> 0, file >>> 0, discriminator >>> 0, isa >>> 0, opIndex, flags, unit);
    basicBlock = false;
    prologueEnd = false;
    epilogueBegin = false;
    discriminator = 0;
  };
  // "operation advance" (§6.2.5.1): VLIW-aware, plain address += n * min_inst_length when max_ops is 1.
  const advance = (n: number) => {
    if (maxOps === 1) {
      address = U64(address + BigInt(n) * minInst);
      return;
    }
    const total = opIndex + n;
    address = U64(address + minInst * BigInt(Math.floor(total / maxOps)));
    opIndex = total % maxOps;
  };

  while (c.pos < c.length) {
    const opAt = c.pos;
    const op = c.u8('opcode');
    if (op >= h.opcodeBase) {
      const adjusted = op - h.opcodeBase;
      advance(Math.floor(adjusted / h.lineRange));
      line += h.lineBase + (adjusted % h.lineRange);
      emit(false);
      continue;
    }
    if (op === 0) {
      const len = c.uleb('extended opcode length');
      if (len === 0) continue; // an empty extended opcode: nothing to do (llvm-dwarfdump reports it, then goes on)
      const bodyAt = c.pos;
      c.need(len, 'extended opcode');
      const sub = c.u8('extended opcode');
      switch (sub) {
        case DW_LNE.end_sequence: {
          emit(true);
          const last = rows.length - 1;
          sequences.push({ unit, first: seqFirst, last, low: rows.address[seqFirst]!, high: address });
          seqFirst = rows.length;
          reset();
          break;
        }
        case DW_LNE.set_address: {
          const size = len - 1;
          if (size !== 4 && size !== 8) throw formatError(FormatErrorCode.DWARF_MALFORMED, SECTION, opAt, `DW_LNE_set_address with a ${size}-byte operand (addresses are 4 or 8 bytes)`);
          address = c.uN(size, 'DW_LNE_set_address operand');
          opIndex = 0;
          break;
        }
        case DW_LNE.define_file: {
          const name = c.cstring('DW_LNE_define_file name');
          const entry: LineFileEntry = { name, dirIndex: c.uleb('DW_LNE_define_file directory'), mtime: BigInt(c.uleb('DW_LNE_define_file mtime')), length: BigInt(c.uleb('DW_LNE_define_file length')) };
          h.files.push(entry);
          break;
        }
        case DW_LNE.set_discriminator:
          discriminator = c.uleb('DW_LNE_set_discriminator operand');
          break;
        default: // vendor extended opcodes: skipped by their length
      }
      // The length is authoritative: llvm-dwarfdump moves to bodyAt + len whatever the opcode read.
      c.seek(bodyAt + len);
      continue;
    }
    switch (op) {
      case DW_LNS.copy:
        emit(false);
        break;
      case DW_LNS.advance_pc:
        advance(c.uleb('DW_LNS_advance_pc operand'));
        break;
      case DW_LNS.advance_line:
        line += c.sleb('DW_LNS_advance_line operand');
        break;
      case DW_LNS.set_file:
        file = c.uleb('DW_LNS_set_file operand');
        break;
      case DW_LNS.set_column:
        column = c.uleb('DW_LNS_set_column operand');
        break;
      case DW_LNS.negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS.set_basic_block:
        basicBlock = true;
        break;
      case DW_LNS.const_add_pc:
        advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
        break;
      case DW_LNS.fixed_advance_pc:
        address = U64(address + BigInt(c.u16('DW_LNS_fixed_advance_pc operand')));
        opIndex = 0;
        break;
      case DW_LNS.set_prologue_end:
        prologueEnd = true;
        break;
      case DW_LNS.set_epilogue_begin:
        epilogueBegin = true;
        break;
      case DW_LNS.set_isa:
        isa = c.uleb('DW_LNS_set_isa operand');
        break;
      default: {
        // An opcode this version does not define: skip the operands the header says it has.
        const n = lengths[op - 1] ?? 0;
        for (let i = 0; i < n; i++) c.uleb(`operand ${i} of standard opcode ${op}`);
      }
    }
  }
}
