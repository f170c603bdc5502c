// Layer: plugins/dcp. DCPAV property transfers (spec apple-devices §7.11): setDCPAVPropStart
// (length), setDCPAVPropChunk (data, offset, length)…, setDCPAVPropEnd (key); the chunks
// concatenated are a format-2 (OSSerialize) blob (§7.10), and Start's length is one more than the
// bytes sent. Imports core/dcp and plugins/dcp.

import { decodeOsSerialize, type OsValue } from '../../core/dcp/dict-format2.ts';
import type { DcpValue } from '../../core/dcp/marshal.ts';

export interface DcpavTransfer {
  /** Start's length (total + 1, §7.11). */
  length: number;
  /** Chunks in arrival order: offset and the valid bytes. */
  chunks: Array<{ offset: number; data: Uint8Array }>;
}

export type DcpavResult =
  | { readonly ok: true; readonly key: string; readonly value: OsValue; readonly size: number; readonly lengthOk: boolean; readonly length: number }
  | { readonly ok: false; readonly key: string; readonly size: number; readonly error: string };

/** Applies one call's decoded input; returns the finished property on End. */
export function dcpavStep(state: { dcpav: DcpavTransfer | undefined }, tag: string, values: Record<string, DcpValue>): DcpavResult | undefined {
  if (tag === 'D122') {
    state.dcpav = { length: Number(values.length ?? 0), chunks: [] };
  } else if (tag === 'D123') {
    const data = values.data instanceof Uint8Array ? values.data : new Uint8Array(0);
    const length = Math.min(Number(values.length ?? 0), data.length);
    state.dcpav ??= { length: 0, chunks: [] };
    state.dcpav.chunks.push({ offset: Number(values.offset ?? 0), data: data.slice(0, length) });
  } else if (tag === 'D124') {
    const key = String(values.key ?? '');
    const t = state.dcpav ?? { length: 0, chunks: [] };
    state.dcpav = undefined;
    const size = t.chunks.reduce((n, c) => Math.max(n, c.offset + c.data.length), 0);
    const blob = new Uint8Array(size);
    for (const c of t.chunks) blob.set(c.data, c.offset);
    try {
      return { ok: true, key, value: decodeOsSerialize(blob), size, lengthOk: size === t.length - 1, length: t.length };
    } catch (err) {
      return { ok: false, key, size, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return undefined;
}
