// Layer: sim/hypervisor. The devices m1n1's hypervisor emulates itself behind firmware HOOK
// descriptors — the vuart (§11), the AIC hook of IRQ tracing (§10.8), virtio-mmio (§12) — and
// the watchdog CPU (§9.10): what P_HV_MAP_VUART, P_HV_TRACE_IRQ, P_HV_MAP_VIRTIO,
// P_VIRTIO_PUT_BUFFER and P_HV_WDT_START set up. Imports sim/hv and this folder.

import { SpteType, softwareDescriptor } from '../hv/descriptors.ts';
import { Vuart } from '../hv/vuart.ts';
import { VirtioDevice, readVirtioConfig } from '../hv/virtio.ts';
import type { FirmwareServices } from '../firmware/op-table.ts';
import type { Hypervisor } from './hypervisor.ts';

/** P_HV_MAP_VUART: a firmware HOOK over 4 KiB at `base`, bytes on pipe 1 of `iodev`. */
export function mapVuart(hv: Hypervisor, fw: FirmwareServices, base: bigint, irq: number, iodev: number): void {
  hv.map(base, softwareDescriptor(SpteType.HOOK, hv.deps.layout.hooks.vuart), 0x1000n, 0n);
  hv.vuart = new Vuart(hv.deps.vuartPipe(iodev), { setSoftwareIrq: hv.deps.setSoftwareIrq, console: (t) => fw.console(t) }, irq);
}

/** P_HV_TRACE_IRQ: the first successful call hooks the AIC. */
export function traceIrq(hv: Hypervisor, fw: FirmwareServices, type: number, num: number, count: number, flags: number): bigint {
  const r = hv.irqTrace.configure(type, num, count, flags);
  if (r.message) fw.console(`${r.message}\n`);
  if (r.installHook) hv.map(hv.deps.aic.base, softwareDescriptor(SpteType.HOOK, hv.deps.layout.hooks.aic), hv.deps.aic.size, 0n);
  return r.retval;
}

/** P_HV_MAP_VIRTIO: a virtio-mmio device over 4 KiB at `base`, configured from `confPtr`. */
export function mapVirtio(hv: Hypervisor, fw: FirmwareServices, base: bigint, confPtr: bigint): void {
  const conf = readVirtioConfig(hv.machine.memory, confPtr);
  if (!conf) {
    fw.console(`HV: cannot read the virtio configuration at 0x${confPtr.toString(16)}\n`);
    return;
  }
  const handler = hv.deps.layout.hooks.virtio + BigInt(hv.virtio.size) * 0x10n;
  hv.virtio.set(handler, new VirtioDevice(base, conf, hv.machine.memory, hv.deps.setSoftwareIrq));
  hv.map(base, softwareDescriptor(SpteType.HOOK, handler), 0x1000n, 0n);
}

export function virtioPutBuffer(hv: Hypervisor, base: bigint, queue: number, idx: number, length: number): void {
  for (const dev of hv.virtio.values()) if (dev.base === base) dev.putBuffer(queue, idx, length);
}

/**
 * P_HV_WDT_START: the CPU is given to the watchdog (never to the guest). Model choice: the
 * model's hypervisor cannot hang inside the guest loop (JavaScript serves every slice), so the
 * watchdog never barks.
 */
export function wdtStart(hv: Hypervisor, cpu: number): void {
  if (cpu > 0 && cpu < hv.machine.cpuCount) {
    hv.wdtCpu = cpu;
    hv.machine.owner[cpu] = 'firmware';
  }
}
