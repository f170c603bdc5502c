// Layer: core/hv handlers. Secondary CPUs the guest starts through PMGR (spec §13.5 step 2,
// §9.6): the 0x20-byte CPU-start block is hooked; a 32-bit write at offset ≥ 8 starts the cores
// of cluster (offset − 8) / 4, one bit per core, each with P_HV_START_SECONDARY at the entry its
// RVBAR (cpu-impl-reg[0]) holds. Imports core/formats and core/hv.

import { adtRegPhys, findNode, type AdtNode } from '../../formats/adt/index.ts';
import { TraceMode } from '../constants.ts';
import { hex } from '../errors.ts';
import { CpuState, type HvHost } from '../host.ts';
import type { TrapSession } from '../trap-session.ts';
import type { HookVmHandler } from './hook-vm.ts';

/** Offset of the CPU-start block from PMGR reg[0] by chip id (§13.5). */
export function cpuStartOffset(chipId: number): bigint | undefined {
  if ([0x8103, 0x6000, 0x6001, 0x6002].includes(chipId)) return 0x54000n;
  if ([0x8112, 0x8122, 0x8132, 0x8140, 0x6030].includes(chipId)) return 0x34000n;
  if ([0x6020, 0x6021, 0x6022].includes(chipId)) return 0x28000n;
  if ([0x6031, 0x6034, 0x6040, 0x6041].includes(chipId)) return 0x88000n;
  return undefined;
}

const DIE_STRIDE = 0x20_0000_0000n;
const CPU_START_SIZE = 0x20n;
/** RVBAR holds the entry in bits 43:0 (the low bit is LOCK). */
const RVBAR_ADDR_MASK = 0xfff_ffff_ffffn;

/** The /cpus node for (die, cluster, core): reg = die << 11 | cluster << 8 | core. */
export function findCpuNode(adt: AdtNode, die: number, cluster: number, core: number): AdtNode | undefined {
  const want = (die << 11) | (cluster << 8) | core;
  return findNode(adt, '/cpus')?.children.find((c) => c.has('reg') && c.bytes('reg').length >= 4 && c.u32Array('reg')[0] === want);
}

export interface CpuStartOptions {
  chipId: number;
  /** Kernel entry: the start address on locked CPUs (entry & ~0xFFF, §9.6). */
  entry: () => bigint;
  onStarted?: (cpu: number, entry: bigint) => void;
}

/** Installs the hooks; returns how many dies were hooked (0: unknown SoC, nothing done). */
export function installCpuStartHooks(host: HvHost, hooks: HookVmHandler, options: CpuStartOptions): number {
  const off = cpuStartOffset(options.chipId);
  const pmgr = findNode(host.adt, '/arm-io/pmgr');
  if (off === undefined || !pmgr) {
    host.log(`hv: CPU start unknown for chip ${hex(options.chipId)}; secondaries will not start`);
    return 0;
  }
  const pmgrBase = adtRegPhys(pmgr, 0).addr;
  const armIo = findNode(host.adt, '/arm-io');
  const dies = armIo?.has('die-count') ? armIo.u32('die-count') : 1;
  for (let die = 0; die < dies; die++) {
    const base = pmgrBase + off + BigInt(die) * DIE_STRIDE;
    const { request } = hooks.addNumbered(base, CPU_START_SIZE, {
      write: async (s, _base, offset, value, widthBits) => {
        const v = Array.isArray(value) ? value[0]! : value;
        if (offset < 8n || widthBits !== 32) {
          host.log(`hv: CPU start block +${hex(offset)} = ${hex(v)} (${widthBits} bits) ignored`);
          return;
        }
        const cluster = Number((offset - 8n) / 4n);
        for (let core = 0; core < 32; core++) if ((v >> BigInt(core)) & 1n) await startSecondary(s, die, cluster, core, options);
      },
    });
    host.maps.queueRaw(request);
    host.maps.add(base, CPU_START_SIZE, 'CPU_START', TraceMode.RESERVED);
  }
  return dies;
}

async function startSecondary(s: TrapSession, die: number, cluster: number, core: number, options: CpuStartOptions): Promise<void> {
  const host = s.host;
  const node = findCpuNode(host.adt, die, cluster, core);
  if (!node) {
    host.log(`hv: guest started ${die}:${cluster}:${core}, which the ADT does not list`);
    return;
  }
  const index = node.u32('cpu-id');
  let entry: bigint;
  if (host.features?.appleSysregsUnlocked && node.has('cpu-impl-reg')) {
    entry = (await host.proxy.read64(node.u64Array('cpu-impl-reg')[0]!)) & RVBAR_ADDR_MASK & ~1n; // bit 0 is LOCK
  } else {
    entry = options.entry() & ~0xfffn;
  }
  host.cpus.set(index, new CpuState({ index, die, cluster, core }));
  // The new CPU starts with the MDSCR_EL1 m1n1 took at P_HV_START (§9.6), step set (see
  // Hypervisor.start) with PSTATE.SS clear: it takes a step trap before its first instruction,
  // where the debugger's slots are written on it (DebugState.onStep, §9.11). The start goes with
  // the session's final burst (no round trip of its own).
  s.defer(host.proxy.hvStartSecondary(index, entry));
  host.log(`hv: cpu${index} (${die}:${cluster}:${core}) started at ${hex(entry)}`);
  options.onStarted?.(index, entry);
}
