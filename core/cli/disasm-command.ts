// Layer: core/cli. `hvdbg disasm FILE.elf [--symbol NAME | --start ADDR --count N]`: AArch64
// disassembly of an ELF image in llvm-objdump -d's layout, with branch and ADRP targets named as
// llvm-objdump names them. Imports core/formats/elf, core/arch/a64 and this folder.

import { readFileSync } from 'node:fs';
import { disassemble } from '../arch/a64/disassembler.ts';
import { HvdbgError } from '../errors.ts';
import { ElfFile, FileType, SectionType, SymbolIndex, SymbolType, type Section } from '../formats/elf/index.ts';
import { objdumpSymbolizer } from '../formats/elf/objdump-symbolizer.ts';
import { intOption, parseCommandArgs, UsageError } from './args.ts';

const HELP = `usage: hvdbg disasm FILE.elf [--symbol NAME | --start ADDR --count N]

Disassembles AArch64 code of an ELF image as llvm-objdump -d lays it out.

options:
  --symbol NAME   the whole of one function (or object) symbol
  --start ADDR    first address (0x… hex or decimal), with --count
  --count N       number of instructions from --start
With neither, every executable section is disassembled.`;

const OPTIONS = {
  symbol: { type: 'string' },
  start: { type: 'string' },
  count: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Splits FILE from the options (parseCommandArgs takes options only). */
function splitPositionals(argv: readonly string[]): { files: string[]; rest: string[] } {
  const files: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    rest.push(a);
    const name = a.replace(/^--?/, '');
    const spec = (OPTIONS as Record<string, { type: string }>)[name];
    if (spec?.type === 'string' && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  return { files, rest };
}

function parseAddress(text: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || BigInt(text) >= 1n << 64n) {
    throw new UsageError(`hvdbg disasm: --start must be an address (0x… hex or decimal), not '${text}'`, HELP);
  }
  return BigInt(text);
}

const hex = (v: bigint) => v.toString(16);

/**
 * Lines of llvm-objdump -d output for `count` instructions from `start`: a `ADDR <symbol>:` line
 * wherever a symbol starts (and first, naming where the range begins), then
 * `ADDR: WORD     \tmnemonic\toperands` per instruction. In a relocatable object every section
 * starts at 0, so only the symbols of `sectionIndex` name addresses there.
 */
export function formatDisassembly(elf: ElfFile, start: bigint, count: number, code?: Uint8Array, sectionIndex?: number): string[] {
  const relocatable = elf.header.type === FileType.REL;
  const index = relocatable ? new SymbolIndex(elf.symbols.filter((s) => s.sectionIndex === sectionIndex), elf.sections) : undefined;
  const symbolize = (a: bigint) => (index ? index.symbolize(a) : elf.symbolize(a));
  const starts = new Map((index ? index.all : elf.addressSymbols).map((s) => [s.value, s.name]));
  // Branch and ADRP targets are named by llvm-objdump's own rules, which depend on the section
  // the code is in (see objdump-symbolizer.ts); a --start range is in the code section holding it.
  const from = sectionIndex === undefined ? codeSectionAt(elf, start) : elf.sections[sectionIndex];
  const targetName = objdumpSymbolizer(elf, from);
  const out: string[] = [];
  for (const line of disassemble(code ?? elf.read(start, count * 4), start, targetName)) {
    const name = starts.get(line.address) ?? (out.length === 0 ? symbolize(line.address) : undefined);
    if (name !== undefined) {
      if (out.length > 0) out.push('');
      out.push(`${hex(line.address).padStart(16, '0')} <${name}>:`);
    }
    out.push(`${hex(line.address).padStart(8)}: ${line.word.toString(16).padStart(8, '0')}     \t${line.text}`);
  }
  return out;
}

/** The allocated, executable section holding `address`, as llvm-objdump would be disassembling it. */
function codeSectionAt(elf: ElfFile, address: bigint): Section | undefined {
  return elf.sections.find((s) => (s.flags & 0x6n) === 0x6n && address >= s.addr && address < s.addr + s.size);
}

function loadElf(path: string): ElfFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new HvdbgError('DISASM_CANNOT_READ', `cannot read ${path}: ${(err as Error).message}`, { hint: 'give the path of an AArch64 ELF file', cause: err });
  }
  return ElfFile.parse(bytes);
}

export async function disasmCommand(argv: string[]): Promise<number> {
  const { files, rest } = splitPositionals(argv);
  const { values } = parseCommandArgs('disasm', rest, OPTIONS, HELP);
  if (values.help) return (console.log(HELP), 0);
  if (files.length !== 1) throw new UsageError(`hvdbg disasm: expected one FILE.elf, got ${files.length}`, HELP);
  if (values.symbol !== undefined && (values.start !== undefined || values.count !== undefined)) {
    throw new UsageError('hvdbg disasm: --symbol cannot be combined with --start/--count', HELP);
  }
  if ((values.start === undefined) !== (values.count === undefined)) throw new UsageError('hvdbg disasm: --start and --count go together', HELP);
  // Checked before the file is read: a typo costs nothing.
  const start = values.start === undefined ? undefined : parseAddress(values.start);
  const count = intOption('disasm', 'count', values.count, HELP);

  const elf = loadElf(files[0]!);
  const ranges: Array<{ start: bigint; count: number; code?: Uint8Array; section?: number }> = [];
  if (values.symbol !== undefined) {
    const sym = elf.requireSymbol(values.symbol);
    if (sym.size < 4n) {
      throw new HvdbgError('DISASM_EMPTY_SYMBOL', `symbol '${sym.name}' has size ${sym.size}, no instruction to show`, {
        hint: `use --start 0x${hex(sym.value)} --count N`,
      });
    }
    if (sym.type !== SymbolType.FUNC) console.error(`disasm: note: '${sym.name}' is not a function symbol; showing its bytes as code`);
    const code = elf.symbolBytes(sym);
    ranges.push({ start: sym.value, count: code.length >> 2, code: code.subarray(0, code.length & ~3), section: sym.sectionIndex });
  } else if (start !== undefined && count !== undefined) {
    ranges.push({ start, count });
  } else {
    for (const s of elf.sections) {
      // SHF_ALLOC | SHF_EXECINSTR with bytes in the file.
      if ((s.flags & 0x6n) === 0x6n && s.type !== SectionType.NOBITS && s.size >= 4n) {
        const code = elf.sectionBytes(s);
        ranges.push({ start: s.addr, count: code.length >> 2, code: code.subarray(0, code.length & ~3), section: s.index });
      }
    }
  }
  const lines: string[] = [];
  for (const r of ranges) {
    if (lines.length > 0) lines.push('');
    lines.push(...formatDisassembly(elf, r.start, r.count, r.code, r.section));
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
