// Layer: core/dcp. The shared-memory channels of the DCP RPC (apple-devices.md §7.3) and which
// context travels in which buffer. Pure data; imports this folder's messages only.

import { DcpContext } from './messages.ts';

/** The AP allocates 1 MiB of shared memory (§7.3). */
export const DCP_SHMEM_SIZE = 0x100000;
/** A nested packet starts at OFF_prev + align_up(LEN_prev, 0x40) (§7.4). */
export const DCP_PACKET_ALIGN = 0x40;

export type DcpChannelName = 'CMD' | 'OOBCMD' | 'ASYNC' | 'OOBASYNC' | 'CB' | 'OOBCB';

export interface DcpChannel {
  readonly name: DcpChannelName;
  readonly base: number;
  readonly size: number;
  /** Who writes the packets (the caller). */
  readonly writer: 'ap' | 'dcp';
  /** The contexts whose calls live in this buffer. */
  readonly contexts: readonly number[];
}

// §7.3 table. The 2021-08 tracer used 0x20000 for ASYNC's size; the layout here is HEAD's.
export const DCP_CHANNELS: readonly DcpChannel[] = [
  { name: 'CMD', base: 0x00000, size: 0x8000, writer: 'ap', contexts: [DcpContext.CMD, DcpContext.CB] },
  { name: 'OOBCMD', base: 0x08000, size: 0x8000, writer: 'ap', contexts: [DcpContext.OOBCMD, DcpContext.OOBCB] },
  { name: 'ASYNC', base: 0x40000, size: 0x8000, writer: 'dcp', contexts: [DcpContext.ASYNC] },
  { name: 'OOBASYNC', base: 0x48000, size: 0x8000, writer: 'dcp', contexts: [DcpContext.OOBASYNC] },
  { name: 'CB', base: 0x60000, size: 0x8000, writer: 'dcp', contexts: [DcpContext.CB] },
  { name: 'OOBCB', base: 0x68000, size: 0x8000, writer: 'dcp', contexts: [DcpContext.OOBCB] },
];

/** The "globals" area the tracer hex-monitors; contents unknown (§7.3, §10). */
export const DCP_GLOBALS_OFFSET = 0x80000;

const BY_NAME = new Map(DCP_CHANNELS.map((c) => [c.name, c]));

export function dcpChannel(name: DcpChannelName): DcpChannel {
  return BY_NAME.get(name) as DcpChannel;
}

/** Where an AP call (ACK=0, AP→DCP) in context `ctx` lives: CMD/CB → CMD, OOB → OOBCMD (§7.3). */
export function apCallChannel(ctx: number): DcpChannel | undefined {
  return DCP_CHANNELS.find((c) => c.writer === 'ap' && c.contexts.includes(ctx));
}

/**
 * Where a DCP call (ACK=0, DCP→AP) in context `ctx` lives (the Linux rule of §7.3, which the
 * tracer follows; m1n1 HEAD's client routes CTX 6 differently and is not followed).
 */
export function dcpCallChannel(ctx: number): DcpChannel | undefined {
  return DCP_CHANNELS.find((c) => c.writer === 'dcp' && c.contexts.includes(ctx));
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}
