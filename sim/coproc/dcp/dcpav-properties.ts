// Layer: sim/coproc/dcp. The DCPAV property sets the virtual DCP pushes to the AP during boot
// (apple-devices.md §7.11): format-2 blobs of timing and color modes, and the chunked
// Start/Chunk/End callback sequence. Imports core/dcp only.

import { encodeOsSerialize, type OsInput } from '../../../core/dcp/dict-format2.ts';
import type { DcpCallbackRequest } from './dcp-behaviour-types.ts';

export interface DisplayMode {
  readonly width: number;
  readonly height: number;
  readonly refreshHz: number;
}

/** Max bytes per setDCPAVPropChunk (§7.11). */
export const DCPAV_CHUNK_SIZE = 0x1000;

// CEA-861-style blanking; plausible, not measured on a real display.
function timing(id: number, m: DisplayMode, score: number): OsInput {
  const hTotal = m.width + Math.round(m.width * 0.146);
  const vTotal = m.height + Math.round(m.height * 0.042);
  const pixelClock = hTotal * vTotal * m.refreshHz;
  const fixed16 = (hz: number): number => Math.round(hz * 0x10000);
  return new Map<string, OsInput>([
    ['ID', id],
    ['Score', score],
    ['PixelClock', pixelClock],
    ['HorizontalAttributes', new Map<string, OsInput>([
      ['Active', m.width], ['Total', hTotal], ['SyncWidth', 44], ['FrontPorch', 88],
      ['BackPorch', hTotal - m.width - 132], ['SyncPolarity', 1],
    ])],
    ['VerticalAttributes', new Map<string, OsInput>([
      ['Active', m.height], ['Total', vTotal], ['SyncWidth', 5], ['FrontPorch', 4],
      ['BackPorch', vTotal - m.height - 9], ['SyncPolarity', 1], ['SyncRate', fixed16(m.refreshHz)],
    ])],
    ['IsPreferred', score === 1000],
    ['IsInterlaced', false],
    ['IsVirtual', false],
    ['ColorModes', [1, 2, 3]],
  ]);
}

/** Like the seed's (5820 bytes), the list is larger than one 0x1000-byte chunk. */
export function timingElementsBlob(preferred: DisplayMode): Uint8Array {
  const modes: DisplayMode[] = [
    preferred,
    { width: 1280, height: 720, refreshHz: 60 },
    { width: 2560, height: 1440, refreshHz: 60 },
    { width: 3840, height: 2160, refreshHz: 30 },
    { width: 1920, height: 1080, refreshHz: 50 },
    { width: 1024, height: 768, refreshHz: 60 },
    { width: 1680, height: 1050, refreshHz: 60 },
    { width: 1600, height: 900, refreshHz: 60 },
    { width: 1366, height: 768, refreshHz: 60 },
    { width: 2560, height: 1080, refreshHz: 60 },
  ];
  const unique = modes.filter((m, i) => modes.findIndex((o) => o.width === m.width && o.height === m.height && o.refreshHz === m.refreshHz) === i);
  return encodeOsSerialize(unique.map((m, i) => timing(i + 1, m, i === 0 ? 1000 : 900 - i * 10)));
}

export function colorElementsBlob(): Uint8Array {
  const mode = (id: number, depth: number, encoding: number, score: number): OsInput =>
    new Map<string, OsInput>([
      ['ID', id], ['Score', score], ['Depth', depth], ['PixelEncoding', encoding],
      ['Colorimetry', 0], ['EOTF', 0], ['DynamicRange', 0], ['IsVirtual', false],
    ]);
  return encodeOsSerialize([mode(1, 8, 0, 1000), mode(2, 10, 0, 950), mode(3, 8, 1, 500)]);
}

/**
 * The callbacks of one DCPAV transfer: Start(length = total + 1, the "+1" of §7.11), one
 * Chunk per 0x1000 bytes with its running offset, then End(key).
 */
export function dcpavTransfer(key: string, blob: Uint8Array): DcpCallbackRequest[] {
  const out: DcpCallbackRequest[] = [{ tag: 'D122', args: { length: blob.length + 1 } }];
  for (let offset = 0; offset < blob.length; offset += DCPAV_CHUNK_SIZE) {
    const data = blob.subarray(offset, Math.min(blob.length, offset + DCPAV_CHUNK_SIZE));
    out.push({ tag: 'D123', args: { data, offset, length: data.length } });
  }
  out.push({ tag: 'D124', args: { key } });
  return out;
}
