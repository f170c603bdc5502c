// Layer: core/arch/a64. Disassembly in LLVM's syntax. Imports this folder only.

import { defaultDecoder, type Decoder } from './decoder.ts';
import type { AsmContext } from './operand-format.ts';

/** What llvm-objdump prints for a word it cannot decode. */
export const UNKNOWN = '<unknown>';

export function disassembleWord(word: number, ctx: AsmContext, decoder: Decoder = defaultDecoder()): string {
  const decoded = decoder.decode(word);
  return decoded ? decoded.spec.asm(decoded.fields, ctx) : UNKNOWN;
}

export interface DisassembledLine {
  address: bigint;
  word: number;
  text: string;
}

/** Every aligned word of `code` (little-endian), the first at `address`. */
export function disassemble(code: Uint8Array, address: bigint, symbolize?: AsmContext['symbolize']): DisassembledLine[] {
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const lines: DisassembledLine[] = [];
  for (let off = 0; off + 4 <= code.length; off += 4) {
    const word = view.getUint32(off, true);
    const pc = address + BigInt(off);
    lines.push({ address: pc, word, text: disassembleWord(word, { pc, symbolize }) });
  }
  return lines;
}
