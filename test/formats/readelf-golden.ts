// What llvm-readelf prints for an image, parsed into plain records: the golden side of the ELF
// reader's tests (the program from Debian's llvm-16, never the code under test).
import { READELF, runTool } from './cross-compile.ts';

export interface GoldenSegment {
  type: string;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  flags: string;
  align: bigint;
}
export interface GoldenSection {
  index: number;
  name: string;
  address: bigint;
  offset: bigint;
  size: bigint;
}
export interface GoldenSymbol {
  table: string;
  num: number;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  ndx: string;
  name: string;
}
export interface Golden {
  entry: bigint;
  segments: GoldenSegment[];
  sections: GoldenSection[];
  symbols: GoldenSymbol[];
}

const big = (hex: string) => BigInt(`0x${hex}`);

export function readelfGolden(path: string): Golden {
  const text = runTool(READELF, ['-h', '-l', '-S', '-s', '-W', path]);
  const golden: Golden = { entry: -1n, segments: [], sections: [], symbols: [] };
  let table = '';
  for (const line of text.split('\n')) {
    let m = /^\s*Entry point address:\s+0x([0-9a-f]+)/.exec(line);
    if (m) golden.entry = big(m[1]!);
    m = /^\s+([A-Z_]+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x([0-9a-f]+)$/.exec(line);
    if (m) {
      golden.segments.push({ type: m[1]!, offset: big(m[2]!), vaddr: big(m[3]!), paddr: big(m[4]!), filesz: big(m[5]!), memsz: big(m[6]!), flags: m[7]!, align: big(m[8]!) });
    }
    m = /^\s*\[\s*(\d+)\]\s(.*?)\s+(\S+)\s+([0-9a-f]{16}) ([0-9a-f]{6,}) ([0-9a-f]{6,}) /.exec(line);
    if (m) golden.sections.push({ index: Number(m[1]), name: m[2]!, address: big(m[4]!), offset: big(m[5]!), size: big(m[6]!) });
    m = /^Symbol table '([^']+)'/.exec(line);
    if (m) table = m[1]!;
    m = /^\s*(\d+): ([0-9a-f]{16})\s+(0x[0-9a-f]+|\d+) (\S+)\s+(\S+)\s+\S+\s+(\S+) ?(.*)$/.exec(line);
    if (m) {
      golden.symbols.push({ table, num: Number(m[1]), value: big(m[2]!), size: BigInt(m[3]!), type: m[4]!, bind: m[5]!, ndx: m[6]!, name: m[7]! });
    }
  }
  return golden;
}
