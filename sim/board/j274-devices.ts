// Layer: sim/board. The j274 (Mac mini M1 2020, t8103) facts the ADT carries, as data: the
// /arm-io bus window, every device's physical window and AIC interrupts (spec apple-devices
// §9.3–9.4), the CPUs (§8.1, §9.5) and the PMGR `devices`/`ps-regs` records (§9.4). The device
// models can take their numbers from here too. Imports nothing from hvdbg.

/** §9.3 model choice: /arm-io ranges[0] = bus 0x0 → 0x2_0000_0000, size 0x8000_0000. */
export const ARM_IO_RANGE = { bus: 0x0n, parent: 0x2_0000_0000n, size: 0x8000_0000n } as const;

export interface ArmIoDevice {
  /** Node name under /arm-io. */
  name: string;
  compatible: readonly string[];
  /** CPU physical (address, size) windows in reg order; bus = phys − 0x2_0000_0000 (§9.3). */
  reg: readonly (readonly [bigint, bigint])[];
  /** AIC IRQ numbers (one cell each, §9.1); interrupt-parent is the AIC's phandle when present. */
  interrupts?: readonly number[];
  /** The first child, when the spec asks for one (iop-dcp-nub, mapper-*). */
  firstChild?: 'iop-dcp-nub' | 'mapper';
}

/**
 * §9.4, in its order. Compatible strings marked "unknown" there are model choices: `gpio,t8103`
 * (the spec's), `uart-1,samsung`, `pmgr1,t8103`, `dcp,t8103`, `disp0,t8103`. Sizes the spec
 * leaves open use its model choices (pmgr 0x80000, dcp 0xc000). The dcp has no reg[1] (optional).
 */
export const J274_ARM_IO_DEVICES: readonly ArmIoDevice[] = [
  { name: 'aic', compatible: ['aic,1'], reg: [[0x2_3b10_0000n, 0x8000n]] },
  { name: 'gpio', compatible: ['gpio,t8103'], reg: [[0x2_3c10_0000n, 0x10_0000n]], interrupts: [190, 191, 192, 193, 194, 195, 196] },
  { name: 'uart0', compatible: ['uart-1,samsung'], reg: [[0x2_3520_0000n, 0x4000n]], interrupts: [605] },
  { name: 'pmgr', compatible: ['pmgr1,t8103'], reg: [[0x2_3b70_0000n, 0x8_0000n]] },
  { name: 'dcp', compatible: ['dcp,t8103'], reg: [[0x2_31c0_0000n, 0xc000n]], interrupts: [427, 428, 429, 430], firstChild: 'iop-dcp-nub' },
  { name: 'dart-dcp', compatible: ['dart,t8020'], reg: [[0x2_3130_c000n, 0x4000n]], interrupts: [445], firstChild: 'mapper' },
  { name: 'dart-disp0', compatible: ['dart,t8020'], reg: [[0x2_3130_4000n, 0x4000n]], interrupts: [445], firstChild: 'mapper' },
  {
    name: 'disp0',
    compatible: ['disp0,t8103'],
    // §9.4 model choice, in this order; [5] + 0x14 and [6] feed the DCP driver's rt_bw_config.
    reg: [
      [0x2_3000_0000n, 0x3e_8000n],
      [0x2_3132_0000n, 0x4000n],
      [0x2_3134_4000n, 0x4000n],
      [0x2_3180_0000n, 0x80_0000n],
      [0x2_3b3d_0000n, 0x4000n],
      [0x2_3b73_8000n, 0x1000n],
      [0x2_3bc3_c000n, 0x1000n],
    ],
    interrupts: [502],
  },
];

/** §9.4: `iop-dcp-nub` asc-dram-mask. */
export const DCP_ASC_DRAM_MASK = 0xf_0000_0000n;
/** §9.4: the mapper children's `reg` (the stream ID; 0 for the DCP). */
export const DART_MAPPER_SID = 0;

export interface CpuDescription {
  cpuId: number;
  cluster: number;
  core: number;
  /** cpu-impl-reg base (RVBAR), §8.1. */
  implReg: bigint;
}

