// A host-side ASC/DCP tracer in m1n1's SYNC mode (m1n1-protocol §10.6–§10.7), written from the
// spec: the ASC range is mapped PROXY_HOOK_RW with hook id 0, every guest access arrives as a
// HOOK_VM session, the host performs it with proxy ops and decodes the mailbox as apple-devices
// §4.4 says (INBOX1 write = TX with the cached INBOX0; OUTBOX1 read = RX with the cached
// OUTBOX0). EP 0x37 messages are followed into shared memory (§7.12: channel by CTX and ACK,
// packet at the channel base + OFF, read through dart-dcp's page tables by a §6.2 walk).
import type { Link } from '../../core/link/connect.ts';
import { execWord, TLBI_VMALLS12E1IS } from './demo-guest-host.ts';

export const ASC = 0x231c00000n;
export const ASC_SIZE = 0xc000n;
const DART_DCP = 0x23130c000n;
const ASC_DRAM_MASK = 0xf00000000n;
/** §10.2 software descriptor type PROXY_HOOK_RW, hook id 0 (address-based dispatch). */
const PROXY_HOOK_RW = 0x0010_0000_0000_0000n;
const WRITE = 1 << 5;
/** §7.3 channel bases in shared memory. */
const CHANNEL_BASE: Record<string, bigint> = { CMD: 0n, OOBCMD: 0x8000n, ASYNC: 0x40000n, OOBASYNC: 0x48000n, CB: 0x60000n, OOBCB: 0x68000n };

export interface TracedMsg {
  dir: '>' | '<';
  ep: number;
  msg0: bigint;
}

/** When each message went by (performance.now(), ms), for rates; kept apart so messages compare plainly. */
export type TracedTimes = number[];

export interface TracedCall {
  /** '>' the AP calls the DCP; '<' the DCP calls the AP. */
  dir: '>' | '<';
  channel: string;
  ctx: number;
  off: number;
  tag: string;
  inLen: number;
  outLen: number;
  input: Uint8Array;
  /** The output block as it was when the acknowledgement went by. */
  output?: Uint8Array;
  /** The MSG that acknowledged it. */
  ackMsg?: bigint;
  depth: number;
}

/** §7.12 "which channel a MSG belongs to". */
function channelOf(dir: '>' | '<', ctx: number, ack: boolean): string {
  const apBuffer = (dir === '>' && !ack) || (dir === '<' && ack);
  if (apBuffer) return ctx === 0 || ctx === 2 ? 'CMD' : ctx === 4 || ctx === 6 ? 'OOBCMD' : 'none';
  return ({ 0: 'CB', 3: 'ASYNC', 4: 'OOBCB', 7: 'OOBASYNC' } as Record<number, string>)[ctx] ?? 'none';
}

export class AscSyncTracer {
  readonly messages: TracedMsg[] = [];
  readonly times: TracedTimes = [];
  readonly calls: TracedCall[] = [];
  /** HOOK_VM sessions served (every traced register access). */
  hooks = 0;
  shmemIova: bigint | undefined;
  private inbox0 = 0n;
  private outbox0 = 0n;
  private readonly stacks = new Map<string, TracedCall[]>();
  private readonly pages = new Map<bigint, bigint>();
  private depth = 0;

  constructor(
    private readonly link: Link,
    private readonly options: { decodeDcp?: boolean } = {},
  ) {}

  /** Maps the ASC range SYNC (§10.7: PROXY_HOOK_RW, id 0, incr 0) and flushes stage 2. */
  async install(scratch: bigint): Promise<void> {
    await this.link.proxy.hvMap(ASC, PROXY_HOOK_RW, ASC_SIZE, 0n);
    await execWord(this.link, scratch, TLBI_VMALLS12E1IS);
  }

