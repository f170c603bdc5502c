// Layer: core/link. The measurements behind `hvdbg linktest` and `npm run bench`: round trips
// one at a time (latency), pipelined (throughput), and bulk memory with data checksums on and
// off. Only ops that are harmless on a real Mac are used: P_NOP, and P_READ32 / MEMREAD /
// MEMWRITE inside the scratch RAM m1n1's own Python host uses for its heap (§7.5).

import { HvdbgError } from '../errors.ts';
import { Feature } from '../uartproxy/constants.ts';
import type { Link } from './connect.ts';

export interface LatencyFigures {
  op: string;
  count: number;
  perSecond: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  /** This process's CPU time per op (user + system): the host's own cost, whatever the target's. */
  hostCpuUsPerOp: number;
}

export interface PipelineFigures {
  op: string;
  count: number;
  inFlight: number;
  perSecond: number;
}

export interface BulkFigures {
  dataChecksums: boolean;
  sizeBytes: number;
  uploadMiBps: number;
  downloadMiBps: number;
  verified: boolean;
}

export interface LinkReport {
  target: string;
  chipId: number;
  iodev: number;
  /** Whether the target let us turn data checksums off (USB yes, UART no: §2.6). */
  checksumsCanBeDisabled: boolean;
  scratchAddress: bigint;
  roundTrips: LatencyFigures[];
  pipelined: PipelineFigures;
  bulk: BulkFigures[];
}

export interface LinkTestOptions {
  roundTrips?: number;
  pipelined?: number;
  inFlight?: number;
  bulkBytes?: number;
  onProgress?: (what: string) => void;
}

