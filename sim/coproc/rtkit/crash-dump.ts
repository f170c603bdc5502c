// Layer: sim/coproc (RTKit). Builds the crash dump an RTKit IOP writes into its crashlog buffer
// (apple-devices §5.6). Imports nothing.
//
// Layout (§5.6): a 0x20-byte header {magic 'CLHE', version, total_size, flags, 16 bytes pad}, then
// entries {u32 type, u32 pad, u32 flags, u32 len (with this 16-byte header), payload}, ended by an
// entry of type 'CLHE'. Four-character codes are the big-endian number of the four letters,
// stored little-endian ('CLHE' → bytes 45 48 4c 43). Model choices: header version 2, flags 0,
// payloads padded to 4 bytes (the padding counts in len), the terminator is a bare 16-byte
// header, Cmbx header words 0, type 0, unk 0, index = the next record slot, Cstr id 0.

export const CRASH_MAGIC = 'CLHE';
export const CRASH_HEADER_SIZE = 0x20;
export const CRASH_ENTRY_HEADER_SIZE = 0x10;
export const CRASH_DUMP_VERSION = 2;

/** 'CLHE' → 0x434c4845 (§5.6). */
export function fourcc(code: string): number {
  if (code.length !== 4) throw new RangeError(`four-character code expected, got '${code}'`);
  return ((code.charCodeAt(0) << 24) | (code.charCodeAt(1) << 16) | (code.charCodeAt(2) << 8) | code.charCodeAt(3)) >>> 0;
}

export interface MailboxLogRecord {
  readonly endpoint: number;
  readonly message: bigint;
  readonly timestamp: number;
}

export interface CrashDumpInput {
  /** 16-byte UUID of the firmware image (Cver). */
  readonly uuid: Uint8Array;
  readonly version: string;
  readonly message: string;
  readonly time: bigint;
  readonly mailbox: readonly MailboxLogRecord[];
}

function cString(s: string): Uint8Array {
  const b = new Uint8Array(s.length + 1);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0x7f;
  return b;
}

class DumpWriter {
  private readonly chunks: Uint8Array[] = [];
  size = CRASH_HEADER_SIZE;

  entry(type: string, payload: Uint8Array): void {
    const padded = (payload.length + 3) & ~3;
    const e = new Uint8Array(CRASH_ENTRY_HEADER_SIZE + padded);
    const v = new DataView(e.buffer);
    v.setUint32(0, fourcc(type), true);
    v.setUint32(12, e.length, true);
    e.set(payload, CRASH_ENTRY_HEADER_SIZE);
    this.chunks.push(e);
    this.size += e.length;
  }

  finish(): Uint8Array {
    this.entry(CRASH_MAGIC, new Uint8Array(0));
    const out = new Uint8Array(this.size);
    const v = new DataView(out.buffer);
    v.setUint32(0, fourcc(CRASH_MAGIC), true);
    v.setUint32(4, CRASH_DUMP_VERSION, true);
    v.setUint32(8, this.size, true);
    let at = CRASH_HEADER_SIZE;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export function buildCrashDump(input: CrashDumpInput): Uint8Array {
  const w = new DumpWriter();
  const ver = cString(input.version);
  const cver = new Uint8Array(16 + ver.length);
  cver.set(input.uuid.subarray(0, 16));
  cver.set(ver, 16);
  w.entry('Cver', cver);

  const msg = cString(input.message);
  const cstr = new Uint8Array(4 + msg.length);
  cstr.set(msg, 4);
  w.entry('Cstr', cstr);

  const ctim = new Uint8Array(8);
  new DataView(ctim.buffer).setBigUint64(0, BigInt.asUintN(64, input.time), true);
  w.entry('Ctim', ctim);

  const recs = input.mailbox;
  const cmbx = new Uint8Array(28 + 24 * recs.length);
  const mv = new DataView(cmbx.buffer);
  mv.setUint32(24, recs.length, true);
  recs.forEach((r, i) => {
    const at = 28 + 24 * i;
    mv.setBigUint64(at, BigInt(r.endpoint), true);
    mv.setBigUint64(at + 8, BigInt.asUintN(64, r.message), true);
    mv.setUint32(at + 16, r.timestamp >>> 0, true);
  });
  w.entry('Cmbx', cmbx);
  return w.finish();
}
