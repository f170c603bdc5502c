// Layer: sim/coproc (RTKit). The IOP side of syslog (EP 2, apple-devices §5.5): entries written
// into the AP-provided buffer and announced with LOG, each slot reused only after the AP echoes
// its LOG. Imports this folder only.
//
// Entry layout (§5.5): stride 0x20 + ENTRYSIZE; hdr u32, unk u32 (model choice: both 0), a 24-byte
// NUL-terminated context, then the NUL-terminated message (truncated to ENTRYSIZE − 1 bytes).
// Slots go round-robin over COUNT (model choice of §5.5). Lines wait in a queue until the channel
// is enabled: buffer known, INIT sent and the AP's power state ON (m1n1: SET_AP_POWER(0x20)
// "enables syslog", §5.3 step 8).

import { syslogLog, field } from './messages.ts';

export const SYSLOG_CONTEXT_SIZE = 24;
export const SYSLOG_HEADER_SIZE = 0x20;

export interface SyslogLine {
  readonly context: string;
  readonly message: string;
}

export interface SyslogSink {
  /** Writes bytes at a DVA; throws (DartFaultError) when the AP did not map it. */
  write(dva: bigint, bytes: Uint8Array): void;
  send(msg0: bigint): void;
  log(line: string): void;
}

function putAscii(into: Uint8Array, at: number, s: string, max: number): void {
  const n = Math.min(s.length, max - 1);
  for (let i = 0; i < n; i++) into[at + i] = s.charCodeAt(i) & 0x7f;
}

/** The bytes of one entry (§5.5). */
export function encodeSyslogEntry(line: SyslogLine, entrySize: number): Uint8Array {
  const e = new Uint8Array(SYSLOG_HEADER_SIZE + entrySize);
  putAscii(e, 8, line.context, SYSLOG_CONTEXT_SIZE);
  putAscii(e, SYSLOG_HEADER_SIZE, line.message, entrySize);
  return e;
}

export class SyslogChannel {
  private buffer: bigint | undefined;
  private apOn = false;
  private inited = false;
  private next = 0;
  private readonly inFlight = new Set<number>();
  private readonly queue: SyslogLine[] = [];
  /** Lines announced to the AP so far. */
  sent = 0;

  constructor(
    readonly count: number,
    readonly entrySize: number,
    private readonly sink: SyslogSink,
  ) {}

  get stride(): number {
    return SYSLOG_HEADER_SIZE + this.entrySize;
  }

  /** Buffer size in 4 KiB pages needed for COUNT entries. */
  get pages(): number {
    return Math.ceil((this.count * this.stride) / 4096);
  }

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.buffer = undefined;
    this.apOn = this.inited = false;
    this.next = 0;
    this.inFlight.clear();
    this.queue.length = 0;
  }

  /** The buffer is known and INIT went out. */
  ready(dva: bigint): void {
    this.buffer = dva;
    this.inited = true;
    this.pump();
  }

  setApPowerOn(on: boolean): void {
    this.apOn = on;
    this.pump();
  }

  post(line: SyslogLine): void {
    this.queue.push(line);
    this.pump();
  }

  /** The AP echoed a LOG message (§5.5): that slot is free again. */
  ack(msg0: bigint): void {
    const index = Number(field(msg0, 7, 0));
    if (!this.inFlight.delete(index)) this.sink.log(`syslog: ack for slot ${index} that was not in flight`);
    this.pump();
  }

  private pump(): void {
    while (this.buffer !== undefined && this.inited && this.apOn && this.queue.length > 0) {
      const slot = this.next;
      if (this.inFlight.has(slot)) return; // §5.5: wait for the AP's echo before reusing it
      const line = this.queue.shift()!;
      try {
        this.sink.write(this.buffer + BigInt(slot * this.stride), encodeSyslogEntry(line, this.entrySize));
      } catch (e) {
        this.sink.log(`syslog: entry ${slot} dropped: ${(e as Error).message}`);
        continue;
      }
      this.inFlight.add(slot);
      this.next = (slot + 1) % this.count;
      this.sent++;
      this.sink.send(syslogLog(slot));
    }
  }
}
