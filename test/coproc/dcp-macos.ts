// How macOS answers the DCP's callbacks during boot, from apple-devices §7.14 item 4 and the
// seed trace quoted in §7.13: D116 start_hardware_boot makes the nested calls A357, A443, A103,
// A029, A463(True), A036, A000, A460 and returns True; the rest answer as the seed shows.
// Byte layouts follow §7.8.
import { ApSide, boolOut, cstr, readU32, readU64, u32 } from './dcp-ap-side.ts';

export interface MacosRecord {
  /** Output blocks of the nested calls made inside D116, by tag. */
  readonly nested: Record<string, Uint8Array>;
  readonly dcpav: Array<{ key: string; start: number; chunks: Array<{ offset: number; length: number }>; blob: Uint8Array }>;
  readonly properties: Array<{ tag: string; key: string; bytes: Uint8Array }>;
  readonly swapsCompleted: number[];
}

export const SEED_A103_INPUT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xaa);
export const D408_CLOCK = 533333328n;

export function installMacos(ap: ApSide): MacosRecord {
  const rec: MacosRecord = { nested: {}, dcpav: [], properties: [], swapsCompleted: [] };
  let pending: { start: number; chunks: Array<{ offset: number; length: number }>; parts: Uint8Array[] } | undefined;
  const yes = (): Uint8Array => boolOut(true);
  Object.assign(ap.handlers, {
    D598: () => undefined,
    D107: yes, D108: yes, D109: yes, D110: yes, D111: yes,
    D000: yes, D001: yes,
    D116: (_in: Uint8Array, a: ApSide) => {
      rec.nested['A357'] = a.call('A357', new Uint8Array(0), 0);
      rec.nested['A443'] = a.call('A443', new Uint8Array(0), 4);
      rec.nested['A103'] = a.call('A103', SEED_A103_INPUT, 8);
      rec.nested['A029'] = a.call('A029', new Uint8Array(0), 0);
      rec.nested['A463'] = a.call('A463', Uint8Array.of(1, 0, 0, 0), 0);
      rec.nested['A036'] = a.call('A036', new Uint8Array(0), 4);
      rec.nested['A000'] = a.call('A000', new Uint8Array(0), 4);
      rec.nested['A460'] = a.call('A460', new Uint8Array(0), 4);
      return boolOut(true);
    },
    // sr_get_uint_prop: output u64 value = 0, bool ret False (the seed's reply).
    D401: () => new Uint8Array(0xc),
    D408: () => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, D408_CLOCK, true);
      return b;
    },
    D300: () => undefined,
    D563: (input: Uint8Array) => {
      rec.properties.push({ tag: 'D563', key: cstr(input, 0, 0x40), bytes: input });
      return yes();
    },
    D561: (input: Uint8Array) => {
      rec.properties.push({ tag: 'D561', key: cstr(input, 0, 0x40), bytes: input });
      return yes();
    },
    // rt_bandwidth_setup_ap: t8103 values of §7.6.
    D003: () => {
      const b = new Uint8Array(0x3c);
      const v = new DataView(b.buffer);
      v.setBigUint64(8, 0x23b738014n, true);
      v.setBigUint64(16, 0x23bc3c000n, true);
      v.setUint32(28, 2, true);
      return b;
    },
    D122: (input: Uint8Array) => {
      pending = { start: readU32(input, 0), chunks: [], parts: [] };
      return yes();
    },
    D123: (input: Uint8Array) => {
      const offset = readU32(input, 0x1000);
      const length = readU32(input, 0x1004);
      pending?.chunks.push({ offset, length });
      pending?.parts.push(input.slice(0, length));
      return yes();
    },
    D124: (input: Uint8Array) => {
      if (pending) {
        const total = pending.parts.reduce((n, p) => n + p.length, 0);
        const blob = new Uint8Array(total);
        let at = 0;
        for (const p of pending.parts) {
          blob.set(p, at);
          at += p.length;
        }
        rec.dcpav.push({ key: cstr(input, 0, 0x40), start: pending.start, chunks: pending.chunks, blob });
      }
      pending = undefined;
      return yes();
    },
    D589: (input: Uint8Array) => {
      rec.swapsCompleted.push(readU32(input, 0));
      return undefined;
    },
  });
  return rec;
}

export { readU64, u32 };
