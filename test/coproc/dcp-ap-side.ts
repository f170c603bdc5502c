// The AP's side of DCP endpoint 0x37, written from apple-devices §7.2–7.5 (not from the model):
// a byte array as AP memory with an identity IOVA map, the shared memory set-up, AP calls that
// write packets into the CMD/OOBCMD buffers, and callbacks handled as macOS would, with nested
// calls from inside them. Everything the DCP sends is checked against the spec as it arrives.
import { HvdbgError } from '../../core/errors.ts';
import type { RtkitEndpointIo, RtkitAppEndpoint } from '../../sim/coproc/rtkit/endpoint.ts';

export const ASC_DRAM_MASK = 0xf00000000n;
export const MEM_SIZE = 0x400000;

// §7.3 buffers.
export const CMD = 0x0;
export const OOBCMD = 0x8000;
const DCP_BUFFER: Record<number, { name: string; base: number }> = {
  0: { name: 'CB', base: 0x60000 },
  3: { name: 'ASYNC', base: 0x40000 },
  4: { name: 'OOBCB', base: 0x68000 },
  7: { name: 'OOBASYNC', base: 0x48000 },
};

export interface SeenCallback {
  readonly tag: string;
  readonly ctx: number;
  readonly channel: string;
  readonly off: number;
  readonly len: number;
  readonly inLen: number;
  readonly outLen: number;
  /** The whole packet as the DCP wrote it (header, input, output area). */
  readonly packet: Uint8Array;
  /** Outstanding calls + callbacks when it arrived (the renderer's nesting, §7.13). */
  readonly depth: number;
  /** The AP call or callback during which it arrived. */
  readonly parent: string | undefined;
}

export interface CallRecord {
  readonly tag: string;
  readonly ctx: number;
  readonly off: number;
  readonly msg0: bigint;
  ackMsg0?: bigint;
}

export type CallbackHandler = (input: Uint8Array, ap: ApSide, seen: SeenCallback) => Uint8Array | void;

/** Where the AP reaches the shared memory and how it waits for the DCP (a real mailbox). */
export interface ApSideOptions {
  /** AP-side access to memory by address; default: the in-test byte array (identity IOVA map). */
  readonly memory?: { read(addr: number, length: number): Uint8Array; write(addr: number, bytes: Uint8Array): void };
  /** The AP's address of the shared memory; default = shmemIova. */
  readonly shmemAddr?: number;
  /** Deliver an AP→DCP message; default: dcp.receive. */
  readonly deliver?: (msg0: bigint) => void;
  /** Wait for more DCP→AP messages (pushing them with `ap.io.send`); false = nothing came. */
  readonly wait?: () => boolean;
}

export function tagBytes(tag: string): number[] {
  return [...tag].reverse().map((c) => c.charCodeAt(0));
}

export class ApSide {
  readonly mem = new Uint8Array(MEM_SIZE);
  readonly fromDcp: bigint[] = [];
  readonly allFromDcp: bigint[] = [];
  readonly logLines: string[] = [];
  readonly callbacks: SeenCallback[] = [];
  readonly calls: CallRecord[] = [];
  readonly handlers: Record<string, CallbackHandler> = {};
  /** Stacks of the AP's own outstanding packets, per buffer (offsets and LEN). */
  private readonly apStacks = new Map<number, Array<{ off: number; len: number; record: CallRecord }>>();
  private readonly activity: string[] = [];
  private cbDepth = 0;
  private clock = 0n;
  private timers: Array<{ at: bigint; seq: number; fn: () => void; live: boolean }> = [];
  private seq = 0;
  shmemIova = 0x100000n;
  readonly io: RtkitEndpointIo;

  private readonly memory: NonNullable<ApSideOptions['memory']>;

