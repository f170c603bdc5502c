// Layer: core/formats. Every line-number program of a .debug_line section, run once, with the two
// questions a debugger asks: "which file:line:column is this address" (a stop, a backtrace) and
// "which addresses start this line" (`break file.c:42`). Imports this folder only.

import { FormatErrorCode, formatError } from '../format-error.ts';
import { readLineHeader, type LineProgramHeader } from './line-header.ts';
import { RowFlag, RowStore, runLineProgram, type Sequence } from './line-program.ts';
import type { DwarfSections } from './sections.ts';

export interface LineRow {
  readonly address: bigint;
  /** File index as the program numbers it (from 0 in v5, from 1 before), and its resolved path. */
  readonly fileIndex: number;
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly basicBlock: boolean;
  readonly endSequence: boolean;
  readonly prologueEnd: boolean;
  readonly epilogueBegin: boolean;
  readonly isa: number;
  readonly discriminator: number;
  readonly opIndex: number;
  /** Index into LineTable.units. */
  readonly unit: number;
}

export interface LineLocation {
  /** Address of the row that covers the asked address (at or below it). */
  readonly address: bigint;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly discriminator: number;
}

export interface LineAddresses {
  /** The file path as the line table names it (the first one that matched). */
  readonly file: string;
  /** The line asked for, or the next line below it that has code (a breakpoint "moves" there). */
  readonly line: number;
  /** Where each block of that line's code starts, ascending, without duplicates. */
  readonly addresses: bigint[];
}

export interface LineTableOptions {
  /** Compilation directories by unit offset (DW_AT_comp_dir), for v2–4 tables whose directory 0 it is. */
  readonly compDirs?: ReadonlyMap<number, string>;
}

