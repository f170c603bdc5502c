// Tracer throughput (issue 8): how many MMIO trace events the plugin layer decodes and dispatches
// per second. In process: the GPIO register map alone (offset lookup + field decode, the target is
// ≥ 1 M/s), then whole events through PluginHost and the gpio plugin on an in-process backend
// (quiet and printing). End to end: a guest on the virtual M1 (`hvdbg sim` in its own process,
// reached over its pty) hammering a GPIO pin register, the gpio plugin's range in async mode
// through HvTraceBackend — trap, m1n1 event framing, pty, decode, dispatch, line. Figures only.
import { fileURLToPath } from 'node:url';
import { spawnSim } from '../../core/cli/spawn-sim.ts';
import { adtRegPhys, findNode } from '../../core/formats/adt/index.ts';
import { Hypervisor } from '../../core/hv/hypervisor.ts';
import { HvTraceBackend } from '../../core/hv/trace-backend.ts';
import type { AnyPluginDefinition } from '../../core/plugin/api.ts';
import type { IrqTraceRequest, MmioEvent, TraceBackend, TraceOutputEvent, TraceRangeRequest } from '../../core/plugin/backend.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import { fieldsString } from '../../core/plugin/regmap-format.ts';
import { compileRegMap, decodeReg } from '../../core/plugin/regmap.ts';
import gpio from '../../plugins/gpio/index.ts';
import { gpioRegs } from '../../plugins/gpio/regs.ts';
import { GPIO_BASE, j274Adt } from '../plugin/helpers.ts';
import { bestRate, fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A backend that only hands events to the registered ranges and counts the output. */
class SinkBackend implements TraceBackend {
  readonly adt = j274Adt();
  readonly ranges: TraceRangeRequest[] = [];
  lines = 0;
  seq = 0;
  traceRange(req: TraceRangeRequest) {
    this.ranges.push(req);
    return { dispose: () => void this.ranges.splice(this.ranges.indexOf(req), 1) };
  }
  traceIrq(_req: IrqTraceRequest) {
    return { dispose: () => undefined };
  }
  output(_ev: TraceOutputEvent): void {
    this.lines++;
  }
}

function inProcess(): string[] {
  const lines: string[] = [];
  // 1. The register map alone: offset → register, raw → fields (what every event costs at least).
  const map = compileRegMap(gpioRegs);
  const N = 2_000_000;
  let sink = 0;
  const decode = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const hit = map.lookup(4 * (i % 212))!;
      const f = decodeReg(hit.cls, BigInt(i & 0xffffff)).fields as Record<string, number>;
      sink += f.MODE! + f.DATA!;
    }
    return N;
  });
  lines.push(`register-map decode (GPIO pin: offset lookup + every field): ${fmt(decode)} events/s (target ≥ 1,000,000)`);
  const M = 200_000;
  const format = bestRate(5, () => {
    for (let i = 0; i < M; i++) sink += fieldsString(map.lookup(4 * (i % 212))!.cls, BigInt(i & 0xffffff)).length;
    return M;
  });
  lines.push(`register-map decode + field text (§3.5 "NAME=v, …"): ${fmt(format)} events/s`);
  if (sink === -1) lines.push('');
  return lines;
}

async function dispatch(): Promise<string[]> {
  const lines: string[] = [];
  // 2. Whole events through PluginHost → gpio plugin (named handlers, state, cache, output).
  for (const [label, pin, verbosity] of [
    ['quiet: unnamed pin at verbosity 0, no line', 20, 0],
    ['printing: named pin, one §3.5 line per event', 192, 0],
  ] as const) {
    const backend = new SinkBackend();
    const host = new PluginHost(backend);
    await host.add(gpio);
    host.setVerbosity('gpio', verbosity);
    backend.lines = 0; // not the `loaded` line
    const range = backend.ranges[0]!;
    const addr = GPIO_BASE + BigInt(4 * pin);
    const N = 200_000;
    const rate = bestRate(5, () => {
      for (let i = 0; i < N; i++) {
        const ev: MmioEvent = { seq: ++backend.seq, cpu: 0, pc: 0xfffffe0007001000n, addr, width: 4, write: true, value: BigInt((i & 1) | 2) };
        void range.onAccess(ev);
      }
      return N;
    });
    await host.idle('gpio');
    lines.push(`decode + dispatch through PluginHost (gpio plugin), ${label}: ${fmt(rate)} events/s (${fmt(backend.lines)} lines)`);
    await host.close();
  }
  return lines;
}