  constructor(
    readonly dcp: RtkitAppEndpoint,
    private readonly options: ApSideOptions = {},
  ) {
    this.memory = options.memory ?? {
      read: (addr, length) => this.mem.slice(addr, addr + length),
      write: (addr, bytes) => this.mem.set(bytes, addr),
    };
    const check = (iova: bigint, length: number): number => {
      const a = iova & ~ASC_DRAM_MASK;
      if (a < 0n || a + BigInt(length) > BigInt(MEM_SIZE)) {
        throw new HvdbgError('DART_FAULT', `test DART: no mapping at IOVA 0x${a.toString(16)}`);
      }
      return Number(a);
    };
    this.io = {
      send: (msg) => {
        this.fromDcp.push(msg);
        this.allFromDcp.push(msg);
      },
      readIova: (iova, length) => {
        const a = check(iova, length);
        return this.mem.slice(a, a + length);
      },
      writeIova: (iova, bytes) => {
        this.mem.set(bytes, check(iova, bytes.length));
      },
      now: () => this.clock,
      schedule: (at, fn) => {
        const timer = { at, seq: this.seq++, fn, live: true };
        this.timers.push(timer);
        return { cancel: () => void (timer.live = false) };
      },
      log: (line) => void this.logLines.push(line),
    };
  }

  shm(offset: number): number {
    return (this.options.shmemAddr ?? Number(this.shmemIova)) + offset;
  }

  read(addr: number, length: number): Uint8Array {
    return this.memory.read(addr, length);
  }

  write(addr: number, bytes: Uint8Array): void {
    this.memory.write(addr, bytes);
  }

  private u32At(addr: number): number {
    return readU32(this.read(addr, 4), 0);
  }

  /** Takes the next DCP→AP message, waiting for it if a wait hook is set. */
  private next(): bigint | undefined {
    while (this.fromDcp.length === 0) {
      if (!this.options.wait?.()) return undefined;
    }
    return this.fromDcp.shift();
  }

  /** START_EP then SET_SHMEM with FLAG 4 (§7.2, §7.14 item 2); returns the DCP's reply. */
  boot(): bigint[] {
    if (!this.options.deliver) this.dcp.start(this.io);
    this.write(this.shm(0), new Uint8Array(0x100000));
    this.send(((this.shmemIova | ASC_DRAM_MASK) << 16n) | (4n << 4n));
    if (this.options.wait) {
      const m = this.next();
      return m === undefined ? [] : [m];
    }
    return this.takeAll();
  }

  send(msg0: bigint): void {
    if (this.options.deliver) this.options.deliver(msg0);
    else this.dcp.receive(msg0);
  }

  takeAll(): bigint[] {
    return this.fromDcp.splice(0);
  }

  /** An AP call (§7.5 a): returns the output block once the DCP acknowledges. */
  call(tag: string, input: Uint8Array, outLen: number, opts: { oob?: boolean; fillOut?: number } = {}): Uint8Array {
    const buffer = opts.oob ? OOBCMD : CMD;
    const ctx = opts.oob ? (this.cbDepth > 0 ? 4 : 6) : this.cbDepth > 0 ? 0 : 2;
    const stack = this.apStacks.get(buffer) ?? [];
    this.apStacks.set(buffer, stack);
    const top = stack[stack.length - 1];
    const off = top ? top.off + Math.ceil(top.len / 0x40) * 0x40 : 0;
    const len = 12 + input.length + outLen;
    const at = this.shm(buffer + off);
    const packet = new Uint8Array(len).fill(opts.fillOut ?? 0);
    packet.set(tagBytes(tag), 0);
    new DataView(packet.buffer).setUint32(4, input.length, true);
    new DataView(packet.buffer).setUint32(8, outLen, true);
    packet.set(input, 12);
    this.write(at, packet);
    const msg0 = (BigInt(len) << 32n) | (BigInt(off) << 16n) | (BigInt(ctx) << 8n) | 2n;
    const record: CallRecord = { tag, ctx, off, msg0 };
    this.calls.push(record);
    stack.push({ off, len, record });
    this.activity.push(tag);
    this.send(msg0);
    try {
      while (true) {
        const msg = this.next();
        if (msg === undefined) throw new Error(`DCP went silent while ${tag} at ${buffer === CMD ? 'CMD' : 'OOBCMD'}.0x${off.toString(16)} is outstanding`);
        const type = Number(msg & 0xfn);
        if (type !== 2) throw new Error(`unexpected EP 0x37 message 0x${msg.toString(16)} during a call`);
        const ack = (msg >> 6n) & 1n;
        if (ack === 0n) {
          this.handleCallback(msg);
          continue;
        }
        // §7.5 (a) step 6: ACK with the call's context, LEN 0, OFF = the call's offset.
        const mctx = Number((msg >> 8n) & 0xfn);
        const moff = Number((msg >> 16n) & 0xffffn);
        const mlen = Number(msg >> 32n);
        if (mctx !== ctx || moff !== off || mlen !== 0) {
          throw new Error(`ACK 0x${msg.toString(16)} does not complete ${tag} (ctx ${ctx}, off 0x${off.toString(16)})`);
        }
        record.ackMsg0 = msg;
        return this.read(at + 12 + input.length, outLen);
      }
    } finally {
      stack.pop();
      this.activity.pop();
    }
  }

