// The hypervisor's host round trips end to end, over a real pty between this process (the host,
// serialport on the pty slave as on /dev/ttyACM0) and `hvdbg sim` in its own process: one
// synchronous HOOK_VM callback (§10.6: REQ_BOOT, MEMREAD ctx, MEMREAD hook data, P_WRITE64 of
// the value, P_EXIT(2)), and one asynchronous MMIO trace event (§10.5), buffered and
// unbuffered (TRACE_UNBUF). Figures only, no assertions.
import { fileURLToPath } from 'node:url';
import { spawnSim } from '../../core/cli/spawn-sim.ts';
import { connect, type Link } from '../../core/link/connect.ts';
import { fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RAM = 0x8_0000_0000n;
const CODE = 0x8_1000_0000n;
const STUB = 0x8_1200_0000n;
const PAGE = 0x8_2000_0000n;
const HW = 0x7fdn;
const PROXY_HOOK_R = 0x0008_0000_0000_0000n;
const TRACE_WRITE = 0x4000_0000_0000_0000n;
const TRACE_UNBUF = 0x2000_0000_0000_0000n;
// 1: ldr w3, [x0]; subs x1, x1, #1; b.ne 1b; mov x0, #0; brk #0x4242
const LOAD_LOOP = [0xb9400003, 0xf1000421, 0x54ffffc1, 0xd2800000, 0xd4284840];
// 1: str w1, [x0]; subs x1, x1, #1; b.ne 1b; mov x0, #0; brk #0x4242
const STORE_LOOP = [0xb9000001, 0xf1000421, 0x54ffffc1, 0xd2800000, 0xd4284840];

function words(ws: readonly number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  ws.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
  return b;
}

async function prepare(link: Link, pageTo: bigint, incr: bigint, guest: readonly number[]): Promise<void> {
  const { client, proxy } = link;
  await proxy.hvInit();
  await proxy.hvMap(RAM, RAM | HW, 0x4000_0000n, 1n);
  await proxy.hvMap(PAGE, pageTo, 0x4000n, incr);
  await client.memWrite(STUB, words([0xd51c1120, 0xd65f03c0])); // msr MDCR_EL2, x0; ret
  await proxy.call(STUB, 0xf00n); // BRK to EL2 (§9.11)
  await client.memWrite(STUB + 0x10n, words([0xd50c83df, 0xd65f03c0])); // tlbi vmalls12e1is; ret
  await proxy.call(STUB + 0x10n);
  await client.memWrite(CODE, words(guest));
}

/** Runs the guest with `n` loop iterations; HOOK_VM sessions answered as §10.6 says, the final BRK with P_EXIT(3). */
async function runGuest(link: Link, n: number): Promise<{ seconds: number; hooks: number; events: number }> {
  const { client, proxy } = link;
  let hooks = 0;
  let events = 0;
  const ev = client.onEvent((type) => void (type === 1 && events++));
  const cb = client.onCallback(async (msg) => {
    const ctx = await client.memRead(msg.info, 368);
    const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    if (msg.reason === 3 && msg.code === 1) {
      const e = v.getBigUint64(0x168, true);
      await client.memRead(e, 80);
      await proxy.write64(e + 0x10n, 0x1234n);
      hooks++;
      await proxy.exit(2);
      return;
    }
    await proxy.exit(3);
  });
  const t0 = performance.now();
  await proxy.hvStart(CODE, PAGE, BigInt(n));
  const seconds = (performance.now() - t0) / 1000;
  ev.dispose();
  cb.dispose();
  return { seconds, hooks, events };
}

async function withSim<T>(body: (link: Link) => Promise<T>): Promise<T> {
  const sim = await spawnSim({ cliPath: `${root}dist/core/cli/main.js`, pty: true });
  try {
    const link = await connect(sim.pty!);
    try {
      return await body(link);
    } finally {
      await link.close();
    }
  } finally {
    sim.stop();
  }
}

export async function benchHv(): Promise<string[]> {
  const lines: string[] = [];
  const HOOKS = 2000;
  const hook = await withSim(async (link) => {
    await prepare(link, PROXY_HOOK_R | (1n << 2n), 0n, LOAD_LOOP);
    await runGuest(link, 50); // warm-up
    return runGuest(link, HOOKS);
  });
  lines.push(
    `HOOK_VM round trip (REQ_BOOT + MEMREAD ctx + MEMREAD hook + P_WRITE64 + P_EXIT(2)) ×${hook.hooks}: ` +
      `${fmt((hook.seconds * 1e6) / hook.hooks, 1)} µs each, ${fmt(hook.hooks / hook.seconds)}/s`,
  );
  for (const [name, flags] of [
    ['buffered', TRACE_WRITE],
    ['unbuffered (TRACE_UNBUF)', TRACE_WRITE | TRACE_UNBUF],
  ] as const) {
    const EVENTS = 50_000;
    const r = await withSim(async (link) => {
      await prepare(link, PAGE | flags, 1n, STORE_LOOP);
      await runGuest(link, 100);
      return runGuest(link, EVENTS);
    });
    lines.push(`async MMIO trace event, ${name} ×${r.events}: ${fmt((r.seconds * 1e6) / r.events, 2)} µs each (guest store trapped, emulated, event framed and read), ${fmt(r.events / r.seconds)}/s`);
  }
  return lines;
}
