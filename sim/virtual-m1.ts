// Layer: sim. The virtual M1 as a whole: the machine (8 GiB of DRAM, 8 cores, the j274 devices),
// iBoot's hand-over (boot_args and the Apple Device Tree), and the m1n1 firmware model serving
// it on one or more proxy channels. Imports sim/ and the transport interface only.

import type { ByteTransport } from '../core/transport/transport.ts';
import { FirmwareProxy, createDefaultOpTable, EXIT_TARGET_RESET, EXIT_TARGET_SLEEP } from './firmware/index.ts';
import { heapOps } from './firmware/ops/heap.ts';
import { callOps } from './firmware/ops/calls.ts';
import { smpOps } from './firmware/ops/smp.ts';
import type { CpuBackend } from './firmware/ops/cpu-backend.ts';
import { VIRTUAL_M1_LAYOUT, installBoard, type InstalledBoard } from './board/index.ts';
import { Machine } from './machine/machine.ts';
import { callAreas, installCallAreas, type CallAreas } from './machine/firmware-call.ts';
import { machineCpuBackend } from './machine/cpu-backend.ts';
import { deviceContext } from './machine/device-host.ts';
import { createJ274Devices, type J274Devices } from './devices/index.ts';
import { UsbPipe } from './machine/usb-pipe.ts';
import { machineIodevBackend } from './machine/iodev-backend.ts';
import { extraOpFamilies, KbootState, type ExtraOpDeps } from './firmware/ops/extra.ts';
import { hvOps } from './firmware/ops/hv.ts';
import { nextStageOps, type NextStageSink } from './firmware/ops/next-stage.ts';
import { enterLevel } from './machine/core-context.ts';
import { Hypervisor } from './hypervisor/hypervisor.ts';
import { hvLayout } from './hypervisor/layout.ts';
import { createDcpCoprocessor, type DcpCoprocessor } from './coproc/index.ts';
import { createDcpEndpoint, type DcpEndpoint } from './coproc/dcp/dcp-endpoint.ts';

export { VIRTUAL_M1_LAYOUT };

export interface VirtualM1Options {
  /** CPUs present (1–8, default 8 as on a Mac mini). */
  cpus?: number;
  onConsole?: (line: string) => void;
  /** Log lines about the machine itself (resets, channels). */
  onLog?: (line: string) => void;
  /** Bytes the guest sends on the physical UART0 (a serial cable on the bench; not the USB link). */
  onUart0?: (byte: number) => void;
}

/**
 * GPIO pin 10 is the demo board's "button": its input toggles every 10 ms of virtual time
 * (model choice; the demo guest takes its GPIO interrupt, examples/guest/README.md).
 */
export const DEMO_GPIO_INPUT = { pin: 10, periodTicks: 240_000n } as const;

export class VirtualM1 {
  readonly machine: Machine;
  readonly devices: J274Devices;
  readonly hv: Hypervisor;
  /** The display coprocessor: ASC mailbox + RTKit, dart-dcp, dart-disp0 (apple-devices §4–§7, §9.4). */
  readonly dcp: DcpCoprocessor;
  /** Its RTKit application endpoint 0x37 (the DCP firmware model, §7.14). */
  readonly dcpep: DcpEndpoint;
  /** Where iBoot left boot_args and the ADT (rewritten at every power-on: the host may have edited them). */
  board!: InstalledBoard;
  private readonly areas: CallAreas;
  private readonly channels: FirmwareProxy[] = [];
  /** Pipe 1 (the virtual UART) of each USB device, by proxy iodev (§1.2, §11). */
  readonly vuartPipes = new Map<number, UsbPipe>();
  private readonly log: (line: string) => void;
  private readonly cpu: CpuBackend;
  /** m1n1's heap: one per machine (every channel talks to the same m1n1), emptied by a reboot. */
  private readonly heap = heapOps({ heapStart: VIRTUAL_M1_LAYOUT.topOfKernelData });
  /** What the extra op families share across channels (one m1n1, one kboot state, one iodev table). */
  private readonly extraDeps: ExtraOpDeps;
  /** Where m1n1 jumps when its proxy session ends with a next stage (P_VECTOR, P_KBOOT_BOOT). */
  private nextStage: { entry: bigint; args: readonly bigint[] } | undefined;
  private readonly stages: NextStageSink;

