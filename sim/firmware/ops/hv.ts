// Layer: sim/firmware/ops. The hypervisor ops (spec §6.11; semantics §9–§11) over the machine's
// hypervisor, seen through an interface so the firmware model does not import it. Imports the
// op table types.
//
// P_HV_START answers only when the hypervisor exits (§9.1): meanwhile the guest runs and the
// callbacks arrive as nested sessions. P_HV_MAP always answers 0 (§10.2, §15).

import type { FirmwareServices, OpFamily } from '../op-table.ts';

export interface HvBackend {
  init(): void;
  map(ipa: bigint, to: bigint, size: bigint, incr: bigint): void;
  start(fw: FirmwareServices, entry: bigint, args: readonly bigint[]): Promise<void>;
  translate(va: bigint, s1Only: boolean, write: boolean, parPtr: bigint): bigint;
  ptWalk(ipa: bigint): bigint;
  mapVuart(fw: FirmwareServices, base: bigint, irq: number, iodev: number): void;
  traceIrq(fw: FirmwareServices, type: number, num: number, count: number, flags: number): bigint;
  wdtStart(cpu: number): void;
  startSecondary(cpu: number, entry: bigint, args: readonly bigint[]): void;
  switchCpu(cpu: number): bigint;
  setTimeStealing(enabled: boolean, reset: boolean): void;
  pinCpu(cpu: number): void;
  writeHcr(value: bigint): void;
  exitCpu(cpu: number): void;
  addTime(ticks: bigint): void;
  mapVirtio(fw: FirmwareServices, base: bigint, confPtr: bigint): void;
  virtioPutBuffer(base: bigint, queue: number, idx: number, length: number): void;
}

const asCpu = (v: bigint): number => Number(BigInt.asIntN(64, v));

export function hvOps(hv: HvBackend): OpFamily {
  return {
    family: 'hv',
    ops: [
      { name: 'P_HV_INIT', handler: () => (hv.init(), 0n) },
      { name: 'P_HV_MAP', handler: (a) => (hv.map(a[0]!, a[1]!, a[2]!, a[3]!), 0n) },
      { name: 'P_HV_START', handler: async (a, ctx) => (await hv.start(ctx.firmware, a[0]!, Array.from(a.subarray(1, 5))), 0n) },
      { name: 'P_HV_TRANSLATE', handler: (a) => hv.translate(a[0]!, a[1]! !== 0n, a[2]! !== 0n, a[3]!) },
      { name: 'P_HV_PT_WALK', handler: (a) => hv.ptWalk(a[0]!) },
      { name: 'P_HV_MAP_VUART', handler: (a, ctx) => (hv.mapVuart(ctx.firmware, a[0]!, Number(BigInt.asUintN(32, a[1]!)), Number(BigInt.asUintN(32, a[2]!))), 0n) },
      {
        name: 'P_HV_TRACE_IRQ',
        handler: (a, ctx) => hv.traceIrq(ctx.firmware, Number(BigInt.asUintN(32, a[0]!)), Number(BigInt.asUintN(32, a[1]!)), Number(BigInt.asUintN(32, a[2]!)), Number(BigInt.asUintN(32, a[3]!))),
      },
      { name: 'P_HV_WDT_START', handler: (a) => (hv.wdtStart(asCpu(a[0]!)), 0n) },
      { name: 'P_HV_START_SECONDARY', handler: (a) => (hv.startSecondary(asCpu(a[0]!), a[1]!, Array.from(a.subarray(2, 6))), 0n) },
      { name: 'P_HV_SWITCH_CPU', handler: (a) => hv.switchCpu(asCpu(a[0]!)) },
      { name: 'P_HV_SET_TIME_STEALING', handler: (a) => (hv.setTimeStealing(a[0]! !== 0n, a[1]! !== 0n), 0n) },
      { name: 'P_HV_PIN_CPU', handler: (a) => (hv.pinCpu(asCpu(a[0]!)), 0n) },
      { name: 'P_HV_WRITE_HCR', handler: (a) => (hv.writeHcr(a[0]!), 0n) },
      { name: 'P_HV_EXIT_CPU', handler: (a) => (hv.exitCpu(asCpu(a[0]!)), 0n) },
      { name: 'P_HV_ADD_TIME', handler: (a) => (hv.addTime(BigInt.asIntN(64, a[0]!)), 0n) },
      { name: 'P_HV_MAP_VIRTIO', handler: (a, ctx) => (hv.mapVirtio(ctx.firmware, a[0]!, a[1]!), 0n) },
      {
        name: 'P_VIRTIO_PUT_BUFFER',
        handler: (a) => (hv.virtioPutBuffer(a[0]!, Number(a[1]! & 0xffffn), Number(a[2]! & 0xffffn), Number(a[3]! & 0xffffffffn)), 0n),
      },
    ],
  };
}