  /** A callback for the host's dispatcher: true if it was a HOOK_VM session in the ASC range. */
  async handle(msg: { reason: number; code: number; info: bigint }): Promise<boolean> {
    if (msg.reason !== 3 || msg.code !== 1) return false;
    const { client, proxy } = this.link;
    // exc_info.extra (§9.2, offset 0x168) points at the hook data (§10.6); only that word is needed.
    const extra = await client.memRead(msg.info + 0x168n, 8);
    const e = new DataView(extra.buffer, extra.byteOffset, 8).getBigUint64(0, true);
    const hook = await client.memRead(e, 24);
    const h = new DataView(hook.buffer, hook.byteOffset, hook.byteLength);
    const flags = h.getUint32(0, true);
    const addr = h.getBigUint64(8, true);
    if (addr < ASC || addr >= ASC + ASC_SIZE) return false;
    this.hooks++;
    const width = flags & 0x1f;
    const off = addr - ASC;
    if (flags & WRITE) {
      const value = h.getBigUint64(16, true);
      if (off === 0x8800n) this.inbox0 = value;
      // SYNC: the tracers hear of a write before the host performs it (§10.6).
      if (off === 0x8808n) await this.message('>', Number(value & 0xffn), this.inbox0);
      // The write and P_EXIT(2) go on the wire back to back (pipelined, §7.2): the firmware runs them in order.
      const done = width === 3 ? proxy.write64(addr, value) : proxy.write32(addr, value & 0xffffffffn);
      await Promise.all([done, proxy.exit(2)]);
    } else {
      const value = width === 3 ? await proxy.read64(addr) : await proxy.read32(addr);
      if (off === 0x8830n) this.outbox0 = value;
      if (off === 0x8838n) await this.message('<', Number(value & 0xffn), this.outbox0);
      await Promise.all([proxy.write64(e + 0x10n, value), proxy.exit(2)]);
    }
    return true;
  }

  private async message(dir: '>' | '<', ep: number, msg0: bigint): Promise<void> {
    this.messages.push({ dir, ep, msg0 });
    this.times.push(performance.now());
    if (ep !== 0x37 || this.options.decodeDcp === false) return;
    const type = Number(msg0 & 0xfn);
    if (type === 0 && dir === '>') {
      // §7.2 SET_SHMEM: DVA [63:16]; the IOVA is the DVA without asc-dram-mask (§5.4).
      this.shmemIova = (msg0 >> 16n) & 0xf_ffff_ffffn & ~ASC_DRAM_MASK;
      this.pages.clear();
      return;
    }
    if (type !== 2 || this.shmemIova === undefined) return;
    const ack = ((msg0 >> 6n) & 1n) === 1n;
    const ctx = Number((msg0 >> 8n) & 0xfn);
    const off = Number((msg0 >> 16n) & 0xffffn);
    const channel = channelOf(dir, ctx, ack);
    const stack = this.stacks.get(channel) ?? [];
    this.stacks.set(channel, stack);
    if (!ack) {
      const at = this.shmemIova + CHANNEL_BASE[channel]! + BigInt(off);
      const head = await this.readIova(at, 12);
      const v = new DataView(head.buffer, head.byteOffset, 12);
      const inLen = v.getUint32(4, true);
      const outLen = v.getUint32(8, true);
      const tag = String.fromCharCode(head[3]!, head[2]!, head[1]!, head[0]!);
      const call: TracedCall = { dir, channel, ctx, off, tag, inLen, outLen, input: await this.readIova(at + 12n, inLen), depth: this.depth++ };
      stack.push(call);
      this.calls.push(call);
    } else {
      const call = stack.pop();
      if (!call) return;
      this.depth--;
      call.ackMsg = msg0;
      const at = this.shmemIova + CHANNEL_BASE[channel]! + BigInt(call.off) + 12n + BigInt(call.inLen);
      call.output = await this.readIova(at, call.outLen);
    }
  }

  /** Reads AP memory by IOVA through dart-dcp stream 0's tables (§6.2), page by page. */
  async readIova(iova: bigint, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let pos = 0; pos < length; ) {
      const at = iova + BigInt(pos);
      const n = Math.min(length - pos, 0x4000 - Number(at & 0x3fffn));
      const pa = await this.translate(at);
      out.set(await this.link.client.memRead(pa, n), pos);
      pos += n;
    }
    return out;
  }

  private async translate(iova: bigint): Promise<bigint> {
    const page = iova & ~0x3fffn;
    let pa = this.pages.get(page);
    if (pa === undefined) {
      const { client, proxy } = this.link;
      const ttbr = await proxy.read32(DART_DCP + 0x200n + 4n * ((iova >> 36n) & 3n));
      if (((ttbr >> 31n) & 1n) === 0n) throw new Error(`IOVA 0x${iova.toString(16)}: no TTBR`);
      const u64 = async (a: bigint): Promise<bigint> => {
        const b = await client.memRead(a, 8);
        return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
      };
      const e1 = await u64(((ttbr & 0x7fffffffn) << 12n) + 8n * ((iova >> 25n) & 0x7ffn));
      if ((e1 & 1n) === 0n) throw new Error(`IOVA 0x${iova.toString(16)}: no L1 entry`);
      const e2 = await u64((e1 & 0xff_ffff_c000n) + 8n * ((iova >> 14n) & 0x7ffn));
      if ((e2 & 1n) === 0n) throw new Error(`IOVA 0x${iova.toString(16)}: no PTE`);
      pa = e2 & 0xff_ffff_c000n;
      this.pages.set(page, pa);
    }
    return pa | (iova & 0x3fffn);
  }
}
