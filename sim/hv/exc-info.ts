// Layer: sim/hv, the virtual M1's hypervisor model. Imports sim/memory's PhysicalMemory type only.
//
// The two structures the hypervisor hands the host by address, as declarative field tables:
// `struct exc_info` (§9.2: 368 bytes defined, 512 reserved on the hypervisor stack) and
// `struct hv_vm_proxy_hook_data` (§10.6: 80 bytes, `exc_info.extra` of a HOOK_VM session).
// Little-endian u32/u64 fields (§0), the layouts of m1n1's src/exception.h and src/hv.h.

import type { PhysicalMemory } from '../memory/physical-memory.ts';

export interface FieldSpec<K extends string = string> {
  readonly name: K;
  readonly offset: number;
  /** Bytes per element: 4 or 8. */
  readonly size: 4 | 8;
  /** Array length; 1 for a scalar. */
  readonly count: number;
}

export interface StructLayout<K extends string = string> {
  readonly name: string;
  /** Bytes the host reads and writes. */
  readonly size: number;
  /** Bytes the firmware reserves for it (≥ size). */
  readonly reserved: number;
  readonly fields: readonly FieldSpec<K>[];
}

export type ExcInfoField =
  | 'regs'
  | 'spsr'
  | 'elr'
  | 'esr'
  | 'far'
  | 'afsr1'
  | 'sp'
  | 'cpuId'
  | 'mpidr'
  | 'elrPhys'
  | 'farPhys'
  | 'spPhys'
  | 'extra';

/** §9.2. `regs[31]` is scratch; `sp` is SP_EL0, SP_EL1 and the structure's own address. */
export const EXC_INFO_LAYOUT: StructLayout<ExcInfoField> = {
  name: 'exc_info',
  size: 368,
  reserved: 512,
  fields: [
    { name: 'regs', offset: 0x000, size: 8, count: 32 },
    { name: 'spsr', offset: 0x100, size: 8, count: 1 },
    { name: 'elr', offset: 0x108, size: 8, count: 1 },
    { name: 'esr', offset: 0x110, size: 8, count: 1 },
    { name: 'far', offset: 0x118, size: 8, count: 1 },
    { name: 'afsr1', offset: 0x120, size: 8, count: 1 },
    { name: 'sp', offset: 0x128, size: 8, count: 3 },
    { name: 'cpuId', offset: 0x140, size: 8, count: 1 },
    { name: 'mpidr', offset: 0x148, size: 8, count: 1 },
    { name: 'elrPhys', offset: 0x150, size: 8, count: 1 },
    { name: 'farPhys', offset: 0x158, size: 8, count: 1 },
    { name: 'spPhys', offset: 0x160, size: 8, count: 1 },
    { name: 'extra', offset: 0x168, size: 8, count: 1 },
  ],
};

export type HookDataField = 'flags' | 'id' | 'addr' | 'data';

/** §10.6. `data` holds up to HV_MAX_RW_SIZE (64) bytes as eight u64. */
export const HOOK_DATA_LAYOUT: StructLayout<HookDataField> = {
  name: 'hv_vm_proxy_hook_data',
  size: 80,
  reserved: 80,
  fields: [
    { name: 'flags', offset: 0x00, size: 4, count: 1 },
    { name: 'id', offset: 0x04, size: 4, count: 1 },
    { name: 'addr', offset: 0x08, size: 8, count: 1 },
    { name: 'data', offset: 0x10, size: 8, count: 8 },
  ],
};

/** Every field as bigint[] (scalars have one element). */
export type StructValues<K extends string> = Record<K, bigint[]>;

export function emptyValues<K extends string>(layout: StructLayout<K>): StructValues<K> {
  const out = {} as StructValues<K>;
  for (const f of layout.fields) out[f.name] = new Array<bigint>(f.count).fill(0n);
  return out;
}

export function encodeStruct<K extends string>(layout: StructLayout<K>, values: Partial<StructValues<K>>): Uint8Array {
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  for (const f of layout.fields) {
    const v = values[f.name];
    for (let i = 0; i < f.count; i++) {
      const x = v?.[i] ?? 0n;
      const at = f.offset + i * f.size;
      if (f.size === 8) view.setBigUint64(at, BigInt.asUintN(64, x), true);
      else view.setUint32(at, Number(BigInt.asUintN(32, x)), true);
    }
  }
  return bytes;
}

