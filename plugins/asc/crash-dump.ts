// Layer: plugins/asc. Parsing an RTKit crash dump (spec apple-devices §5.6) into lines a person
// reads: the header, then each entry ('Cver' version, 'Cstr' message, 'Ctim' time, 'Crg8'
// registers, 'Ccst' call stack, 'Cmbx' mailbox log, 'CasC' async errors, others by size).
// Pure; imports nothing. Truncated or corrupt dumps end the listing with a `!!!` line.

export const CRASH_MAGIC = 0x434c4845; // 'CLHE' read as a big-endian number (§5.6)

export interface CrashLine {
  readonly text: string;
  /** Shown from this verbosity on (register and mailbox details are 1). */
  readonly level: number;
  readonly fields: Record<string, unknown>;
}

/** The four characters of a fourcc stored little-endian ('Cver' → bytes 72 65 76 43). */
export function fourccName(v: number): string {
  return String.fromCharCode((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const decoder = new TextDecoder('utf-8');
function cstr(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return decoder.decode(nul < 0 ? b : b.subarray(0, nul));
}

const CASC = ['l2c_err_sts', 'l2c_err_adr', 'l2c_err_inf', 'lsu_err_sts', 'fed_err_sts', 'mmu_err_sts'];

function entryLines(type: string, p: Uint8Array, out: CrashLine[]): void {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u64 = (at: number): bigint => (at + 8 <= p.length ? v.getBigUint64(at, true) : 0n);
  const line = (text: string, fields: Record<string, unknown>, level = 0): void => void out.push({ text: `  ${text}`, level, fields: { entry: type, ...fields } });
  switch (type) {
    case 'Cver': {
      const uuid = [...p.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const version = cstr(p.subarray(16));
      line(`Cver: ${version} (uuid ${uuid})`, { version, uuid });
      return;
    }
    case 'Cstr': {
      const id = p.length >= 4 ? v.getUint32(0, true) : 0;
      const message = cstr(p.subarray(4));
      line(`Cstr: [${id}] ${message}`, { id, message });
      return;
    }
    case 'Ctim':
      line(`Ctim: ${hex(u64(0))}`, { time: u64(0) });
      return;
    case 'Crg8': {
      // u32, u32, x0..x30, sp, pc, psr, cpacr, fpsr, fpcr, 64 × u64, far, unk, esr (§5.6).
      const x = (i: number): bigint => u64(8 + 8 * i);
      const sp = x(31);
      const pc = x(32);
      const psr = x(33);
      const far = x(38 + 64);
      const esr = x(40 + 64);
      line(`Crg8: pc=${hex(pc)} sp=${hex(sp)} psr=${hex(psr)} far=${hex(far)} esr=${hex(esr)}`, { pc, sp, psr, far, esr });
      for (let r = 0; r < 31; r += 4) {
        const regs = [0, 1, 2, 3].filter((k) => r + k < 31).map((k) => `x${r + k}=${hex(x(r + k))}`);
        line(`  ${regs.join(' ')}`, {}, 1);
      }
      return;
    }
    case 'Ccst': {
      const task = p.length >= 4 ? v.getUint32(0, true) : 0;
      const frames: bigint[] = [];
      for (let at = 8; at + 8 <= p.length; at += 8) {
        const a = v.getBigUint64(at, true);
        if (a === 0n) break;
        frames.push(a);
      }
      line(`Ccst: task ${task}: ${frames.map(hex).join(' ← ') || '(empty)'}`, { task, frames });
      return;
    }
    case 'Cmbx': {
      const count = p.length >= 28 ? v.getUint32(24, true) : 0;
      const records: Array<{ endpoint: bigint; message: bigint; timestamp: number }> = [];
      for (let i = 0; i < count && 28 + 24 * i + 24 <= p.length; i++) {
        const at = 28 + 24 * i;
        records.push({ endpoint: v.getBigUint64(at, true), message: v.getBigUint64(at + 8, true), timestamp: v.getUint32(at + 16, true) });
      }
      line(`Cmbx: ${records.length} mailbox record${records.length === 1 ? '' : 's'}`, { records });
      for (const r of records) line(`  ep 0x${r.endpoint.toString(16).padStart(2, '0')} ${r.message.toString(16).padStart(16, '0')} @${r.timestamp}`, {}, 1);
      return;
    }
    case 'CasC':
      line(`CasC: ${CASC.map((n, i) => `${n}=${hex(u64(8 * i))}`).join(' ')}`, Object.fromEntries(CASC.map((n, i) => [n, u64(8 * i)])));
      return;
    default:
      line(`${type}: 0x${p.length.toString(16)} bytes`, { size: p.length });
  }
}

/** Lines describing `dump`; never throws. */
export function crashDumpLines(dump: Uint8Array): CrashLine[] {
  const out: CrashLine[] = [];
  const v = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  if (dump.length < 0x20 || v.getUint32(0, true) !== CRASH_MAGIC) {
    out.push({ text: `  !!! no crash dump: the buffer does not start with 'CLHE'`, level: 0, fields: {} });
    return out;
  }
  const version = v.getUint32(4, true);
  const total = v.getUint32(8, true);
  out.push({ text: `  Crash dump v${version}, 0x${total.toString(16)} bytes`, level: 0, fields: { version, size: total } });
  let at = 0x20;
  const end = Math.min(total || dump.length, dump.length);
  while (true) {
    if (at + 16 > end) {
      out.push({ text: `  !!! dump ends at 0x${at.toString(16)} without a 'CLHE' entry`, level: 0, fields: {} });
      return out;
    }
    const type = fourccName(v.getUint32(at, true));
    const len = v.getUint32(at + 12, true);
    if (type === 'CLHE') return out;
    if (len < 16 || at + len > end) {
      out.push({ text: `  !!! entry '${type}' at 0x${at.toString(16)} has bad length 0x${len.toString(16)}`, level: 0, fields: {} });
      return out;
    }
    entryLines(type, dump.subarray(at + 16, at + len), out);
    at += len;
  }
}
