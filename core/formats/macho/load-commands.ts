// Layer: core/formats. The Mach-O header and the load commands a loader and debugger need
// (LC_SEGMENT_64 with its sections, LC_SYMTAB, LC_UNIXTHREAD / LC_THREAD, LC_MAIN, LC_UUID,
// LC_FILESET_ENTRY); the rest are kept as raw {cmd, size}. Every field is checked against the
// file. Imports this folder and ../cursor.ts, ../format-error.ts.

import { Cursor } from '../cursor.ts';
import { FormatError, FormatErrorCode, formatError } from '../format-error.ts';
import {
  ARM_THREAD_STATE64,
  ARM_THREAD_STATE64_COUNT,
  ARM_THREAD_STATE64_PC,
  CPU_TYPE_ARM64,
  HEADER_SIZE,
  LC,
  LC_NAMES,
  LOAD_COMMAND_SIZE,
  MH_MAGIC_64,
  OTHER_MAGICS,
  SECTION_SIZE,
  SEGMENT_COMMAND_SIZE,
} from './constants.ts';

export interface MachHeader {
  /** File offset of the header (0, or a fileset entry's offset). */
  readonly offset: number;
  readonly cputype: number;
  readonly cpusubtype: number;
  readonly filetype: number;
  readonly ncmds: number;
  readonly sizeofcmds: number;
  readonly flags: number;
}

export interface MachSection {
  readonly sectname: string;
  readonly segname: string;
  readonly addr: bigint;
  readonly size: bigint;
  readonly offset: number;
  /** Power of two. */
  readonly align: number;
  readonly reloff: number;
  readonly nreloc: number;
  readonly flags: number;
}

interface CommandBase {
  readonly index: number;
  readonly cmd: number;
  readonly cmdsize: number;
  /** File offset of the command. */
  readonly offset: number;
}

export interface SegmentCommand extends CommandBase {
  readonly kind: 'segment';
  readonly segname: string;
  readonly vmaddr: bigint;
  readonly vmsize: bigint;
  readonly fileoff: bigint;
  readonly filesize: bigint;
  readonly maxprot: number;
  readonly initprot: number;
  readonly flags: number;
  readonly sections: readonly MachSection[];
}
export interface SymtabCommand extends CommandBase {
  readonly kind: 'symtab';
  readonly symoff: number;
  readonly nsyms: number;
  readonly stroff: number;
  readonly strsize: number;
}
export interface ThreadCommand extends CommandBase {
  readonly kind: 'thread';
  /** pc of the first ARM_THREAD_STATE64 state, if any. */
  readonly pc: bigint | undefined;
  readonly flavors: readonly number[];
}
export interface MainCommand extends CommandBase {
  readonly kind: 'main';
  readonly entryoff: bigint;
  readonly stacksize: bigint;
}
export interface UuidCommand extends CommandBase {
  readonly kind: 'uuid';
  readonly uuid: string;
}
export interface FilesetEntryCommand extends CommandBase {
  readonly kind: 'fileset-entry';
  readonly vmaddr: bigint;
  readonly fileoff: bigint;
  readonly entryId: string;
}
export interface OtherCommand extends CommandBase {
  readonly kind: 'other';
}
export type LoadCommand = SegmentCommand | SymtabCommand | ThreadCommand | MainCommand | UuidCommand | FilesetEntryCommand | OtherCommand;

const STRUCTURE = 'Mach-O';
const name16 = (b: Uint8Array) => {
  const end = b.indexOf(0);
  return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
};