  /** Handle DCP→AP calls that arrive while the AP has no call outstanding (e.g. ASYNC). */
  drain(): void {
    for (let msg = this.fromDcp.shift(); msg !== undefined; msg = this.fromDcp.shift()) {
      if ((msg & 0xfn) !== 2n || ((msg >> 6n) & 1n) !== 0n) throw new Error(`unexpected 0x${msg.toString(16)} while idle`);
      this.handleCallback(msg);
    }
  }

  /** Advance time and run due firmware timers, handling what they send. */
  runTimers(untilTick?: bigint): void {
    while (true) {
      const live = this.timers.filter((t) => t.live).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
      const next = live[0];
      if (!next || (untilTick !== undefined && next.at > untilTick)) break;
      next.live = false;
      if (next.at > this.clock) this.clock = next.at;
      next.fn();
      if (this.activity.length === 0) this.drain();
      else this.drainNested();
    }
    this.timers = this.timers.filter((t) => t.live);
  }

  /** Inside a call or callback: handle DCP calls right away (ASYNC may arrive at any time). */
  private drainNested(): void {
    const keep: bigint[] = [];
    for (let msg = this.fromDcp.shift(); msg !== undefined; msg = this.fromDcp.shift()) {
      if (((msg >> 6n) & 1n) === 0n && (msg & 0xfn) === 2n) this.handleCallback(msg);
      else keep.push(msg);
    }
    this.fromDcp.unshift(...keep);
  }

  private handleCallback(msg: bigint): void {
    const ctx = Number((msg >> 8n) & 0xfn);
    const off = Number((msg >> 16n) & 0xffffn);
    const len = Number(msg >> 32n);
    const buf = DCP_BUFFER[ctx];
    if (!buf) throw new Error(`DCP call in context ${ctx}`);
    const at = this.shm(buf.base + off);
    const tag = String.fromCharCode(...[...this.read(at, 4)].reverse());
    const inLen = this.u32At(at + 4);
    const outLen = this.u32At(at + 8);
    if (12 + inLen + outLen !== len) throw new Error(`${tag}: LEN 0x${len.toString(16)} ≠ 12 + 0x${inLen.toString(16)} + 0x${outLen.toString(16)}`);
    const seen: SeenCallback = {
      tag, ctx, channel: buf.name, off, len, inLen, outLen,
      packet: this.read(at, len),
      depth: this.activity.length,
      parent: this.activity[this.activity.length - 1],
    };
    this.callbacks.push(seen);
    const handler = this.handlers[tag];
    if (!handler) throw new Error(`no AP handler for ${tag}`);
    // Linux zero-fills the output area first (§7.5 b step 3).
    this.write(at + 12 + inLen, new Uint8Array(outLen));
    this.cbDepth++;
    this.activity.push(tag);
    let out: Uint8Array | void;
    try {
      out = handler(this.read(at + 12, inLen), this, seen);
    } finally {
      this.activity.pop();
      this.cbDepth--;
    }
    if (out) this.write(at + 12 + inLen, out.subarray(0, outLen));
    // §7.5 b step 5 / c step 2: ACK with the callback's context, LEN 0, OFF 0.
    this.send((BigInt(ctx) << 8n) | (1n << 6n) | 2n);
  }
}

// ---- small byte helpers ----
export const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};
export const boolOut = (v: boolean): Uint8Array => Uint8Array.of(v ? 1 : 0, 0, 0, 0);
export const readU32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
export const readU64 = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);
export const cstr = (b: Uint8Array, at: number, size: number): string => {
  const f = b.subarray(at, at + size);
  const nul = f.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? f : f.subarray(0, nul));
};
