// Tiny guests built byte by byte from the ELF64 layout: one PT_LOAD at the demo guest's load
// address (0x8_1000_0000, examples/guest/README.md "Contract with the host") holding the given
// instructions, and a symbol table naming them `spin`, so reports can name where a CPU was. By
// default `spin: nop; b spin`, a guest that never powers off (the tests of --timeout, stop and
// quit); FAULT_CODE makes one that faults at once.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SPIN_LOAD = 0x8_1000_0000n;
const LOAD = SPIN_LOAD;
/** `nop; b -4` (back to the nop). */
const SPIN_CODE = [0xd503201f, 0x17ffffff] as const;
/** `mov x0, #0; ldr x1, [x0]` (llvm-mc's encodings): a load from address 0, which nothing maps. */
export const FAULT_CODE = [0xd2800000, 0xf9400001] as const;

/** ELF64 LE AArch64 executable: PT_LOAD [code] at LOAD, sections .text .symtab .strtab .shstrtab. */
export function spinElf(code: readonly number[] = SPIN_CODE): Uint8Array {
  const CODE = 0x4000; // p_offset ≡ p_vaddr mod p_align (16 KiB)
  const SIZE = 4 * code.length;
  const SYMTAB = CODE + ((SIZE + 7) & ~7);
  const STRTAB = SYMTAB + 48;
  const strtab = '\0spin\0';
  const SHSTR = STRTAB + 8;
  const shstr = '\0.text\0.symtab\0.strtab\0.shstrtab\0';
  const SHDRS = (SHSTR + shstr.length + 7) & ~7;
  const buf = new Uint8Array(SHDRS + 5 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // \x7fELF, 64-bit, LE, version 1
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, LOAD, true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, BigInt(SHDRS), true); // e_shoff
  v.setUint16(52, 64, true); // e_ehsize
  v.setUint16(54, 56, true); // e_phentsize
  v.setUint16(56, 1, true); // e_phnum
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 5, true); // e_shnum
  v.setUint16(62, 4, true); // e_shstrndx
  // PT_LOAD, R X
  v.setUint32(64, 1, true);
  v.setUint32(68, 5, true);
  v.setBigUint64(72, BigInt(CODE), true);
  v.setBigUint64(80, LOAD, true);
  v.setBigUint64(88, LOAD, true);
  v.setBigUint64(96, BigInt(SIZE), true);
  v.setBigUint64(104, BigInt(SIZE), true);
  v.setBigUint64(112, 0x4000n, true);
  code.forEach((w, i) => v.setUint32(CODE + 4 * i, w, true));
  // symbol 1: spin, STB_GLOBAL|STT_FUNC, section 1, value LOAD, size SIZE
  v.setUint32(SYMTAB + 24, 1, true);
  buf[SYMTAB + 24 + 4] = 0x12;
  v.setUint16(SYMTAB + 24 + 6, 1, true);
  v.setBigUint64(SYMTAB + 24 + 8, LOAD, true);
  v.setBigUint64(SYMTAB + 24 + 16, BigInt(SIZE), true);
  buf.set(new TextEncoder().encode(strtab), STRTAB);
  buf.set(new TextEncoder().encode(shstr), SHSTR);
  const sh = (i: number, name: number, type: number, flags: bigint, addr: bigint, off: number, size: number, link = 0, info = 0, align = 1n, entsize = 0n): void => {
    const o = SHDRS + 64 * i;
    v.setUint32(o, name, true);
    v.setUint32(o + 4, type, true);
    v.setBigUint64(o + 8, flags, true);
    v.setBigUint64(o + 16, addr, true);
    v.setBigUint64(o + 24, BigInt(off), true);
    v.setBigUint64(o + 32, BigInt(size), true);
    v.setUint32(o + 40, link, true);
    v.setUint32(o + 44, info, true);
    v.setBigUint64(o + 48, align, true);
    v.setBigUint64(o + 56, entsize, true);
  };
  sh(1, 1, 1, 6n, LOAD, CODE, SIZE, 0, 0, 4n); // .text PROGBITS ALLOC|EXEC
  sh(2, 7, 2, 0n, 0n, SYMTAB, 48, 3, 1, 8n, 24n); // .symtab → .strtab, first global 1
  sh(3, 15, 3, 0n, 0n, STRTAB, strtab.length); // .strtab
  sh(4, 23, 3, 0n, 0n, SHSTR, shstr.length); // .shstrtab
  return buf;
}

/** spinElf(code) in a fresh temporary file; its path. */
export function spinElfFile(code: readonly number[] = SPIN_CODE): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hvdbg-spin-')), 'spin.elf');
  writeFileSync(path, spinElf(code));
  return path;
}
