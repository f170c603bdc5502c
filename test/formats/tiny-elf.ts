// A minimal, valid AArch64 ELF64 executable laid out byte by byte from the ELF64 format (the
// System V gABI), for the corruption tests that must run without a cross compiler: one PT_LOAD
// segment holding .text (two instructions), and .symtab/.strtab/.shstrtab naming `_start` (FUNC)
// and `value` (OBJECT). Offsets of every structure are exported so tests can damage them.

export const TINY = {
  base: 0x400000n,
  ehdr: 0,
  phoff: 64,
  text: 0x78, // 64 + 56
  textSize: 16,
  symtab: 0x88,
  symCount: 3,
  strtab: 0xd0,
  shstrtab: 0xe0,
  shoff: 0x108,
  shnum: 6,
} as const;

const STRTAB = '\0_start\0value\0';
const SHSTRTAB = '\0.text\0.symtab\0.strtab\0.shstrtab\0.data\0';
const name = (table: string, n: string) => table.indexOf(`\0${n}\0`) + 1;

export function tinyElf(): Uint8Array {
  const b = new Uint8Array(TINY.shoff + TINY.shnum * 64);
  const v = new DataView(b.buffer);
  const u16 = (o: number, x: number) => v.setUint16(o, x, true);
  const u32 = (o: number, x: number) => v.setUint32(o, x, true);
  const u64 = (o: number, x: bigint | number) => v.setBigUint64(o, BigInt(x), true);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  u16(16, 2); // ET_EXEC
  u16(18, 183); // EM_AARCH64
  u32(20, 1);
  u64(24, TINY.base + BigInt(TINY.text));
  u64(32, TINY.phoff);
  u64(40, TINY.shoff);
  u16(52, 64);
  u16(54, 56);
  u16(56, 1);
  u16(58, 64);
  u16(60, TINY.shnum);
  u16(62, 4); // .shstrtab
  // PT_LOAD R+X covering the whole file from offset 0, plus 8 bytes of zero fill (.data's 'value').
  const p = TINY.phoff;
  u32(p, 1);
  u32(p + 4, 5);
  u64(p + 8, 0);
  u64(p + 16, TINY.base);
  u64(p + 24, TINY.base);
  u64(p + 32, b.length);
  u64(p + 40, b.length + 8);
  u64(p + 48, 0x10000);
  u32(TINY.text, 0xd2800ba8); // mov x8, #93
  u32(TINY.text + 4, 0xd4000001); // svc #0
  // Symbols: null, _start FUNC GLOBAL size 8 in section 1, value OBJECT LOCAL size 8 in section 5.
  const sym = (i: number, nm: number, info: number, shndx: number, value: bigint, size: number) => {
    const o = TINY.symtab + i * 24;
    u32(o, nm);
    b[o + 4] = info;
    u16(o + 6, shndx);
    u64(o + 8, value);
    u64(o + 16, size);
  };
  sym(1, name(STRTAB, '_start'), (1 << 4) | 2, 1, TINY.base + BigInt(TINY.text), 8);
  sym(2, name(STRTAB, 'value'), (0 << 4) | 1, 5, TINY.base + BigInt(b.length), 8);
  b.set(new TextEncoder().encode(STRTAB), TINY.strtab);
  b.set(new TextEncoder().encode(SHSTRTAB), TINY.shstrtab);
  const sh = (i: number, nm: number, type: number, flags: number, addr: bigint, off: number, size: number, link: number, info: number, align: number, entsize: number) => {
    const o = TINY.shoff + i * 64;
    u32(o, nm);
    u32(o + 4, type);
    u64(o + 8, flags);
    u64(o + 16, addr);
    u64(o + 24, off);
    u64(o + 32, size);
    u32(o + 40, link);
    u32(o + 44, info);
    u64(o + 48, align);
    u64(o + 56, entsize);
  };
  sh(1, name(SHSTRTAB, '.text'), 1, 6, TINY.base + BigInt(TINY.text), TINY.text, TINY.textSize, 0, 0, 4, 0);
  sh(2, name(SHSTRTAB, '.symtab'), 2, 0, 0n, TINY.symtab, TINY.symCount * 24, 3, 2, 8, 24);
  sh(3, name(SHSTRTAB, '.strtab'), 3, 0, 0n, TINY.strtab, STRTAB.length, 0, 0, 1, 0);
  sh(4, name(SHSTRTAB, '.shstrtab'), 3, 0, 0n, TINY.shstrtab, SHSTRTAB.length, 0, 0, 1, 0);
  sh(5, name(SHSTRTAB, '.data'), 8, 3, TINY.base + BigInt(b.length), b.length, 8, 0, 0, 8, 0);
  return b;
}
