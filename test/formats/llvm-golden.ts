// Parsers for what llvm-dwarfdump-16, llvm-objdump-16 --macho --private-headers and llvm-nm-16
// print, so the DWARF and Mach-O readers are checked against real tools' own reading of real
// files. Only the fields the tests compare are taken.

export interface DumpedLineUnit {
  offset: number;
  version: number;
  directories: Map<number, string>;
  files: Map<number, { name: string; dirIndex: number; md5?: string }>;
  rows: Array<{ address: bigint; line: number; column: number; file: number; isa: number; discriminator: number; flags: string[] }>;
}

/** `llvm-dwarfdump-16 --debug-line FILE`. */
export function parseDwarfdumpLines(text: string): DumpedLineUnit[] {
  const units: DumpedLineUnit[] = [];
  let unit: DumpedLineUnit | undefined;
  let file: { name: string; dirIndex: number; md5?: string } | undefined;
  for (const line of text.split('\n')) {
    let m = /^debug_line\[0x([0-9a-f]+)\]/.exec(line);
    if (m) {
      unit = { offset: parseInt(m[1]!, 16), version: 0, directories: new Map(), files: new Map(), rows: [] };
      units.push(unit);
      continue;
    }
    if (!unit) continue;
    if ((m = /^\s+version: (\d+)/.exec(line))) unit.version = Number(m[1]);
    else if ((m = /^include_directories\[\s*(\d+)\] = "(.*)"$/.exec(line))) unit.directories.set(Number(m[1]), m[2]!);
    else if ((m = /^file_names\[\s*(\d+)\]:/.exec(line))) {
      file = { name: '', dirIndex: 0 };
      unit.files.set(Number(m[1]), file);
    } else if (file && (m = /^\s+name: "(.*)"$/.exec(line))) file.name = m[1]!;
    else if (file && (m = /^\s+dir_index: (\d+)$/.exec(line))) file.dirIndex = Number(m[1]);
    else if (file && (m = /^\s+md5_checksum: ([0-9a-f]+)$/.exec(line))) file.md5 = m[1]!;
    else if ((m = /^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/.exec(line))) {
      unit.rows.push({
        address: BigInt(`0x${m[1]}`),
        line: Number(m[2]),
        column: Number(m[3]),
        file: Number(m[4]),
        isa: Number(m[5]),
        discriminator: Number(m[6]),
        flags: m[7]!.trim() === '' ? [] : m[7]!.trim().split(/\s+/),
      });
    }
  }
  return units;
}

/** `llvm-dwarfdump-16 --lookup=ADDR FILE`: the "Line info:" line, or undefined when it prints none. */
export function parseDwarfdumpLookup(text: string): { file: string; line: number; column: number } | undefined {
  const m = /Line info: file '([^']*)', line (\d+), column (\d+)/.exec(text);
  return m ? { file: m[1]!, line: Number(m[2]), column: Number(m[3]) } : undefined;
}

export interface DumpedCommand {
  index: number;
  fields: Map<string, string>;
  sections: Array<Map<string, string>>;
}

/** `llvm-objdump-16 --macho --private-headers FILE`: the header line and each load command's `key value` lines. */
export function parseObjdumpMachO(text: string): { header: { filetype: string; ncmds: number; sizeofcmds: number }; commands: DumpedCommand[] } {
  const lines = text.split('\n');
  const hi = lines.findIndex((l) => l.startsWith('MH_MAGIC_64'));
  const h = lines[hi]!.trim().split(/\s+/);
  const header = { filetype: h[4]!, ncmds: Number(h[5]), sizeofcmds: Number(h[6]) };
  const commands: DumpedCommand[] = [];
  let target: Map<string, string> | undefined;
  for (const line of lines.slice(hi + 1)) {
    let m = /^Load command (\d+)$/.exec(line);
    if (m) {
      const c: DumpedCommand = { index: Number(m[1]), fields: new Map(), sections: [] };
      commands.push(c);
      target = c.fields;
      continue;
    }
    if (line === 'Section') {
      const s = new Map<string, string>();
      commands.at(-1)!.sections.push(s);
      target = s;
      continue;
    }
    if (!target) continue;
    // Thread state lines hold several `name value` pairs; the pc is the one the tests need.
    if ((m = /\bpc\s+(0x[0-9a-f]+)/.exec(line))) target.set('pc', m[1]!);
    else if ((m = /^\s*(\w+) (.*)$/.exec(line))) target.set(m[1]!, m[2]!.trim());
  }
  return { header, commands };
}

/** `llvm-nm-16 -p FILE` (symbol-table order): address (undefined for U), letter, name. */
export function parseNm(text: string): Array<{ value: bigint | undefined; type: string; name: string }> {
  const out: Array<{ value: bigint | undefined; type: string; name: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{16}| {16}) (\S) (.*)$/.exec(line);
    if (m) out.push({ value: m[1]!.trim() === '' ? undefined : BigInt(`0x${m[1]}`), type: m[2]!, name: m[3]! });
  }
  return out;
}