const joinPath = (dir: string, name: string) => (name.startsWith('/') || dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`);

export class LineTable {
  /** Sequences with code (low < high), sorted by low address. */
  private readonly sorted: Sequence[];
  /** maxHigh[i]: highest `high` among sorted[0..i], to stop backward scans. */
  private readonly maxHigh: bigint[];
  private readonly paths: Array<Array<string | undefined>>;

  private constructor(
    readonly units: readonly LineProgramHeader[],
    readonly rows: RowStore,
    /** Every finished sequence, in program order. */
    readonly sequences: readonly Sequence[],
  ) {
    this.paths = units.map((h) => h.files.map((f) => (f.dirIndex < h.directories.length ? joinPath(h.directories[f.dirIndex]!, f.name) : f.name)));
    this.sorted = sequences.filter((s) => s.low < s.high).sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
    let max = 0n;
    this.maxHigh = this.sorted.map((s) => (max = s.high > max ? s.high : max));
  }

  /** Parses every unit of .debug_line; throws FormatError (DWARF_*) naming the offset of the damage. */
  static parse(sections: DwarfSections, options: LineTableOptions = {}): LineTable {
    const units: LineProgramHeader[] = [];
    const rows = new RowStore();
    const sequences: Sequence[] = [];
    for (let offset = 0; offset < sections.line.length; ) {
      const h = readLineHeader(sections, offset);
      const compDir = options.compDirs?.get(offset);
      if (h.version < 5 && compDir !== undefined) h.directories[0] = compDir;
      runLineProgram(sections.line, h, units.length, rows, sequences);
      units.push(h);
      if (h.end <= offset) throw formatError(FormatErrorCode.DWARF_MALFORMED, '.debug_line', offset, 'unit does not advance');
      offset = h.end;
    }
    return new LineTable(units, rows, sequences);
  }

  get rowCount(): number {
    return this.rows.length;
  }

  /** The path of file `fileIndex` of unit `unit` (directory joined), undefined for an index past the table. */
  filePath(unit: number, fileIndex: number): string | undefined {
    const h = this.units[unit];
    if (!h) return undefined;
    return this.paths[unit]![fileIndex - h.fileBase];
  }

  row(i: number): LineRow {
    const r = this.rows;
    const flags = r.flags[i]!;
    const unit = r.unit[i]!;
    const fileIndex = r.file[i]!;
    return {
      address: r.address[i]!,
      fileIndex,
      file: this.filePath(unit, fileIndex),
      line: r.line[i]!,
      column: r.column[i]!,
      isStmt: (flags & RowFlag.IS_STMT) !== 0,
      basicBlock: (flags & RowFlag.BASIC_BLOCK) !== 0,
      endSequence: (flags & RowFlag.END_SEQUENCE) !== 0,
      prologueEnd: (flags & RowFlag.PROLOGUE_END) !== 0,
      epilogueBegin: (flags & RowFlag.EPILOGUE_BEGIN) !== 0,
      isa: r.isa[i]!,
      discriminator: r.discriminator[i]!,
      opIndex: r.opIndex[i]!,
      unit,
    };
  }

  /** Rows of unit `unit` (every row, end_sequence ones included, in program order). */
  unitRows(unit: number): LineRow[] {
    const out: LineRow[] = [];
    for (let i = 0; i < this.rows.length; i++) if (this.rows.unit[i] === unit) out.push(this.row(i));
    return out;
  }

  /** The file:line:column covering `address`: the last row at or below it in the sequence that holds it. */
  lookup(address: bigint): LineLocation | undefined {
    const seq = this.sequenceAt(address);
    if (!seq) return undefined;
    const a = this.rows.address;
    // Last row in [first, last) with address <= target (rows of a sequence never go down).
    let lo = seq.first;
    let hi = seq.last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! <= address) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < seq.first) return undefined;
    const row = this.row(i);
    return { address: row.address, file: row.file ?? `<file ${row.fileIndex}>`, line: row.line, column: row.column, isStmt: row.isStmt, discriminator: row.discriminator };
  }

  private sequenceAt(address: bigint): Sequence | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.low <= address) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && this.maxHigh[i]! > address; i--) {
      const s = this.sorted[i]!;
      if (address < s.high) return s;
    }
    return undefined;
  }

  /** Every distinct resolved file path the table names. */
  files(): string[] {
    return [...new Set(this.paths.flat().filter((p): p is string => p !== undefined))];
  }

  /**
   * Where `break FILE:LINE` should stop. `file` matches a path equal to it or ending in `/file`
   * (`symbols.c`, `a64/symbols.c`). A row counts when it is a statement (is_stmt) of that line
   * and the row before it in its sequence is not the same line of a matching file: the start of
   * each block of the line's code. Without code on LINE, the next line below it that has some.
   */
  addressesFor(file: string, line: number): LineAddresses | undefined {
    const matches = (p: string | undefined) => p !== undefined && (p === file || p.endsWith(`/${file}`));
    const matching = this.paths.map((unitPaths) => unitPaths.map(matches));
    const firstPath = this.paths.flat().find(matches);
    if (firstPath === undefined) return undefined;
    const r = this.rows;
    const isMatch = (i: number) => {
      const h = this.units[r.unit[i]!]!;
      return (r.flags[i]! & RowFlag.END_SEQUENCE) === 0 && matching[r.unit[i]!]![r.file[i]! - h.fileBase] === true;
    };
    let best = Infinity;
    const byLine = new Map<number, Set<bigint>>();
    for (const seq of this.sequences) {
      for (let i = seq.first; i < seq.last; i++) {
        if ((r.flags[i]! & RowFlag.IS_STMT) === 0 || !isMatch(i)) continue;
        const l = r.line[i]!;
        if (l < line || l > best) continue;
        if (i > seq.first && isMatch(i - 1) && r.line[i - 1] === l) continue;
        best = Math.min(best, l);
        let set = byLine.get(l);
        if (!set) byLine.set(l, (set = new Set()));
        set.add(r.address[i]!);
      }
    }
    const hits = byLine.get(best);
    if (!hits) return { file: firstPath, line, addresses: [] };
    return { file: firstPath, line: best, addresses: [...hits].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }
}
