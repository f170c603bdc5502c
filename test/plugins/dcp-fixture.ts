// The AP and DCP sides of endpoint 0x37 for the DCP tracer tests, written from spec
// apple-devices §7.2–§7.5: MSG = (LEN<<32) | (OFF<<16) | (CTX<<8) | (ACK<<6) | 2; packets
// {reversed tag, in_len, out_len, input, output} at shmem + channel base + OFF (§7.3, §7.4), the
// shared memory mapped through dart-dcp stream 0 at DVA 0xf10000000 (asc-dram-mask stripped).

import { PluginHost } from '../../core/plugin/host.ts';
import asc from '../../plugins/asc/index.ts';
import dcp from '../../plugins/dcp/index.ts';
import { ApMailbox, AscBackend, DART_DCP, DCP_ASC } from './asc-fixture.ts';

export const SHMEM_DVA = 0xf10000000n;
const SHMEM_IOVA = 0x10000000n;
const SHMEM_PA = 0x840000000n;
export const CTX = { CB: 0, CMD: 2, ASYNC: 3, OOBCB: 4, OOBCMD: 6, OOBASYNC: 7 } as const;
/** §7.3 channel bases. */
export const BASE = { CMD: 0x0, OOBCMD: 0x8000, ASYNC: 0x40000, OOBASYNC: 0x48000, CB: 0x60000, OOBCB: 0x68000 } as const;
export type Channel = keyof typeof BASE;

export const msg = (len: number, off: number, ctx: number, ack: boolean): bigint => (BigInt(len) << 32n) | (BigInt(off) << 16n) | (BigInt(ctx) << 8n) | (ack ? 0x40n : 0n) | 2n;

/** §7.4 packet header: tag reversed, in_len, out_len. */
export function packet(tag: string, input: Uint8Array, outLen: number): Uint8Array {
  const p = new Uint8Array(12 + input.length + outLen);
  for (let i = 0; i < 4; i++) p[i] = tag.charCodeAt(3 - i);
  const v = new DataView(p.buffer);
  v.setUint32(4, input.length, true);
  v.setUint32(8, outLen, true);
  p.set(input, 12);
  return p;
}

interface Sent {
  base: number;
  off: number;
  inLen: number;
}

export class DcpRig {
  readonly ap: ApMailbox;
  private readonly open = new Map<string, Sent[]>();

  constructor(
    readonly backend: AscBackend,
    readonly host: PluginHost,
  ) {
    this.ap = new ApMailbox(backend, DCP_ASC);
    backend.map(DART_DCP, 0, SHMEM_IOVA, SHMEM_PA, 0x100000);
  }

  static async create(config: Record<string, unknown> = {}, verbosity = 0): Promise<DcpRig> {
    const backend = new AscBackend();
    const host = new PluginHost(backend);
    await host.add(asc);
    await host.add(dcp, { config });
    host.setVerbosity('dcp', verbosity);
    const rig = new DcpRig(backend, host);
    await rig.ap.send(0x37, (SHMEM_DVA << 16n) | 0x40n); // SET_SHMEM, FLAG 4 (§7.2)
    await rig.ap.recv(0x37, 1n); // INITIALIZED
    backend.take();
    return rig;
  }

  private write(ch: Channel, off: number, bytes: Uint8Array): void {
    this.backend.writeIova(DART_DCP, 0, SHMEM_IOVA + BigInt(BASE[ch] + off), bytes);
  }

  private push(ch: Channel, s: Sent): void {
    const list = this.open.get(ch) ?? [];
    list.push(s);
    this.open.set(ch, list);
  }

  /** §7.5(a): the AP writes the packet in CMD/OOBCMD and sends MSG{ctx, OFF, LEN}. */
  async apCall(ch: 'CMD' | 'OOBCMD', off: number, ctx: number, tag: string, input: Uint8Array, outLen: number): Promise<void> {
    this.write(ch, off, packet(tag, input, outLen));
    this.push(ch, { base: BASE[ch], off, inLen: input.length });
    await this.ap.send(0x37, msg(12 + input.length + outLen, off, ctx, false));
  }

  /** §7.5(a) 5–6: the DCP fills the output block and acknowledges with OFF = the call's offset. */
  async dcpAck(ch: 'CMD' | 'OOBCMD', ctx: number, output: Uint8Array = new Uint8Array(0)): Promise<void> {
    const s = this.open.get(ch)!.pop()!;
    this.write(ch, s.off + 12 + s.inLen, output);
    await this.ap.recv(0x37, msg(0, s.off, ctx, true));
  }

  /** §7.5(b)/(c): the DCP writes a callback packet in its buffer and sends MSG{ctx, OFF, LEN}. */
  async dcpCall(ch: 'CB' | 'ASYNC' | 'OOBCB' | 'OOBASYNC', off: number, ctx: number, tag: string, input: Uint8Array, outLen: number): Promise<void> {
    this.write(ch, off, packet(tag, input, outLen));
    this.push(ch, { base: BASE[ch], off, inLen: input.length });
    await this.ap.recv(0x37, msg(12 + input.length + outLen, off, ctx, false));
  }

  /** §7.5(b) 5: the AP writes the output block and sends MSG{ctx, ACK, LEN 0, OFF 0}. */
  async apAck(ch: 'CB' | 'ASYNC' | 'OOBCB' | 'OOBASYNC', ctx: number, output: Uint8Array = new Uint8Array(0)): Promise<void> {
    const s = this.open.get(ch)!.pop()!;
    this.write(ch, s.off + 12 + s.inLen, output);
    await this.ap.send(0x37, msg(0, 0, ctx, true));
  }

  lines(): string[] {
    return this.backend.take();
  }
}

export const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
export const bool4 = (v: boolean): Uint8Array => Uint8Array.of(v ? 1 : 0, 0, 0, 0);
export { cat } from '../helpers/bytes.ts';
export const u64 = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
/** char[N]: NUL-terminated UTF-8, NUL-padded (§7.6). */
export const chars = (s: string, n: number): Uint8Array => {
  const b = new Uint8Array(n);
  b.set(new TextEncoder().encode(s));
  return b;
};
