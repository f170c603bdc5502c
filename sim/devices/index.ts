// Layer: sim/devices. The j274 (Mac mini M1) core device set at the ADT addresses of
// apple-devices §9.4 and §8.1, wired together: GPIO groups → AIC 190–196, UART0 → AIC 605,
// PMGR start → cpu-impl RVBAR. Imports this folder only.

import { Aic } from './aic/aic.ts';
import { CpuDebugLock, CpuImplRegs, CpuRunState } from './cpu-impl.ts';
import type { Device, DeviceContext } from './device.ts';
import { Gpio } from './gpio.ts';
import { GPIO_FIRST_AIC_IRQ, GPIO_GROUP_COUNT } from './gpio-registers.ts';
import { Pmgr } from './pmgr.ts';
import { UART0_AIC_IRQ, Uart } from './uart.ts';

export type { Device, DeviceContext, IrqLine } from './device.ts';
export { Aic } from './aic/aic.ts';
export * from './aic/aic-registers.ts';
export { Gpio } from './gpio.ts';
export * from './gpio-registers.ts';
export type { InputStep, ScriptHandle, ToggleOptions } from './gpio-script.ts';
export { Pmgr, PMGR_BASE, PMGR_SIZE, PMGR_CPU_START_OFFSET, PsState } from './pmgr.ts';
export { CpuDebugLock, CpuImplRegs, CpuRunState, cpuImplBase, cpuCluster, cpuCore, CORESIGHT_UNLOCK_KEY } from './cpu-impl.ts';
export { Uart, UART0_BASE, UART0_SIZE, UART0_AIC_IRQ, UCON, UTRSTAT, UFSTAT, UFCON } from './uart.ts';

export interface J274DeviceOptions {
  /** UART0 transmit sink (the guest's console). */
  onUartTx?: (byte: number) => void;
}

export interface J274Devices {
  readonly aic: Aic;
  readonly gpio: Gpio;
  readonly pmgr: Pmgr;
  readonly uart: Uart;
  /** cpu-impl-reg blocks (RVBAR, status), one per logical CPU (§8.1, §8.3). */
  readonly cpuImpl: readonly CpuImplRegs[];
  /** CoreSight lock pages at cpu-impl-reg − 0x20000 (§8.3, corellium start path). */
  readonly cpuDebug: readonly CpuDebugLock[];
  readonly runState: CpuRunState;
  /** Every MMIO device, for AddressSpace.addMmio(d.base, d.size, d, d.name). */
  readonly all: readonly Device[];
}

export function createJ274Devices(ctx: DeviceContext, options: J274DeviceOptions = {}): J274Devices {
  const aic = new Aic(ctx);
  const groupLines = Array.from({ length: GPIO_GROUP_COUNT }, (_, g) => (level: boolean) => aic.setLine(GPIO_FIRST_AIC_IRQ + g, level));
  const gpio = new Gpio(ctx, { groupLines });
  const uart = new Uart(ctx, { onTx: options.onUartTx, irq: (level) => aic.setLine(UART0_AIC_IRQ, level) });
  const runState = new CpuRunState(ctx);
  const cpuImpl = Array.from({ length: ctx.cpuCount }, (_, cpu) => new CpuImplRegs(ctx, cpu, runState));
  const cpuDebug = Array.from({ length: ctx.cpuCount }, (_, cpu) => new CpuDebugLock(cpu));
  const pmgr = new Pmgr(ctx, { resetVector: (cpu) => cpuImpl[cpu]!.resetVector, runState });
  return { aic, gpio, pmgr, uart, cpuImpl, cpuDebug, runState, all: [aic, gpio, uart, pmgr, ...cpuImpl, ...cpuDebug] };
}
