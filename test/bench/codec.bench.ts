// Hot paths of the framing layer, alone: the m1n1 checksum, request encoding, reply decoding.
import { checksum } from '../../core/uartproxy/checksum.ts';
import { FrameDecoder } from '../../core/uartproxy/frame-decoder.ts';
import { RequestWriter } from '../../core/uartproxy/frame-encoder.ts';
import { MiB } from '../helpers/bytes.ts';
import { bestRate, fmt } from './measure.ts';

export function benchCodec(): string[] {
  const data = new Uint8Array(64 * MiB).map((_, i) => (i * 131) & 0xff);
  let sink = 0;
  const checksumMiBps = bestRate(5, () => ((sink ^= checksum(data)), data.length)) / MiB;

  const writer = new RequestWriter();
  const encodePerSecond = bestRate(5, () => {
    for (let i = 0; i < 200_000; i++) sink ^= writer.proxy(0x105, [0x80e000000n + BigInt(i & 0xff)])[60]!;
    return 200_000;
  });

  // A stream of P_READ32 replies as the target sends them (spec §2.3 layout), fed in 64 KiB chunks.
  const reply = new Uint8Array(36);
  const view = new DataView(reply.buffer);
  view.setUint32(0, 0x01aa55ff, true);
  view.setUint32(8, 0x105, true);
  view.setUint32(0x18, 0xabad1dea, true);
  view.setUint32(32, checksum(reply, 0, 32), true);
  const frames = 100_000;
  const stream = new Uint8Array(frames * 36);
  for (let i = 0; i < frames; i++) stream.set(reply, i * 36);
  let decoded = 0;
  const decoder = new FrameDecoder({
    text: () => {},
    reply: () => void decoded++,
    event: () => {},
    eventError: () => {},
    payloadEnd: () => {},
  });
  const decodePerSecond = bestRate(5, () => {
    for (let o = 0; o < stream.length; o += 65536) decoder.push(stream.subarray(o, o + 65536));
    return frames;
  });
  if (decoded !== frames * 5) throw new Error(`decoder lost frames: ${decoded}`);
  void sink;
  return [
    `checksum (m1n1 §2.5)           ${fmt(checksumMiBps, 0).padStart(10)} MiB/s`,
    `encode PROXY request           ${fmt(encodePerSecond).padStart(10)} frames/s`,
    `decode PROXY reply stream      ${fmt(decodePerSecond).padStart(10)} frames/s`,
  ];
}