// The hammering guest (A64, encoded by hand): x0 = the pin register; w1 = 0;
// loop: w3 = w1 << 24; str w3, [x0]; w1 += 1; b loop. Bits [31:24] are no pin field (§3.2).
function hammerElf(addr: bigint): Uint8Array {
  const part = (i: number): number => Number((addr >> BigInt(16 * i)) & 0xffffn);
  const code = [0xd2800000 | (part(0) << 5), 0xf2a00000 | (part(1) << 5), 0xf2c00000 | (part(2) << 5), 0x52800001, 0x53081c23, 0xb9000003, 0x11000421, 0x17fffffd];
  const LOAD = 0x8_1000_0000n;
  const CODE = 0x4000;
  const buf = new Uint8Array(CODE + 4 * code.length);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, LOAD, true);
  v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  v.setUint32(64, 1, true); // PT_LOAD, R X
  v.setUint32(68, 5, true);
  v.setBigUint64(72, BigInt(CODE), true);
  v.setBigUint64(80, LOAD, true);
  v.setBigUint64(88, LOAD, true);
  v.setBigUint64(96, BigInt(4 * code.length), true);
  v.setBigUint64(104, BigInt(4 * code.length), true);
  v.setBigUint64(112, 0x4000n, true);
  code.forEach((w, i) => v.setUint32(CODE + 4 * i, w >>> 0, true));
  return buf;
}

async function endToEnd(seconds: number): Promise<string[]> {
  // 3. Over the pty: the virtual M1 in its own process, this process the host.
  const sim = await spawnSim({ cliPath: `${root}core/cli/main.ts`, nodeArgs: ['--import', 'tsx'], pty: true });
  try {
    const hv = await Hypervisor.connect(sim.pty!, { reconnect: false });
    try {
      let lines = 0;
      let first = 0;
      let last = 0;
      const backend = new HvTraceBackend(hv, (ev) => {
        if (ev.kind !== 'pin-config') return;
        last = performance.now();
        if (lines++ === 0) first = last;
      });
      const host = new PluginHost(backend);
      await host.add({ ...(gpio as AnyPluginDefinition), mode: 'async' });
      host.setVerbosity('gpio', 2); // Pin-20 has no board name: printed from verbosity 2 (§3.5)
      const pin20 = adtRegPhys(findNode(backend.adt, '/arm-io/gpio')!, 0).addr + 4n * 20n;
      await hv.loadGuest(hammerElf(pin20), { name: 'hammer.elf' });
      await backend.sync();
      hv.loop.setStopHandler(async (stop) => (stop.reason === 'vtimer' ? 'continue' : 'exit-guest'));
      const running = hv.start();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      hv.interrupt();
      await running;
      await host.idle('gpio');
      const rate = lines > 1 ? (lines - 1) / ((last - first) / 1000) : 0;
      await host.close();
      backend.dispose();
      return [`end to end over the pty (guest hammering a GPIO pin, gpio range async, one line per event): ${fmt(rate)} events/s (${fmt(lines)} events in ${fmt((last - first) / 1000, 2)} s)`];
    } finally {
      await hv.close().catch(() => undefined);
    }
  } finally {
    sim.stop();
  }
}

export async function benchTrace(): Promise<string[]> {
  return [...inProcess(), ...(await dispatch()), ...(await endToEnd(5))];
}