export function readHeader(bytes: Uint8Array, offset: number): MachHeader {
  const c = new Cursor(bytes, STRUCTURE, FormatErrorCode.MACHO_TRUNCATED).seek(offset);
  if (bytes.length - offset < 4) throw formatError(FormatErrorCode.MACHO_TRUNCATED, STRUCTURE, offset, `the ${HEADER_SIZE}-byte mach_header_64 needs ${HEADER_SIZE} bytes, the file has ${Math.max(0, bytes.length - offset)}`);
  const magic = c.u32('magic');
  if (magic !== MH_MAGIC_64) {
    const what = OTHER_MAGICS[magic];
    throw new FormatError(
      what ? FormatErrorCode.MACHO_UNSUPPORTED : FormatErrorCode.MACHO_BAD_MAGIC,
      `${STRUCTURE} at offset 0x${offset.toString(16)}: magic 0x${magic.toString(16).padStart(8, '0')} ${what ? `is ${what}` : 'is not MH_MAGIC_64 (0xfeedfacf)'}`,
      { structure: STRUCTURE, offset },
    );
  }
  const h = { offset, cputype: c.u32('cputype'), cpusubtype: c.u32('cpusubtype'), filetype: c.u32('filetype'), ncmds: c.u32('ncmds'), sizeofcmds: c.u32('sizeofcmds'), flags: c.u32('flags') };
  c.u32('reserved');
  if (h.cputype !== CPU_TYPE_ARM64) throw formatError(FormatErrorCode.MACHO_UNSUPPORTED, STRUCTURE, offset + 4, `cputype 0x${h.cputype.toString(16)} is not CPU_TYPE_ARM64 (0x100000c)`);
  if (offset + HEADER_SIZE + h.sizeofcmds > bytes.length) throw formatError(FormatErrorCode.MACHO_TRUNCATED, STRUCTURE, offset + 20, `sizeofcmds 0x${h.sizeofcmds.toString(16)} reaches past the end of the file`);
  if (h.ncmds * LOAD_COMMAND_SIZE > h.sizeofcmds) throw formatError(FormatErrorCode.MACHO_MALFORMED, STRUCTURE, offset + 16, `ncmds ${h.ncmds} cannot fit in sizeofcmds 0x${h.sizeofcmds.toString(16)}`);
  return h;
}

/** The load commands after `h`. File offsets inside them are checked against the whole file. */
export function readLoadCommands(bytes: Uint8Array, h: MachHeader): LoadCommand[] {
  const start = h.offset + HEADER_SIZE;
  const end = start + h.sizeofcmds;
  const out: LoadCommand[] = [];
  let at = start;
  for (let index = 0; index < h.ncmds; index++) {
    const c = new Cursor(bytes.subarray(0, end), STRUCTURE, FormatErrorCode.MACHO_TRUNCATED).seek(at);
    const cmd = c.u32(`load command ${index} cmd`);
    const cmdsize = c.u32(`load command ${index} cmdsize`);
    const label = `load command ${index} (${LC_NAMES[cmd] ?? `0x${cmd.toString(16)}`})`;
    if (cmdsize < LOAD_COMMAND_SIZE || cmdsize % 4 !== 0 || at + cmdsize > end) {
      throw formatError(FormatErrorCode.MACHO_MALFORMED, label, at, `cmdsize ${cmdsize} is below 8, not a multiple of 4, or runs past sizeofcmds`);
    }
    // Bound the command's own fields by its cmdsize.
    const body = new Cursor(bytes.subarray(0, at + cmdsize), label, FormatErrorCode.MACHO_MALFORMED).seek(at + LOAD_COMMAND_SIZE);
    const base = { index, cmd, cmdsize, offset: at };
    out.push(readCommand(bytes, body, base, label));
    at += cmdsize;
  }
  return out;
}

