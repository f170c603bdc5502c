// Layer: sim/coproc. Builds the virtual M1's display coprocessor plumbing: the DCP's ASC mailbox,
// its RTKit firmware and the two DARTs that serve it (apple-devices §4–§7, addresses §9.4).
// Imports sim/devices (types), sim/memory (types) and sim/coproc.
//
// The machine maps `devices` into its AddressSpace and passes `aicLine` = aic.setLine. The DCP
// application endpoints (EP 0x37 …) plug in through `endpoints` (sim/coproc/rtkit/endpoint.ts);
// their DMA goes through dart-dcp stream 0 with asc-dram-mask stripped (§5.4, §7.14).

import type { Device, DeviceContext } from '../devices/device.ts';
import type { PhysicalMemory } from '../memory/physical-memory.ts';
import { AscMailbox } from './asc/asc.ts';
import { DCP_ASC_BASE, DCP_ASC_SIZE, DCP_MAILBOX_IRQS } from './asc/asc-registers.ts';
import { Dart } from './dart/dart.ts';
import { DART_DCP_BASE, DART_DCP_IRQ, DART_DISP0_BASE, DART_SIZE } from './dart/dart-registers.ts';
import type { RtkitAppEndpoint } from './rtkit/endpoint.ts';
import { RtkitFirmware, type RtkitOptions } from './rtkit/rtkit.ts';

export { AscMailbox, type AscCoprocessor, type AscIrqLines, type AscOptions } from './asc/asc.ts';
export * from './asc/asc-registers.ts';
export { Dart, type DartLookup, type DartOptions } from './dart/dart.ts';
export * from './dart/dart-registers.ts';
export { DartFaultError, dartFaultNames } from './dart/dart-fault-error.ts';
export type { RtkitAppEndpoint, RtkitEndpointIo } from './rtkit/endpoint.ts';
export { RtkitFirmware, type RtkitDma, type RtkitOptions, type RtkitPhase } from './rtkit/rtkit.ts';
export * as rtkitMessages from './rtkit/messages.ts';

/** `/arm-io/dcp/iop-dcp-nub` asc-dram-mask (§5.4, §9.4). */
export const DCP_ASC_DRAM_MASK = 0xf00000000n;
/** `/arm-io/dart-dcp/mapper-dcp` reg: the DCP's stream (§6, §9.4). */
export const DCP_DART_SID = 0;

/** An AIC input: `aic.setLine(irq, level)`. */
export type AicLine = (irq: number, level: boolean) => void;

export interface DcpCoprocessorOptions {
  /** AP memory (the machine's AddressSpace) for page tables and DMA. */
  memory: PhysicalMemory;
  aicLine: AicLine;
  endpoints: RtkitAppEndpoint[];
  /** Overrides for the RTKit model (timing, syslog geometry, boot syslog lines …). */
  rtkit?: Partial<Omit<RtkitOptions, 'dma' | 'endpoints'>>;
}

export interface DcpCoprocessor {
  /** The ASC (mailbox at +0x8000), dart-dcp and dart-disp0, to map at their `base`. */
  devices: Device[];
  asc: AscMailbox;
  rtkit: RtkitFirmware;
  /** dart-dcp: every DCP DMA goes through it (stream DCP_DART_SID). */
  dart: Dart;
  dartDisp0: Dart;
}

/** Several devices on one level-triggered AIC line (both DCP DARTs use 445): the line is their OR. */
function sharedLine(aicLine: AicLine, irq: number): () => (level: boolean) => void {
  const levels: boolean[] = [];
  let out = false;
  return () => {
    const i = levels.push(false) - 1;
    return (level) => {
      levels[i] = level;
      const any = levels.some((l) => l);
      if (any !== out) {
        out = any;
        aicLine(irq, any);
      }
    };
  };
}

export function createDcpCoprocessor(ctx: DeviceContext, options: DcpCoprocessorOptions): DcpCoprocessor {
  const { aicLine, memory } = options;
  const asc = new AscMailbox(ctx, {
    name: 'dcp',
    base: DCP_ASC_BASE,
    size: DCP_ASC_SIZE,
    irqs: {
      sendEmpty: (l) => aicLine(DCP_MAILBOX_IRQS.sendEmpty, l),
      sendNotEmpty: (l) => aicLine(DCP_MAILBOX_IRQS.sendNotEmpty, l),
      recvEmpty: (l) => aicLine(DCP_MAILBOX_IRQS.recvEmpty, l),
      recvNotEmpty: (l) => aicLine(DCP_MAILBOX_IRQS.recvNotEmpty, l),
    },
  });
  const dartLine = sharedLine(aicLine, DART_DCP_IRQ);
  const dart = new Dart(ctx, { name: 'dart-dcp', base: DART_DCP_BASE, size: DART_SIZE, memory, irq: dartLine() });
  const dartDisp0 = new Dart(ctx, { name: 'dart-disp0', base: DART_DISP0_BASE, size: DART_SIZE, memory, irq: dartLine() });
  const rtkit = new RtkitFirmware(ctx, asc, {
    name: 'dcp',
    ascDramMask: DCP_ASC_DRAM_MASK,
    bootSyslog: [
      { context: 'RTKit', message: 'RTKit virtual firmware for dcp (t8103)' },
      { context: 'dcp', message: 'iomfb: waiting for the AP (EP 0x37)' },
    ],
    ...options.rtkit,
    endpoints: options.endpoints,
    dma: {
      read: (iova, length) => dart.read(DCP_DART_SID, iova, length),
      write: (iova, bytes) => dart.write(DCP_DART_SID, iova, bytes),
    },
  });
  return { devices: [asc, dart, dartDisp0], asc, rtkit, dart, dartDisp0 };
}