  constructor(private readonly options: VirtualM1Options = {}) {
    this.log = options.onLog ?? (() => {});
    this.machine = new Machine({ cpus: options.cpus ?? 8, log: this.log });
    const areas = (this.areas = callAreas(VIRTUAL_M1_LAYOUT.m1n1Base));
    this.cpu = machineCpuBackend(this.machine, areas);
    this.stages = {
      set: (entry, args) => void (this.nextStage = { entry, args }),
      // Model choice: m1n1's copy of a kernel's device tree at +28 MiB of its image region.
      placeDeviceTree: (bytes) => {
        const at = VIRTUAL_M1_LAYOUT.m1n1Base + 0x1c0_0000n;
        this.memory.writeBlock(at, bytes, 0, bytes.length);
        return at;
      },
      el3Thunk: areas.el3Thunk,
    };
    const fb = VIRTUAL_M1_LAYOUT.framebuffer;
    this.extraDeps = {
      adt: () => this.board.adt,
      iodevs: machineIodevBackend({
        proxy: (iodev) => this.channels.find((c) => c.iodev === iodev),
        vuartPipe: (iodev) => this.vuartPipes.get(iodev),
        uart0Tx: (byte) => options.onUart0?.(byte),
      }),
      kboot: new KbootState(),
      framebuffer: () => ({ base: fb.base, width: fb.width, height: fb.height, stride: fb.stride, depth: fb.depth }),
      // Model choice: m1n1's static structures (CPU features, carve-out list) at +0x3000 of its image.
      statics: { base: VIRTUAL_M1_LAYOUT.m1n1Base + 0x3000n, size: 0x1000 },
    };
    const ctx = deviceContext(this.machine, areas.secondaryEntry);
    this.devices = createJ274Devices(ctx, { onUartTx: options.onUart0 });
    for (const d of this.devices.all) this.machine.addDevice(d.base, d.size, d, d.name);
    const aic = this.devices.aic;
    // The DCP after the AIC it interrupts. Only dcp (0x231c00000), dart-dcp and dart-disp0 are
    // mapped (§9.4); disp0 itself is not: its reg[5] lies inside the PMGR window.
    this.dcpep = createDcpEndpoint();
    this.dcp = createDcpCoprocessor(ctx, {
      memory: this.memory,
      aicLine: (irq, level) => aic.setLine(irq, level),
      endpoints: [this.dcpep],
    });
    for (const d of this.dcp.devices) this.machine.addDevice(d.base, d.size, d, d.name);
    this.hv = new Hypervisor({
      machine: this.machine,
      layout: hvLayout(VIRTUAL_M1_LAYOUT.m1n1Base),
      ramBase: VIRTUAL_M1_LAYOUT.ramBase,
      m1n1Base: VIRTUAL_M1_LAYOUT.m1n1Base,
      aic: { base: aic.base, size: aic.size, maxIrq: 896 },
      vuartPipe: (iodev) => this.vuartPipes.get(iodev),
      // AIC SW_SET / SW_CLR (apple-devices §2.2).
      setSoftwareIrq: (irq, level) => void this.memory.write(aic.base + (level ? 0x4000n : 0x4080n) + BigInt(irq >> 5) * 4n, 4, 1n << BigInt(irq & 31)),
    });
    this.powerOn();
    this.machine.startIdleClock();
  }

