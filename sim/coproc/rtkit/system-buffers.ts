// Layer: sim/coproc (RTKit). The shared buffers of the system endpoints — crashlog (EP 1),
// syslog (EP 2), ioreporting (EP 4), oslog (EP 8) — and their request/reply messages
// (apple-devices §5.4–§5.8). Imports this folder only.
//
// A buffer is either requested (DVA 0 → the AP allocates, maps it through the DART and answers
// with its DVA) or preallocated by the IOP (DVA ≠ 0 → the AP records it, no reply). DVAs are
// kept as the IOP sees them, i.e. with asc-dram-mask ORed in by the AP (§5.4).

import { EP, bufferMessage, decodeBuffer, decodeOslog, msgType, oslogBufferMessage, OSLOG } from './messages.ts';

export type SystemBufferKind = 'crashlog' | 'syslog' | 'ioreporting' | 'oslog';

export interface SystemBufferConfig {
  /** Size in 4 KiB pages (the SIZE field). */
  readonly pages: number;
  /** Set = the IOP preallocated the buffer at this DVA (no AP reply expected). */
  readonly dva?: bigint;
}

export const SYSTEM_BUFFER_EPS: Readonly<Record<SystemBufferKind, number>> = {
  crashlog: EP.CRASHLOG,
  syslog: EP.SYSLOG,
  ioreporting: EP.IOREPORT,
  oslog: EP.OSLOG,
};

/** Model choices for the sizes: 4 pages for crashlog and ioreporting, 8 for oslog. */
export const DEFAULT_BUFFER_PAGES: Readonly<Record<Exclude<SystemBufferKind, 'syslog'>, number>> = {
  crashlog: 4,
  ioreporting: 4,
  oslog: 8,
};

export class SystemBuffer {
  readonly endpoint: number;
  private dvaValue: bigint | undefined;
  private pagesValue: number;

  constructor(
    readonly kind: SystemBufferKind,
    private readonly config: SystemBufferConfig,
  ) {
    this.endpoint = SYSTEM_BUFFER_EPS[kind];
    this.pagesValue = config.pages;
    this.dvaValue = config.dva;
  }

  get preallocated(): boolean {
    return this.config.dva !== undefined && this.config.dva !== 0n;
  }

  /** The buffer's DVA once known (preallocated, or the AP's reply). */
  get dva(): bigint | undefined {
    return this.dvaValue;
  }

  get pages(): number {
    return this.pagesValue;
  }

  get sizeBytes(): number {
    return this.pagesValue * 4096;
  }

  /** Forget an AP-provided address (cold boot). */
  reset(): void {
    this.dvaValue = this.config.dva;
    this.pagesValue = this.config.pages;
  }

  /** msg0 of the IOP's buffer request (§5.4; oslog: §5.8). */
  request(): bigint {
    const dva = this.preallocated ? this.config.dva! : 0n;
    return this.kind === 'oslog' ? oslogBufferMessage(this.config.pages, dva) : bufferMessage(this.config.pages, dva);
  }

  /** Whether an AP message on this endpoint is a buffer reply. */
  isReply(msg0: bigint): boolean {
    return this.kind === 'oslog' ? decodeOslog(msg0).type === OSLOG.BUFFER : msgType(msg0) === 1;
  }

  /** Records the AP's reply; false when it carries no address. */
  acceptReply(msg0: bigint): boolean {
    const { pages, dva } = this.kind === 'oslog' ? decodeOslog(msg0) : decodeBuffer(msg0);
    if (dva === 0n) return false;
    this.dvaValue = dva;
    if (pages !== 0) this.pagesValue = pages;
    return true;
  }
}