export function decodeStruct<K extends string>(layout: StructLayout<K>, bytes: Uint8Array): StructValues<K> {
  if (bytes.length < layout.size) throw new RangeError(`${layout.name}: need ${layout.size} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, layout.size);
  const out = {} as StructValues<K>;
  for (const f of layout.fields) {
    const arr: bigint[] = [];
    for (let i = 0; i < f.count; i++) {
      const at = f.offset + i * f.size;
      arr.push(f.size === 8 ? view.getBigUint64(at, true) : BigInt(view.getUint32(at, true)));
    }
    out[f.name] = arr;
  }
  return out;
}

/** Writes the structure at `addr`; false if the memory faulted. */
export function writeStruct<K extends string>(mem: PhysicalMemory, addr: bigint, layout: StructLayout<K>, values: Partial<StructValues<K>>): boolean {
  const bytes = encodeStruct(layout, values);
  return mem.writeBlock(addr, bytes, 0, bytes.length);
}

/** Reads the structure at `addr`; undefined if the memory faulted. */
export function readStruct<K extends string>(mem: PhysicalMemory, addr: bigint, layout: StructLayout<K>): StructValues<K> | undefined {
  const bytes = new Uint8Array(layout.size);
  return mem.readBlock(addr, bytes, 0, bytes.length) ? decodeStruct(layout, bytes) : undefined;
}

// ---- exc_info as a friendly object ---------------------------------------------------------

export interface ExcInfo {
  /** x0..x30 and the scratch slot 31. */
  regs: bigint[];
  spsr: bigint;
  elr: bigint;
  esr: bigint;
  far: bigint;
  afsr1: bigint;
  /** SP_EL0, SP_EL1, address of the structure. */
  sp: [bigint, bigint, bigint];
  cpuId: bigint;
  mpidr: bigint;
  elrPhys: bigint;
  farPhys: bigint;
  spPhys: bigint;
  extra: bigint;
}

export function newExcInfo(): ExcInfo {
  return {
    regs: new Array<bigint>(32).fill(0n),
    spsr: 0n,
    elr: 0n,
    esr: 0n,
    far: 0n,
    afsr1: 0n,
    sp: [0n, 0n, 0n],
    cpuId: 0n,
    mpidr: 0n,
    elrPhys: 0n,
    farPhys: 0n,
    spPhys: 0n,
    extra: 0n,
  };
}

function toValues(info: ExcInfo): StructValues<ExcInfoField> {
  return {
    regs: info.regs,
    spsr: [info.spsr],
    elr: [info.elr],
    esr: [info.esr],
    far: [info.far],
    afsr1: [info.afsr1],
    sp: [...info.sp],
    cpuId: [info.cpuId],
    mpidr: [info.mpidr],
    elrPhys: [info.elrPhys],
    farPhys: [info.farPhys],
    spPhys: [info.spPhys],
    extra: [info.extra],
  };
}

function fromValues(v: StructValues<ExcInfoField>): ExcInfo {
  const one = (k: ExcInfoField) => v[k][0]!;
  return {
    regs: v.regs,
    spsr: one('spsr'),
    elr: one('elr'),
    esr: one('esr'),
    far: one('far'),
    afsr1: one('afsr1'),
    sp: [v.sp[0]!, v.sp[1]!, v.sp[2]!],
    cpuId: one('cpuId'),
    mpidr: one('mpidr'),
    elrPhys: one('elrPhys'),
    farPhys: one('farPhys'),
    spPhys: one('spPhys'),
    extra: one('extra'),
  };
}

export const encodeExcInfo = (info: ExcInfo): Uint8Array => encodeStruct(EXC_INFO_LAYOUT, toValues(info));
export const decodeExcInfo = (bytes: Uint8Array): ExcInfo => fromValues(decodeStruct(EXC_INFO_LAYOUT, bytes));
export const writeExcInfo = (mem: PhysicalMemory, addr: bigint, info: ExcInfo): boolean => writeStruct(mem, addr, EXC_INFO_LAYOUT, toValues(info));

export function readExcInfo(mem: PhysicalMemory, addr: bigint): ExcInfo | undefined {
  const v = readStruct(mem, addr, EXC_INFO_LAYOUT);
  return v && fromValues(v);
}

// ---- hv_vm_proxy_hook_data ----------------------------------------------------------------

export interface HookData {
  /** MMIO_EVT_* flags (trace-events.ts): WIDTH (may be 4..6 here), WRITE, ATTR, SH; CPU = MULTI = 0. */
  flags: number;
  /** Descriptor bits 49:2 (the host's hook id), as m1n1 truncates it to u32. */
  id: number;
  addr: bigint;
  /** Eight u64: the written bytes, or the host's read result. */
  data: bigint[];
}

export const encodeHookData = (h: HookData): Uint8Array =>
  encodeStruct(HOOK_DATA_LAYOUT, { flags: [BigInt(h.flags >>> 0)], id: [BigInt(h.id >>> 0)], addr: [h.addr], data: h.data });

export function decodeHookData(bytes: Uint8Array): HookData {
  const v = decodeStruct(HOOK_DATA_LAYOUT, bytes);
  return { flags: Number(v.flags[0]!), id: Number(v.id[0]!), addr: v.addr[0]!, data: v.data };
}

export const writeHookData = (mem: PhysicalMemory, addr: bigint, h: HookData): boolean => {
  const bytes = encodeHookData(h);
  return mem.writeBlock(addr, bytes, 0, bytes.length);
};

export function readHookData(mem: PhysicalMemory, addr: bigint): HookData | undefined {
  const bytes = new Uint8Array(HOOK_DATA_LAYOUT.size);
  return mem.readBlock(addr, bytes, 0, bytes.length) ? decodeHookData(bytes) : undefined;
}