  /** What iBoot and m1n1's start-up leave behind, at power-on and after every reset. */
  private powerOn(): void {
    this.machine.resetCores();
    this.hv.reset();
    this.heap.reset();
    for (const d of this.devices.all) d.reset?.();
    for (const d of this.dcp.devices) d.reset?.();
    this.board = installBoard(this.memory, VIRTUAL_M1_LAYOUT);
    installCallAreas(this.machine, this.areas);
    // m1n1 points every unlocked RVBAR at its own secondary entry (apple-devices §8.4).
    for (const impl of this.devices.cpuImpl) impl.write64(0, this.areas.secondaryEntry);
    this.devices.gpio.toggleEvery(DEMO_GPIO_INPUT.pin, DEMO_GPIO_INPUT.periodTicks);
  }

  /** Physical memory as the firmware and the host see it. */
  get memory(): Machine['memory'] {
    return this.machine.memory;
  }

  /**
   * A proxy channel as m1n1 has one per USB port (iodev USB0, USB1, …): it serves whichever
   * transport is attached, and loops like a Mac that reboots back into m1n1 after a reset or a
   * top-level P_EXIT. `vuart` is the same USB device's second CDC-ACM function (pipe 1), which
   * carries the guest's virtual UART once the host maps it (§11).
   */
  addUsbChannel(transport: ByteTransport | null = null, vuart: ByteTransport | null = null): FirmwareProxy {
    const iodev = 4 + this.channels.length;
    const pipe = new UsbPipe(`USB${iodev - 4} pipe 1`);
    pipe.attach(vuart);
    this.vuartPipes.set(iodev, pipe);
    const fw = new FirmwareProxy(transport, {
      channel: 'usb',
      iodev,
      memory: this.memory,
      // Ops keep state (the heap top), so each channel gets its own table over the shared memory.
      ops: createDefaultOpTable()
        .add(this.heap)
        .add(callOps(this.cpu))
        .add(smpOps(this.cpu))
        .add(hvOps(this.hv))
        .add(nextStageOps(this.cpu, this.extraDeps.kboot, this.stages)),
      machine: { baseAddr: VIRTUAL_M1_LAYOUT.m1n1Base, bootArgsAddr: this.board.bootArgsAddr, chipId: 0x8103 },
      onConsole: this.options.onConsole,
    });
    for (const family of extraOpFamilies(this.extraDeps)) fw.ops.add(family);
    this.channels.push(fw);
    void this.serveForever(fw);
    return fw;
  }

  private async serveForever(fw: FirmwareProxy): Promise<void> {
    for (;;) {
      const code = await fw.runTopLevel();
      const next = this.nextStage;
      if (next && code !== EXIT_TARGET_RESET && code !== EXIT_TARGET_SLEEP) {
        // m1n1 is gone: CPU 0 runs the next stage at EL2 and this channel stays silent.
        this.nextStage = undefined;
        this.log(`iodev ${fw.iodev}: m1n1 jumps to the next stage at 0x${next.entry.toString(16)}`);
        const boot = this.machine.core(0);
        for (let i = 0; i < 5; i++) boot.setX(i, next.args[i] ?? 0n);
        enterLevel(boot, 2, 1, Number(next.entry), 0xf << 6);
        this.machine.owner[0] = 'raw';
        this.machine.kickBackground();
        return;
      }
      if (code === EXIT_TARGET_SLEEP) {
        this.log(`iodev ${fw.iodev}: CPU asleep (P_SLEEP); the channel stays silent`);
        return;
      }
      this.log(code === EXIT_TARGET_RESET ? `iodev ${fw.iodev}: target reset; back at the m1n1 prompt` : `iodev ${fw.iodev}: proxy exited (${code}): Nothing to do! Rebooting into m1n1`);
      // The whole Mac reboots: every channel's firmware state and the machine start afresh.
      for (const channel of this.channels) if (channel !== fw) channel.resetState();
      fw.resetState();
      this.powerOn();
    }
  }
}
