// The link end to end, over a real pty between the host side (this process, serialport on the
// pty slave as on /dev/ttyACM0) and the firmware side (`hvdbg sim`, its own process). With
// M1N1_DIR pointing at an m1n1 checkout, m1n1's own Python host is timed on the same link as
// the yardstick (needs Debian's python3-serial and python3-construct).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSim } from '../../core/cli/spawn-sim.ts';
import { connect } from '../../core/link/connect.ts';
import { formatLinkReport, runLinkTest, type LinkReport } from '../../core/link/linktest.ts';
import { MiB } from '../helpers/bytes.ts';
import { fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Yardstick {
  nopPerSecond: number;
  read32PerSecond: number;
  read32HostCpuUs: number;
  bulkChecksumsOn: { uploadMiBps: number; downloadMiBps: number };
  bulkChecksumsOff: { uploadMiBps: number; downloadMiBps: number };
  bulkBytes: number;
}

function pythonYardstick(pty: string, scratch: bigint): Yardstick | string {
  const m1n1 = process.env.M1N1_DIR;
  if (!m1n1 || !existsSync(`${m1n1}/proxyclient/m1n1/proxy.py`)) {
    return 'm1n1 Python yardstick: skipped (set M1N1_DIR to an m1n1 checkout; needs python3-serial, python3-construct)';
  }
  const out = execFileSync('/usr/bin/python3', [`${root}test/bench/m1n1-python-yardstick.py`, pty, '2000', String(MiB), `0x${scratch.toString(16)}`], {
    env: { ...process.env, M1N1_DIR: m1n1 },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return JSON.parse(out) as Yardstick;
}

export async function benchLink(): Promise<string[]> {
  const sim = await spawnSim({ cliPath: `${root}dist/core/cli/main.js`, pty: true });
  const lines: string[] = [];
  let report: LinkReport;
  let deep: LinkReport;
  try {
    const link = await connect(sim.pty!);
    try {
      report = await runLinkTest(link, { roundTrips: 5000, pipelined: 50_000, inFlight: 32, bulkBytes: 16 * MiB });
      deep = await runLinkTest(link, { roundTrips: 10, pipelined: 100_000, inFlight: 256, bulkBytes: MiB });
    } finally {
      await link.close();
    }
    lines.push(...formatLinkReport(report).split('\n'));
    lines.push(`round trips  P_READ32  ${deep.pipelined.inFlight} in flight ×${deep.pipelined.count}: ${fmt(deep.pipelined.perSecond).padStart(8)}/s`);
    const y = pythonYardstick(sim.pty!, report.scratchAddress);
    if (typeof y === 'string') lines.push(y);
    else {
      const best = Math.max(report.pipelined.perSecond, deep.pipelined.perSecond);
      const seq = report.roundTrips.find((r) => r.op === 'P_READ32')!;
      lines.push(
        `m1n1 Python host, same link:  P_READ32 ${fmt(y.read32PerSecond)}/s one at a time (it cannot pipeline), host CPU ${fmt(y.read32HostCpuUs, 1)} µs/op; ` +
          `bulk ${fmt(y.bulkBytes / MiB)} MiB up/down ${fmt(y.bulkChecksumsOn.uploadMiBps, 1)}/${fmt(y.bulkChecksumsOn.downloadMiBps, 1)} MiB/s checksums on, ` +
          `${fmt(y.bulkChecksumsOff.uploadMiBps, 1)}/${fmt(y.bulkChecksumsOff.downloadMiBps, 1)} off`,
        `hvdbg vs m1n1 Python:  round trips ×${fmt(seq.perSecond / y.read32PerSecond, 1)} one at a time, ×${fmt(best / y.read32PerSecond, 1)} pipelined; ` +
          `host CPU per round trip ×${fmt(y.read32HostCpuUs / seq.hostCpuUsPerOp, 1)} less; ` +
          `bulk with checksums ×${fmt(report.bulk[0]!.downloadMiBps / y.bulkChecksumsOn.downloadMiBps, 1)} down`,
      );
    }
  } finally {
    sim.stop();
  }
  return lines;
}
