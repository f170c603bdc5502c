// Layer: core/formats. DWARF 2–5 constants the line-table and unit readers use, as data
// (DWARF 5 standard, §6.2 line tables, §7.5 forms, §7.22 line number encodings). Imports nothing.

/** Standard line-program opcodes (DWARF 5 §6.2.5.2). */
export const DW_LNS = {
  copy: 1,
  advance_pc: 2,
  advance_line: 3,
  set_file: 4,
  set_column: 5,
  negate_stmt: 6,
  set_basic_block: 7,
  const_add_pc: 8,
  fixed_advance_pc: 9,
  set_prologue_end: 10,
  set_epilogue_begin: 11,
  set_isa: 12,
} as const;

/** Extended opcodes (after a 0 byte and a ULEB128 length; §6.2.5.3). */
export const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;

/** Content types of DWARF 5 directory and file entry formats (§6.2.4.1). */
export const DW_LNCT = { path: 1, directory_index: 2, timestamp: 3, size: 4, MD5: 5 } as const;

/** Attribute forms (§7.5.6). */
export const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

/** The tags and attributes the unit walk reads (§7.5.3, §7.5.4). */
export const DW_TAG = { compile_unit: 0x11, partial_unit: 0x3c, skeleton_unit: 0x4a, subprogram: 0x2e, inlined_subroutine: 0x1d } as const;
export const DW_AT = {
  name: 0x03,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  comp_dir: 0x1b,
  specification: 0x47,
  abstract_origin: 0x31,
  linkage_name: 0x6e,
  MIPS_linkage_name: 0x2007,
  str_offsets_base: 0x72,
  addr_base: 0x73,
} as const;

/** Unit types of DWARF 5 unit headers (§7.5.1). */
export const DW_UT = { compile: 1, type: 2, partial: 3, skeleton: 4, split_compile: 5, split_type: 6 } as const;
