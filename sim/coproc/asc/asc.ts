// Layer: sim/coproc (ASC). The ASC control block and mailbox of an Apple coprocessor as an MMIO
// device (apple-devices §4). Imports sim/devices (Device contract), sim/memory (FAULT) and this
// folder.
//
// Two FIFOs (§4.5): A2I ("inbox", AP → IOP) and I2A ("outbox", IOP → AP). The AP side is the
// register sequence of §4.3; the IOP side exists both as registers (A2I_RECV*, I2A_SEND*, for a
// tracer or a guest playing the coprocessor) and as a direct API for the virtual firmware
// (`attach`, `iopSend`). The firmware only runs while CPU_CONTROL.RUN = 1 (§4.5): messages the AP
// pushes earlier wait in the inbox, and the firmware is told of RUN edges.
// Timing (deterministic): the running firmware sees inbox messages `inboxLatencyTicks` after they
// are pushed (one DeviceContext.schedule per batch), never inside the AP's MMIO write.
// Interrupts (§4.5 model choice): the four level lines follow the FIFO states unconditionally;
// software masks them in the AIC. Access rules: the control/status registers are 32-bit, the
// message registers 64-bit; other widths fault. Other offsets in the window are RAZ/WI.

import { FAULT, type Fault } from '../../memory/physical-memory.ts';
import type { Device, DeviceContext, IrqLine } from '../../devices/device.ts';
import { ASC_MESSAGE_REGS, ASC_REGS, CPU_CONTROL, CPU_STATUS, DCP_ASC_BASE, DCP_ASC_SIZE } from './asc-registers.ts';
import { MailboxFifo, type MailboxMessage } from './mailbox-fifo.ts';

/** The virtual firmware behind the mailbox (the RTKit model implements it). */
export interface AscCoprocessor {
  /** CPU_CONTROL.RUN went 0 → 1. */
  run(): void;
  /** CPU_CONTROL.RUN went 1 → 0 (or the device was reset): the coprocessor is halted. */
  halt(): void;
  /** An inbox (A2I) message reached the running coprocessor; it has been popped. */
  receive(msg0: bigint, msg1: bigint): void;
  /** The AP popped an outbox (I2A) message: there is room again. */
  outboxSpace(): void;
  /** The device was reset: forget everything (the next RUN is a cold boot). */
  reset?(): void;
}

export interface AscIrqLines {
  sendEmpty?: IrqLine;
  sendNotEmpty?: IrqLine;
  recvEmpty?: IrqLine;
  recvNotEmpty?: IrqLine;
}

export interface AscOptions {
  name?: string;
  base?: bigint;
  size?: bigint;
  irqs?: AscIrqLines;
  /** Ticks between an inbox push and the running firmware seeing it (default 24 = 1 µs). */
  inboxLatencyTicks?: bigint;
}

export const ASC_DEFAULT_INBOX_LATENCY = 24n;

