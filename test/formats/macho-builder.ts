// Hand-built 64-bit Mach-O images for the Mach-O reader's tests, laid out field by field from
// <mach-o/loader.h> and <mach-o/nlist.h> (there is no Mach-O linker on Debian's test machines:
// no ld64.lld-16, no clang-16 driver). The tests state every offset and address themselves;
// llvm-objdump-16 --macho --private-headers and llvm-nm-16 then confirm the layout is real.

export interface HandSection {
  sectname: string;
  segname: string;
  addr: bigint;
  size: bigint;
  offset: number;
  align: number;
  flags: number;
}
export interface HandSegment {
  segname: string;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: bigint;
  filesize: bigint;
  maxprot: number;
  initprot: number;
  sections: HandSection[];
}
export interface HandSymbol {
  name: string;
  type: number;
  sect: number;
  desc: number;
  value: bigint;
}
export type HandCommand =
  | { kind: 'segment'; segment: HandSegment }
  | { kind: 'unixthread'; pc: bigint; sp?: bigint }
  | { kind: 'main'; entryoff: bigint; stacksize: bigint }
  | { kind: 'uuid'; bytes: Uint8Array }
  | { kind: 'symtab'; symoff: number; stroff: number; symbols: HandSymbol[] }
  | { kind: 'fileset-entry'; vmaddr: bigint; fileoff: bigint; id: string }
  | { kind: 'raw'; cmd: number; body: Uint8Array };

export interface HandMachO {
  filetype: number;
  flags: number;
  commands: HandCommand[];
  /** Bytes to place at file offsets (section contents, nested headers). */
  blobs: Array<{ offset: number; bytes: Uint8Array }>;
  /** Total file size (at least past every blob and table). */
  size: number;
}

class Out {
  parts: number[] = [];
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  u16(v: number) {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number) {
    for (let i = 0; i < 4; i++) this.u8(v >>> (8 * i));
  }
  u64(v: bigint) {
    for (let i = 0n; i < 8n; i++) this.u8(Number((v >> (8n * i)) & 0xffn));
  }
  name16(s: string) {
    const b = new TextEncoder().encode(s);
    for (let i = 0; i < 16; i++) this.u8(b[i] ?? 0);
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.u8(x);
  }
}

/** The string table and nlist_64 entries of a symtab: strings start with a space and a NUL, as ld64 writes them. */
export function symtabBlobs(symbols: HandSymbol[]): { nlist: Uint8Array; strings: Uint8Array } {
  const strs = new Out();
  strs.u8(0x20);
  strs.u8(0);
  const nl = new Out();
  for (const s of symbols) {
    const strx = strs.parts.length;
    strs.bytes(new TextEncoder().encode(s.name));
    strs.u8(0);
    nl.u32(strx);
    nl.u8(s.type);
    nl.u8(s.sect);
    nl.u16(s.desc);
    nl.u64(s.value);
  }
  while (strs.parts.length % 8) strs.u8(0);
  return { nlist: Uint8Array.from(nl.parts), strings: Uint8Array.from(strs.parts) };
}

function command(c: HandCommand): Uint8Array {
  const o = new Out();
  switch (c.kind) {
    case 'segment': {
      const s = c.segment;
      o.u32(0x19);
      o.u32(72 + 80 * s.sections.length);
      o.name16(s.segname);
      o.u64(s.vmaddr);
      o.u64(s.vmsize);
      o.u64(s.fileoff);
      o.u64(s.filesize);
      o.u32(s.maxprot);
      o.u32(s.initprot);
      o.u32(s.sections.length);
      o.u32(0);
      for (const x of s.sections) {
        o.name16(x.sectname);
        o.name16(x.segname);
        o.u64(x.addr);
        o.u64(x.size);
        o.u32(x.offset);
        o.u32(x.align);
        o.u32(0);
        o.u32(0);
        o.u32(x.flags);
        o.u32(0);
        o.u32(0);
        o.u32(0);
      }
      break;
    }
    case 'unixthread':
      // LC_UNIXTHREAD, ARM_THREAD_STATE64 (6), 68 words: x0..x28, fp, lr, sp, pc, cpsr, flags.
      o.u32(0x5);
      o.u32(16 + 272);
      o.u32(6);
      o.u32(68);
      for (let i = 0; i < 31; i++) o.u64(0n);
      o.u64(c.sp ?? 0n);
      o.u64(c.pc);
      o.u32(0);
      o.u32(0);
      break;
    case 'main':
      o.u32(0x80000028);
      o.u32(24);
      o.u64(c.entryoff);
      o.u64(c.stacksize);
      break;
    case 'uuid':
      o.u32(0x1b);
      o.u32(24);
      o.bytes(c.bytes);
      break;
    case 'symtab': {
      const t = symtabBlobs(c.symbols);
      o.u32(0x2);
      o.u32(24);
      o.u32(c.symoff);
      o.u32(c.symbols.length);
      o.u32(c.stroff);
      o.u32(t.strings.length);
      break;
    }
    case 'fileset-entry': {
      const name = new TextEncoder().encode(c.id);
      const size = (32 + name.length + 1 + 7) & ~7;
      o.u32(0x80000035);
      o.u32(size);
      o.u64(c.vmaddr);
      o.u64(c.fileoff);
      o.u32(32);
      o.u32(0);
      o.bytes(name);
      while (o.parts.length < size) o.u8(0);
      break;
    }
    case 'raw':
      o.u32(c.cmd);
      o.u32(8 + c.body.length);
      o.bytes(c.body);
      break;
  }
  return Uint8Array.from(o.parts);
}

/**
 * Serialises `m`: mach_header_64, the load commands, then blobs and symtab tables at their
 * offsets. Tables beyond `size` are left out, for a nested (fileset entry) header whose tables
 * the enclosing file places.
 */
export function buildMachO(m: HandMachO): Uint8Array {
  const cmds = m.commands.map(command);
  const sizeofcmds = cmds.reduce((n, c) => n + c.length, 0);
  const h = new Out();
  h.u32(0xfeedfacf);
  h.u32(0x0100000c);
  h.u32(0);
  h.u32(m.filetype);
  h.u32(cmds.length);
  h.u32(sizeofcmds);
  h.u32(m.flags);
  h.u32(0);
  const out = new Uint8Array(m.size);
  out.set(h.parts, 0);
  let at = 32;
  for (const c of cmds) {
    out.set(c, at);
    at += c.length;
  }
  for (const c of m.commands) {
    if (c.kind !== 'symtab') continue;
    const t = symtabBlobs(c.symbols);
    if (c.symoff + t.nlist.length <= m.size) out.set(t.nlist, c.symoff);
    if (c.stroff + t.strings.length <= m.size) out.set(t.strings, c.stroff);
  }
  for (const b of m.blobs) out.set(b.bytes, b.offset);
  return out;
}

/** Size of the string table buildMachO writes for `symbols`. */
export const stringTableSize = (symbols: HandSymbol[]) => symtabBlobs(symbols).strings.length;
