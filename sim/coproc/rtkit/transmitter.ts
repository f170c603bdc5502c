// Layer: sim/coproc (RTKit). The IOP's outgoing side of the mailbox: an ordered queue that
// pushes into the ASC outbox only while the coprocessor runs and the outbox has room (a real IOP
// checks I2A FULL before pushing, mirroring the AP's §4.3 send sequence), plus the recent-message
// log the crash dump's Cmbx entry carries (§5.6). Imports sim/coproc/asc (types) and this folder.

import type { AscMailbox } from '../asc/asc.ts';
import type { MailboxLogRecord } from './crash-dump.ts';

export const MAILBOX_LOG_DEPTH = 32;

export class RtkitTransmitter {
  private readonly queue: Array<{ ep: number; msg0: bigint }> = [];
  private readonly log: MailboxLogRecord[] = [];

  constructor(
    private readonly asc: AscMailbox,
    private readonly isRunning: () => boolean,
    private readonly now: () => bigint,
  ) {}

  /** The last MAILBOX_LOG_DEPTH messages, both directions. */
  get mailboxLog(): readonly MailboxLogRecord[] {
    return this.log;
  }

  get pending(): number {
    return this.queue.length;
  }

  send(ep: number, msg0: bigint): void {
    this.queue.push({ ep, msg0: BigInt.asUintN(64, msg0) });
    this.flush();
  }

  /** Pushes queued messages while the outbox has room; the rest waits for `flush` again. */
  flush(): void {
    while (this.queue.length > 0 && this.isRunning()) {
      const m = this.queue[0]!;
      if (this.asc.outbox.full || !this.asc.iopSend(m.msg0, BigInt(m.ep))) break;
      this.queue.shift();
      this.record(m.ep, m.msg0);
    }
  }

  clear(): void {
    this.queue.length = 0;
  }

  record(ep: number, msg0: bigint): void {
    this.log.push({ endpoint: ep, message: msg0, timestamp: Number(this.now() & 0xffff_ffffn) });
    if (this.log.length > MAILBOX_LOG_DEPTH) this.log.shift();
  }
}