export class AscMailbox implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  readonly inbox = new MailboxFifo();
  readonly outbox = new MailboxFifo();
  private cpuControl = 0;
  private latchedMsg0 = 0n;
  private iopLatchedMsg0 = 0n;
  private coprocessor: AscCoprocessor | undefined;
  private drain: { cancel(): void } | undefined;
  private readonly lineLevels: [boolean, boolean, boolean, boolean] = [false, false, false, false];
  private readonly latency: bigint;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly options: AscOptions = {},
  ) {
    this.name = options.name ?? 'dcp-asc';
    this.base = options.base ?? DCP_ASC_BASE;
    this.size = options.size ?? DCP_ASC_SIZE;
    this.latency = options.inboxLatencyTicks ?? ASC_DEFAULT_INBOX_LATENCY;
    this.updateIrqs(true);
  }

  /** Connects the virtual firmware. Only one; it learns of RUN edges from now on. */
  attach(coprocessor: AscCoprocessor): void {
    this.coprocessor = coprocessor;
    if (this.running) this.scheduleDrain();
  }

  get running(): boolean {
    return (this.cpuControl & CPU_CONTROL.RUN) !== 0;
  }

  /** IOP side: push a message into the outbox. False when it is full (nothing pushed, OVERFLOW set). */
  iopSend(msg0: bigint, msg1: bigint): boolean {
    const ok = this.outbox.push({ msg0: BigInt.asUintN(64, msg0), msg1: BigInt.asUintN(64, msg1) });
    this.updateIrqs();
    return ok;
  }

  reset(): void {
    const wasRunning = this.running;
    this.cpuControl = 0;
    this.drain?.cancel();
    this.drain = undefined;
    this.inbox.reset();
    this.outbox.reset();
    this.latchedMsg0 = this.iopLatchedMsg0 = 0n;
    if (wasRunning) this.coprocessor?.halt();
    this.coprocessor?.reset?.();
    this.updateIrqs();
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = ASC_REGS.lookup(offset);
    if (!reg) return 0;
    if (ASC_MESSAGE_REGS.has(reg.name)) return FAULT;
    switch (reg.name) {
      case 'CPU_CONTROL':
        return this.cpuControl >>> 0;
      case 'CPU_STATUS':
        return this.cpuStatus();
      case 'INBOX_CTRL':
        return this.inbox.control();
      case 'OUTBOX_CTRL':
        return this.outbox.control();
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = ASC_REGS.lookup(offset);
    if (!reg) return;
    if (ASC_MESSAGE_REGS.has(reg.name)) return FAULT;
    switch (reg.name) {
      case 'CPU_CONTROL':
        this.writeCpuControl(value >>> 0);
        return;
      case 'INBOX_CTRL':
        this.inbox.writeControl(value);
        return;
      case 'OUTBOX_CTRL':
        this.outbox.writeControl(value);
        return;
      default:
        return;
    }
  }

  read64(offset: number): bigint | Fault {
    if ((offset & 7) !== 0) return FAULT;
    const reg = ASC_REGS.lookup(offset);
    if (!reg) return 0n;
    if (!ASC_MESSAGE_REGS.has(reg.name)) return FAULT;
    switch (reg.name) {
      case 'OUTBOX0':
        return this.outbox.peek()?.msg0 ?? 0n;
      case 'OUTBOX1':
        return this.popOutbox()?.msg1 ?? 0n;
      case 'A2I_RECV0':
        return this.inbox.peek()?.msg0 ?? 0n;
      case 'A2I_RECV1': {
        const m = this.inbox.pop();
        this.updateIrqs();
        return m?.msg1 ?? 0n;
      }
      default:
        return 0n; // the SEND registers are write-only
    }
  }

  write64(offset: number, value: bigint): void | Fault {
    if ((offset & 7) !== 0) return FAULT;
    const reg = ASC_REGS.lookup(offset);
    if (!reg) return;
    if (!ASC_MESSAGE_REGS.has(reg.name)) return FAULT;
    const v = BigInt.asUintN(64, value);
    switch (reg.name) {
      case 'INBOX0':
        this.latchedMsg0 = v;
        return;
      case 'INBOX1':
        this.pushInbox({ msg0: this.latchedMsg0, msg1: v });
        return;
      case 'I2A_SEND0':
        this.iopLatchedMsg0 = v;
        return;
      case 'I2A_SEND1':
        this.iopSend(this.iopLatchedMsg0, v);
        return;
      default:
        return; // the RECV registers are read-only
    }
  }

  private cpuStatus(): number {
    // RUNNING = RUN, STOPPED = !RUN (§4.5). Model choices: no interrupt is ever pending inside the
    // virtual coprocessor (both NOT_PEND bits 1); IDLE = running with an empty inbox.
    const run = this.running;
    let v = CPU_STATUS.IRQ_NOT_PEND | CPU_STATUS.FIQ_NOT_PEND;
    v |= run ? CPU_STATUS.RUNNING : CPU_STATUS.STOPPED;
    if (run && this.inbox.empty) v |= CPU_STATUS.IDLE;
    return v >>> 0;
  }

  private writeCpuControl(value: number): void {
    const was = this.running;
    this.cpuControl = value;
    const now = this.running;
    if (!was && now) {
      this.ctx.log(`${this.name}: coprocessor started (CPU_CONTROL.RUN=1)`);
      this.coprocessor?.run();
      this.scheduleDrain();
    } else if (was && !now) {
      this.ctx.log(`${this.name}: coprocessor stopped (CPU_CONTROL.RUN=0)`);
      this.drain?.cancel();
      this.drain = undefined;
      this.coprocessor?.halt();
    }
  }

  private pushInbox(msg: MailboxMessage): void {
    if (!this.inbox.push(msg)) {
      this.ctx.log(`${this.name}: inbox full, message ${msg.msg0.toString(16)}:${msg.msg1.toString(16)} dropped (OVERFLOW)`);
    }
    this.updateIrqs();
    this.scheduleDrain();
  }

  private popOutbox(): MailboxMessage | undefined {
    const m = this.outbox.pop();
    this.updateIrqs();
    if (m) this.coprocessor?.outboxSpace();
    return m;
  }

  private scheduleDrain(): void {
    if (this.drain || !this.coprocessor || !this.running || this.inbox.empty) return;
    this.drain = this.ctx.schedule(this.ctx.now() + this.latency, () => {
      this.drain = undefined;
      this.deliverInbox();
    });
  }

  private deliverInbox(): void {
    while (this.running && this.coprocessor) {
      const m = this.inbox.pop();
      if (!m) break;
      this.updateIrqs();
      this.coprocessor.receive(m.msg0, m.msg1);
    }
  }

  private updateIrqs(force = false): void {
    const levels = [this.inbox.empty, !this.inbox.empty, this.outbox.empty, !this.outbox.empty] as const;
    const irqs = this.options.irqs ?? {};
    const lines = [irqs.sendEmpty, irqs.sendNotEmpty, irqs.recvEmpty, irqs.recvNotEmpty];
    for (let i = 0; i < 4; i++) {
      if (force || levels[i] !== this.lineLevels[i]) {
        this.lineLevels[i] = levels[i]!;
        lines[i]?.(levels[i]!);
      }
    }
  }
}
