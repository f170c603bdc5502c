// Layer: core/proxy. Hypervisor ops, 0xC00 (spec §6.11; semantics §9, §10). Imports core/proxy only.

import { cpuArg, regsArg, ret, uintArg, type Regs4, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withHvOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class HvOps extends Base {
    /** P_HV_INIT: prepares the hypervisor (§9.1). */
    async hvInit(): Promise<void> {
      await this.request('P_HV_INIT');
    }

    /**
     * P_HV_MAP(ipa, to, size, incr): stage-2 mapping (§10.2). `to` is the descriptor template
     * (0 unmaps); `incr` is 1 for linear maps, 0 for hooks and unmapping. The target always
     * returns 0, even for a misaligned request (§15.7, §15.40), so there is nothing to check.
     * Follow a batch of changes with TLBI VMALLS12E1IS.
     */
    async hvMap(ipa: bigint, to: bigint, sizeBytes: Size, incr: number | bigint): Promise<void> {
      await this.request('P_HV_MAP', [ipa, to, sizeBytes, incr]);
    }

    /**
     * P_HV_START(entry, x0..x3): runs the guest on the boot CPU. The reply comes only when the
     * hypervisor exits; callbacks (REQ_BOOT) and events are served meanwhile by core/uartproxy.
     */
    async hvStart(entry: bigint, ...regs: Regs4): Promise<void> {
      await this.request('P_HV_START', [entry, ...regsArg(regs, 4, 'P_HV_START')]);
    }

    /**
     * P_HV_TRANSLATE(va, stage1Only, forWrite, parOut): the translated address, 0n on a fault,
     * `va` itself when the guest MMU is off (§10.3). `parOut` (0n = none) receives the raw PAR.
     */
    async hvTranslate(va: bigint, stage1Only = false, forWrite = false, parOut: bigint = 0n): Promise<bigint> {
      return this.request('P_HV_TRANSLATE', [va, stage1Only, forWrite, parOut]);
    }

    /** P_HV_PT_WALK(ipa): the raw stage-2 descriptor covering `ipa` (§10.3). */
    async hvPtWalk(ipa: bigint): Promise<bigint> {
      return this.request('P_HV_PT_WALK', [ipa]);
    }

    /** P_HV_MAP_VUART(base, irq, iodev): the virtual UART of §11. */
    async hvMapVuart(base: bigint, irq: number, iodev: number): Promise<void> {
      await this.request('P_HV_MAP_VUART', [base, uintArg(irq, 32, 'P_HV_MAP_VUART irq'), uintArg(iodev, 32, 'P_HV_MAP_VUART iodev')]);
    }

    /**
     * P_HV_TRACE_IRQ(type, irq, count, flags): starts (`trace`) or stops tracing `count` IRQs
     * from `irq` (§10.8). `eventType` must be AIC_EVENT_TYPE_HW (1); `trace` is sent as flags 1
     * (trace) or 0 (untrace). Resolves with whether the target accepted it.
     */
    async hvTraceIrq(eventType: number, irq: number, count: number, trace: boolean): Promise<boolean> {
      return ret.bool(
        await this.request('P_HV_TRACE_IRQ', [
          uintArg(eventType, 32, 'P_HV_TRACE_IRQ type'),
          uintArg(irq, 32, 'P_HV_TRACE_IRQ irq'),
          uintArg(count, 32, 'P_HV_TRACE_IRQ count'),
          trace ? 1n : 0n,
        ]),
      );
    }

    /** P_HV_WDT_START(cpu): dedicates that CPU to the watchdog (§9.10). */
    async hvWdtStart(cpu: number): Promise<void> {
      await this.request('P_HV_WDT_START', [cpuArg(cpu, 'P_HV_WDT_START')]);
    }

    /** P_HV_START_SECONDARY(cpu, entry, x0..x3) (§9.6). */
    async hvStartSecondary(cpu: number, entry: bigint, ...regs: Regs4): Promise<void> {
      await this.request('P_HV_START_SECONDARY', [cpuArg(cpu, 'P_HV_START_SECONDARY'), entry, ...regsArg(regs, 4, 'P_HV_START_SECONDARY')]);
    }

    /**
     * P_HV_SWITCH_CPU(cpu): true if the switch was initiated; end the session with P_EXIT(2)
     * next (§9.6). The index is checked locally: the firmware's bound check is off by one (§15.33).
     */
    async hvSwitchCpu(cpu: number): Promise<boolean> {
      return ret.bool(await this.request('P_HV_SWITCH_CPU', [cpuArg(cpu, 'P_HV_SWITCH_CPU')]));
    }

    /** P_HV_SET_TIME_STEALING(enabled, resetOffset) (§9.7). `resetOffset` defaults to false (§15.10). */
    async hvSetTimeStealing(enabled: boolean, resetOffset = false): Promise<void> {
      await this.request('P_HV_SET_TIME_STEALING', [enabled, resetOffset]);
    }

    /** P_HV_PIN_CPU(cpu): only that CPU may open sessions; −1 unpins (sent as all ones). */
    async hvPinCpu(cpu: number): Promise<void> {
      await this.request('P_HV_PIN_CPU', [cpuArg(cpu, 'P_HV_PIN_CPU', true)]);
    }

    /** P_HV_WRITE_HCR(value): writes HCR_EL2. */
    async hvWriteHcr(value: bigint): Promise<void> {
      await this.request('P_HV_WRITE_HCR', [value]);
    }

    /** P_HV_MAP_VIRTIO(base, config): `config` points to the virtio config struct of §12 (must stay valid). */
    async hvMapVirtio(base: bigint, config: bigint): Promise<void> {
      await this.request('P_HV_MAP_VIRTIO', [base, config]);
    }

    /** P_VIRTIO_PUT_BUFFER(base, queue, descIndex, length). */
    async virtioPutBuffer(base: bigint, queue: number, descIndex: number, lengthBytes: Size): Promise<void> {
      await this.request('P_VIRTIO_PUT_BUFFER', [
        base,
        uintArg(queue, 32, 'P_VIRTIO_PUT_BUFFER queue'),
        uintArg(descIndex, 32, 'P_VIRTIO_PUT_BUFFER descriptor'),
        lengthBytes,
      ]);
    }

    /** P_HV_EXIT_CPU(cpu): that CPU leaves the guest at its next exit; −1 (default) = the calling CPU. */
    async hvExitCpu(cpu = -1): Promise<void> {
      await this.request('P_HV_EXIT_CPU', [cpuArg(cpu, 'P_HV_EXIT_CPU', true)]);
    }

    /** P_HV_ADD_TIME(ticks): signed; the guest's virtual clock jumps forward by `ticks` (§9.7). */
    async hvAddTime(ticks: bigint | number): Promise<void> {
      await this.request('P_HV_ADD_TIME', [ticks]);
    }
  };
}