const MiB = 1024 * 1024;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function timeEach(op: string, count: number, fn: () => Promise<unknown>): Promise<LatencyFigures> {
  const samples = new Float64Array(count);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    samples[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  samples.sort();
  return {
    op,
    count,
    perSecond: (count / elapsedMs) * 1000,
    p50Us: percentile(samples, 0.5),
    p90Us: percentile(samples, 0.9),
    p99Us: percentile(samples, 0.99),
    maxUs: samples[count - 1]!,
    hostCpuUsPerOp: (cpu.user + cpu.system) / count,
  };
}

/** Keeps `inFlight` requests outstanding until `count` have completed. */
async function timePipelined(op: string, count: number, inFlight: number, fn: () => Promise<unknown>): Promise<PipelineFigures> {
  const start = performance.now();
  let issued = 0;
  const lane = async () => {
    while (issued < count) {
      issued++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return { op, count, inFlight, perSecond: (count / (performance.now() - start)) * 1000 };
}

function testPattern(size: number, seed: number): Uint8Array {
  const data = new Uint8Array(size);
  const words = new Uint32Array(data.buffer, 0, size >>> 2);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return data;
}

async function timeBulk(link: Link, addr: bigint, size: number, dataChecksums: boolean): Promise<BulkFigures> {
  const data = testPattern(size, dataChecksums ? 0x1234567 : 0x7654321);
  let t0 = performance.now();
  await link.client.memWrite(addr, data);
  const uploadMs = performance.now() - t0;
  t0 = performance.now();
  const back = await link.client.memRead(addr, size);
  const downloadMs = performance.now() - t0;
  return {
    dataChecksums,
    sizeBytes: size,
    uploadMiBps: size / MiB / (uploadMs / 1000),
    downloadMiBps: size / MiB / (downloadMs / 1000),
    verified: Buffer.compare(back, data) === 0,
  };
}

export async function runLinkTest(link: Link, options: LinkTestOptions = {}): Promise<LinkReport> {
  const { roundTrips = 2000, pipelined = 20000, inFlight = 32, bulkBytes = 16 * MiB } = options;
  for (const [name, value] of Object.entries({ roundTrips, pipelined, inFlight, bulkBytes })) {
    if (!Number.isInteger(value) || value < 1) throw new HvdbgError('LINKTEST_BAD_OPTION', `linktest: ${name} must be a whole number ≥ 1, not ${value}`);
  }
  if (bulkBytes % 4 !== 0) throw new HvdbgError('LINKTEST_BAD_OPTION', `linktest: bulkBytes must be a multiple of 4, not ${bulkBytes}`);
  const progress = options.onProgress ?? (() => {});
  const { client, proxy } = link;

  const initialFeatures = await client.nop(0n);
  const iodev = await proxy.iodevWhoami();
  const chipId = await proxy.getChipid();
  // m1n1's Python host keeps its heap 128 MiB above m1n1's own heap top (§7.5); nothing of
  // m1n1's or iBoot's lives there, so it is safe scratch on a real Mac too.
  const scratchAddress = ((await proxy.heapblockAlloc(0)) + 128n * BigInt(MiB) + 0xffffn) & ~0xffffn;

  progress('round trips, one at a time');
  // Untimed warm-up, so the first figure does not include the JIT compiling the request path.
  for (let i = 0; i < Math.min(roundTrips, 500); i++) await proxy.nop();
  const roundTripFigures = [
    await timeEach('P_NOP', roundTrips, () => proxy.nop()),
    await timeEach('P_READ32', roundTrips, () => proxy.read32(scratchAddress)),
  ];
  progress('round trips, pipelined');
  const pipelineFigures = await timePipelined('P_READ32', pipelined, inFlight, () => proxy.read32(scratchAddress));

  const bulk: BulkFigures[] = [];
  progress(`bulk ${bulkBytes / MiB} MiB, data checksums on`);
  bulk.push(await timeBulk(link, scratchAddress, bulkBytes, true));
  const enabled = await client.nop(Feature.DISABLE_DATA_CSUMS);
  const checksumsCanBeDisabled = (enabled & Feature.DISABLE_DATA_CSUMS) !== 0n;
  if (checksumsCanBeDisabled) {
    progress(`bulk ${bulkBytes / MiB} MiB, data checksums off`);
    bulk.push(await timeBulk(link, scratchAddress, bulkBytes, false));
  }
  await client.nop(initialFeatures | Feature.DISABLE_DATA_CSUMS);

  return {
    target: link.transport.description,
    chipId,
    iodev,
    checksumsCanBeDisabled,
    scratchAddress,
    roundTrips: roundTripFigures,
    pipelined: pipelineFigures,
    bulk,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatLinkReport(r: LinkReport): string {
  const lines = [
    `link: ${r.target}`,
    `target: chip id 0x${r.chipId.toString(16)}, proxy on iodev ${r.iodev}, scratch at 0x${r.scratchAddress.toString(16)}`,
  ];
  for (const l of r.roundTrips) {
    lines.push(
      `round trips  ${l.op.padEnd(9)} one at a time ×${l.count}: ${fmt(l.perSecond).padStart(8)}/s` +
        `   latency µs p50 ${fmt(l.p50Us, 1)}  p90 ${fmt(l.p90Us, 1)}  p99 ${fmt(l.p99Us, 1)}  max ${fmt(l.maxUs, 1)}` +
        `   host CPU ${fmt(l.hostCpuUsPerOp, 1)} µs/op`,
    );
  }
  const p = r.pipelined;
  lines.push(`round trips  ${p.op.padEnd(9)} ${p.inFlight} in flight ×${p.count}: ${fmt(p.perSecond).padStart(8)}/s`);
  for (const b of r.bulk) {
    lines.push(
      `bulk ${fmt(b.sizeBytes / MiB)} MiB, data checksums ${b.dataChecksums ? 'on ' : 'off'}: ` +
        `upload ${fmt(b.uploadMiBps, 1)} MiB/s   download ${fmt(b.downloadMiBps, 1)} MiB/s   ${b.verified ? 'data verified' : 'DATA MISMATCH'}`,
    );
  }
  if (!r.checksumsCanBeDisabled) lines.push('data checksums cannot be disabled on this channel (a UART; §2.6)');
  return lines.join('\n');
}