/** §8.1: cluster 0 = Icestorm cpu0–3, cluster 1 = Firestorm cpu4–7; impl = 0x210050000 | cluster<<24 | core<<20. */
export const J274_CPUS: readonly CpuDescription[] = Array.from({ length: 8 }, (_, cpuId) => {
  const cluster = cpuId >> 2;
  const core = cpuId & 3;
  return { cpuId, cluster, core, implReg: 0x2_1005_0000n | (BigInt(cluster) << 24n) | (BigInt(core) << 20n) };
});
/** §9.5 model choice: the size of each cpu-impl-reg window. */
export const CPU_IMPL_REG_SIZE = 0x1_0000n;

/** A `ps-regs` record (§9.4): {u32 reg index, u32 offset, u32 mask}. */
export interface PsReg {
  reg: number;
  offset: number;
  mask: number;
}

/** A `devices` record (§9.4, 48 bytes); fields not listed are zero. */
export interface PmgrDevice {
  name: string;
  flags: number;
  id: number;
  /** Parent device ids, written as 2×u16 (the m1n1 host's reading); 0 = none. */
  parents: readonly [number, number];
  psidx: number;
  psreg: number;
}

/**
 * Model choice (the real tables are not in the sources, §10.7): one ps-regs block at pmgr
 * reg[0] + 0x100, so a device's power-state register is reg[0] + 0x100 + psidx·8 (m1n1 pmgr.c).
 * UART0's lands at 0x23b700270 and its parents SIO (0x1c0) and SIO_BUSIF (0x1b8), which we
 * believe is where Linux's t8103 PMGR tree puts them. Every word of the model's PMGR window
 * outside the CPU-start block is a power-state register (sim/devices/pmgr.ts), so any choice works.
 */
export const J274_PS_REGS: readonly PsReg[] = [{ reg: 0, offset: 0x100, mask: 0 }];
export const J274_PMGR_DEVICES: readonly PmgrDevice[] = [
  { name: 'SIO_BUSIF', flags: 0, id: 1, parents: [0, 0], psidx: 23, psreg: 0 },
  { name: 'SIO', flags: 0, id: 2, parents: [1, 0], psidx: 24, psreg: 0 },
  { name: 'UART0', flags: 0, id: 3, parents: [2, 0], psidx: 46, psreg: 0 },
  // The USB-C controllers behind the proxy's USB devices: m1n1's hypervisor host hooks their
  // power state by name (ATCn_USB, ATCn_USB_AON) so the guest cannot cut the host's link.
  { name: 'ATC0_USB_AON', flags: 0, id: 4, parents: [1, 0], psidx: 80, psreg: 0 },
  { name: 'ATC0_USB', flags: 0, id: 5, parents: [4, 0], psidx: 81, psreg: 0 },
  { name: 'ATC1_USB_AON', flags: 0, id: 6, parents: [1, 0], psidx: 82, psreg: 0 },
  { name: 'ATC1_USB', flags: 0, id: 7, parents: [6, 0], psidx: 83, psreg: 0 },
];

export const PMGR_DEVICE_RECORD_SIZE = 48;
export const PS_REG_RECORD_SIZE = 12;

/** The `devices` value: 48-byte records laid out as §9.4's table. */
export function encodePmgrDevices(devices: readonly PmgrDevice[]): Uint8Array {
  const out = new Uint8Array(devices.length * PMGR_DEVICE_RECORD_SIZE);
  const view = new DataView(out.buffer);
  devices.forEach((d, i) => {
    const at = i * PMGR_DEVICE_RECORD_SIZE;
    view.setUint8(at + 0, d.flags);
    view.setUint8(at + 3, d.id); // id1
    view.setUint16(at + 4, d.parents[0], true);
    view.setUint16(at + 6, d.parents[1], true);
    view.setUint8(at + 10, d.psidx);
    view.setUint8(at + 11, d.psreg);
    view.setUint16(at + 26, d.id, true); // id2
    for (let c = 0; c < Math.min(d.name.length, 15); c++) out[at + 32 + c] = d.name.charCodeAt(c);
  });
  return out;
}

/** The `ps-regs` value: 12-byte records {reg, offset, mask}. */
export function encodePsRegs(regs: readonly PsReg[]): Uint8Array {
  const out = new Uint8Array(regs.length * PS_REG_RECORD_SIZE);
  const view = new DataView(out.buffer);
  regs.forEach((r, i) => {
    view.setUint32(i * 12, r.reg, true);
    view.setUint32(i * 12 + 4, r.offset, true);
    view.setUint32(i * 12 + 8, r.mask, true);
  });
  return out;
}