function readCommand(bytes: Uint8Array, c: Cursor, base: CommandBase, label: string): LoadCommand {
  switch (base.cmd) {
    case LC.SEGMENT_64:
      return readSegment(bytes, c, base, label);
    case LC.SYMTAB: {
      const s = { ...base, kind: 'symtab' as const, symoff: c.u32('symoff'), nsyms: c.u32('nsyms'), stroff: c.u32('stroff'), strsize: c.u32('strsize') };
      inFile(bytes, BigInt(s.symoff), BigInt(s.nsyms) * 16n, label, 'symoff + nsyms × 16', base.offset + 8);
      inFile(bytes, BigInt(s.stroff), BigInt(s.strsize), label, 'stroff + strsize', base.offset + 16);
      return s;
    }
    case LC.THREAD:
    case LC.UNIXTHREAD: {
      let pc: bigint | undefined;
      const flavors: number[] = [];
      while (c.remaining > 0) {
        const flavor = c.u32('flavor');
        const count = c.u32('count');
        flavors.push(flavor);
        const stateAt = c.pos;
        c.need(count * 4, `thread state (flavor ${flavor}, ${count} words)`);
        if (flavor === ARM_THREAD_STATE64 && pc === undefined) {
          if (count < ARM_THREAD_STATE64_COUNT) throw formatError(FormatErrorCode.MACHO_MALFORMED, label, stateAt - 4, `ARM_THREAD_STATE64 count ${count} is below ${ARM_THREAD_STATE64_COUNT}`);
          pc = c.seek(stateAt + ARM_THREAD_STATE64_PC).u64('pc');
        }
        c.seek(stateAt + count * 4);
      }
      return { ...base, kind: 'thread', pc, flavors };
    }
    case LC.MAIN:
      return { ...base, kind: 'main', entryoff: c.u64('entryoff'), stacksize: c.u64('stacksize') };
    case LC.UUID: {
      const b = c.bytesOf(16, 'uuid');
      const hex = [...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join('');
      return { ...base, kind: 'uuid', uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
    }
    case LC.FILESET_ENTRY: {
      const vmaddr = c.u64('vmaddr');
      const fileoff = c.u64('fileoff');
      const nameOffset = c.u32('entry_id.offset');
      c.u32('reserved');
      if (nameOffset < 32 || nameOffset >= base.cmdsize) throw formatError(FormatErrorCode.MACHO_MALFORMED, label, base.offset + 24, `entry_id offset ${nameOffset} is outside the command`);
      const entryId = c.seek(base.offset + nameOffset).cstring('entry_id');
      inFile(bytes, fileoff, BigInt(HEADER_SIZE), label, 'fileoff', base.offset + 16);
      return { ...base, kind: 'fileset-entry', vmaddr, fileoff, entryId };
    }
    default:
      return { ...base, kind: 'other' };
  }
}

function readSegment(bytes: Uint8Array, c: Cursor, base: CommandBase, label: string): SegmentCommand {
  const segname = name16(c.bytesOf(16, 'segname'));
  const vmaddr = c.u64('vmaddr');
  const vmsize = c.u64('vmsize');
  const fileoff = c.u64('fileoff');
  const filesize = c.u64('filesize');
  const maxprot = c.u32('maxprot');
  const initprot = c.u32('initprot');
  const nsects = c.u32('nsects');
  const flags = c.u32('flags');
  if (SEGMENT_COMMAND_SIZE + nsects * SECTION_SIZE > base.cmdsize) {
    throw formatError(FormatErrorCode.MACHO_MALFORMED, label, base.offset + 64, `nsects ${nsects} × ${SECTION_SIZE} bytes do not fit in cmdsize ${base.cmdsize}`);
  }
  inFile(bytes, fileoff, filesize, label, 'fileoff + filesize', base.offset + 40);
  const sections: MachSection[] = [];
  for (let i = 0; i < nsects; i++) {
    const at = c.pos;
    const s: MachSection = {
      sectname: name16(c.bytesOf(16, 'sectname')),
      segname: name16(c.bytesOf(16, 'segname')),
      addr: c.u64('addr'),
      size: c.u64('size'),
      offset: c.u32('offset'),
      align: c.u32('align'),
      reloff: c.u32('reloff'),
      nreloc: c.u32('nreloc'),
      flags: c.u32('flags'),
    };
    c.skip(12, 'reserved1..3');
    // Zero-fill sections (and sections at offset 0 with no file data) have no bytes in the file.
    const zerofill = [0x1, 0xc, 0x12].includes(s.flags & 0xff);
    if (!zerofill && s.offset !== 0) inFile(bytes, BigInt(s.offset), s.size, `${label} section ${i} (${s.segname},${s.sectname})`, 'offset + size', at + 48);
    sections.push(s);
  }
  return { ...base, kind: 'segment', segname, vmaddr, vmsize, fileoff, filesize, maxprot, initprot, flags, sections };
}

function inFile(bytes: Uint8Array, offset: bigint, size: bigint, label: string, field: string, fieldAt: number): void {
  if (offset + size > BigInt(bytes.length)) {
    throw formatError(FormatErrorCode.MACHO_OUT_OF_RANGE, label, fieldAt, `${field} (0x${offset.toString(16)} + 0x${size.toString(16)}) reaches past the end of the file (0x${bytes.length.toString(16)} bytes)`);
  }
}
