// Layer: sim/coproc (RTKit). The options of the RTKit firmware model (sim/coproc/rtkit/rtkit.ts)
// and their defaults. Imports this folder only.

import type { RtkitAppEndpoint } from './endpoint.ts';
import type { SystemBufferConfig, SystemBufferKind } from './system-buffers.ts';
import type { SyslogLine } from './syslog.ts';

/** The coprocessor's DMA port: AP memory by IOVA (asc-dram-mask already stripped). */
export interface RtkitDma {
  read(iova: bigint, length: number): Uint8Array;
  write(iova: bigint, bytes: Uint8Array): void;
}

export interface RtkitOptions {
  /** Short name for logs, e.g. 'dcp'. */
  name: string;
  dma: RtkitDma;
  /** §5.4: DVAs are IOVA | mask; stripped before DMA (DCP: 0xf00000000). */
  ascDramMask?: bigint;
  endpoints?: readonly RtkitAppEndpoint[];
  /** HELLO's MIN_VER/MAX_VER (§5.3 model choice: 11, 12). */
  versions?: { min: number; max: number };
  /** System endpoints to announce besides EP 0 (default crashlog, syslog, ioreporting, oslog). */
  systemEndpoints?: readonly SystemBufferKind[];
  /** §7.14 model choice: COUNT 0x40, ENTRYSIZE 0x80; `dva` = preallocated by the IOP. */
  syslog?: { count?: number; entrySize?: number; dva?: bigint };
  buffers?: Partial<Record<Exclude<SystemBufferKind, 'syslog'>, SystemBufferConfig>>;
  /** Lines the firmware logs once syslog is up. */
  bootSyslog?: readonly SyslogLine[];
  /** Firmware version string for the crash dump's Cver entry. */
  firmwareVersion?: string;
  replyTicks?: bigint;
  powerAckFallbackTicks?: bigint;
}

export const RTKIT_DEFAULT_REPLY_TICKS = 240n; // 10 µs at 24 MHz
export const RTKIT_DEFAULT_POWER_ACK_FALLBACK = 48_000n; // 2 ms
