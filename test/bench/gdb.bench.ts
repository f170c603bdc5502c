// Issue 7: gdb's `stepi` per second through the hvdbg GDB stub on the virtual M1, and on the same
// instructions under `qemu-aarch64 -g` in the same run. One loop (guest/stepi-loop.S) is built
// twice: a bare guest for the virtual M1 (guest/stepi-m1.S) and a static Linux program for
// qemu-aarch64 (guest/stepi-linux.S). gdb-multiarch runs in batch mode: break at the loop,
// continue, then `stepi N` timed by gdb's own Python (perf_counter around the command), then a
// shorter `stepi` with `set debug remote 1` to count the RSP packets gdb sends per stepi.
//
// The hvdbg side is wired in this process as `hvdbg run --target sim --gdb … --gdb-wait` does
// (core/cli/run.ts): `hvdbg sim` in its own process on a pty, core/hv Hypervisor → DebugSession →
// gdbstub sessionTarget → GdbServer on a free port, the guest held at its entry. Figures only.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnSim, type SimProcess } from '../../core/cli/spawn-sim.ts';
import { Hypervisor } from '../../core/hv/index.ts';
import { DebugSession } from '../../core/session/index.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { guestEntryAddress, sessionTarget, startHeld } from '../../gdbstub/session-target.ts';
import { which } from '../helpers/which.ts';
import { buildGuest, findToolchain, withTempDir } from './guest-build.ts';
import { fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Timed steps; the loop runs 4 × 20000 instructions, so these stay inside it. */
const STEPS = 2000;
/** Steps with the packet log on (counted, not timed). */
const COUNTED_STEPS = 50;
const GDB_TIMEOUT_MS = 900_000;

interface StepiResult {
  readonly seconds: number;
  readonly packetsPerStep: number;
  /** m1n1 round trips of the whole gdb session per stepi (hvdbg only). */
  roundTripsPerStep?: number;
}

/** gdb-multiarch in batch mode against `target remote 127.0.0.1:port`, stepping bench_loop. */
function gdbStepi(gdb: string, port: number, elf: string): Promise<StepiResult> {
  const commands = [
    'set pagination off',
    'set confirm off',
    // The virtual M1 shares a busy machine: gdb's 2 s default could expire on a slow answer.
    'set remotetimeout 120',
    `target remote 127.0.0.1:${port}`,
    'break bench_loop',
    'continue',
    'python import time; bench_t0 = time.perf_counter()',
    `stepi ${STEPS}`,
    'python print("BENCH_STEPI_SECONDS %.6f" % (time.perf_counter() - bench_t0))',
    'set debug remote 1',
    `stepi ${COUNTED_STEPS}`,
    'set debug remote 0',
    'delete',
    'continue',
  ];
  const args = ['-batch', '-nx', ...commands.flatMap((c) => ['-ex', c]), elf];
  return new Promise((resolve, reject) => {
    execFile(gdb, args, { timeout: GDB_TIMEOUT_MS, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const m = /BENCH_STEPI_SECONDS ([\d.]+)/.exec(stdout);
      if (!m) return reject(new Error(`gdb did not finish the timed stepi${err ? ` (${err.message.split('\n')[0]})` : ''}:\n${stdout.slice(-1500)}\n${stderr.slice(-1500)}`));
      const packets = stderr.split('\n').filter((l) => l.includes('Sending packet:')).length;
      resolve({ seconds: Number(m[1]), packetsPerStep: packets / COUNTED_STEPS });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Whether /proc/net/tcp{,6} has a socket listening on `port` (any address). */
function inListenTable(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A') return true;
    }
  }
  return false;
}

/** Waits (bounded) until qemu listens on `port`, without connecting (its gdbstub serves one connection). */
async function listening(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (!existsSync('/proc/net/tcp')) return new Promise((r) => setTimeout(r, 1000)); // no procfs: give it a second
  const until = Date.now() + timeoutMs;
  while (!inListenTable(port)) {
    if (child.exitCode !== null) throw new Error(`qemu-aarch64 exited (${child.exitCode}) before listening`);
    if (Date.now() > until) throw new Error(`qemu-aarch64 did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function onQemu(gdb: string, qemu: string, elf: string): Promise<StepiResult> {
  const port = await freePort();
  const child = spawn(qemu, ['-g', String(port), elf], { stdio: 'ignore' });
  try {
    await listening(port, child);
    return await gdbStepi(gdb, port, elf);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function onVirtualM1(gdb: string, elf: string): Promise<StepiResult> {
  let sim: SimProcess | undefined;
  let hv: Hypervisor | undefined;
  let session: DebugSession | undefined;
  let server: GdbServer | undefined;
  try {
    sim = await spawnSim({ cliPath: `${root}core/cli/main.ts`, nodeArgs: process.execArgv, pty: true });
    hv = await Hypervisor.connect(sim.pty!, { reconnect: false, client: { timeoutMs: 120_000 } });
    await hv.loadGuest(elf);
    session = DebugSession.attach(hv, { stopTimeoutMs: 120_000 });
    server = new GdbServer(sessionTarget(session), { stopTimeoutMs: 120_000 });
    const { port } = await server.listen('127.0.0.1', 0);
    const { exited } = await startHeld(session, guestEntryAddress(hv));
    const before = hv.stats.roundTrips;
    const result = await gdbStepi(gdb, port, elf);
    result.roundTripsPerStep = (hv.stats.roundTrips - before) / (STEPS + COUNTED_STEPS);
    // gdb's last `continue` ran the guest to its power-off hypercall.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
    return result;
  } finally {
    await server?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await hv?.close().catch(() => undefined);
    sim?.stop();
  }
}

function line(name: string, r: StepiResult): string {
  return `${name}: stepi ×${STEPS} in ${fmt(r.seconds, 2)} s = ${fmt(STEPS / r.seconds, 1)} stepi/s, ${fmt(r.packetsPerStep, 1)} RSP packets sent per stepi (gdb's debug remote log over ${COUNTED_STEPS} stepi)${r.roundTripsPerStep === undefined ? '' : `, ${fmt(r.roundTripsPerStep, 1)} m1n1 round trips per stepi (the whole gdb session's)`}`;
}

export async function benchGdb(): Promise<string[]> {
  const gdb = which(['gdb-multiarch']);
  if (!gdb) return ['skipped: needs gdb-multiarch (Debian gdb-multiarch)'];
  const tc = findToolchain();
  if (typeof tc === 'string') return [tc];
  const qemu = which(['qemu-aarch64']);
  return withTempDir(async (dir) => {
    const bare = buildGuest(tc, dir, 'stepi-m1.S', 'bare');
    const linux = buildGuest(tc, dir, 'stepi-linux.S', 'linux');
    const lines = [`gdb-multiarch batch mode, the same loop (test/bench/guest/stepi-loop.S) on both targets`];
    lines.push(line('hvdbg GDB stub, virtual M1 (hvdbg sim on a pty)', await onVirtualM1(gdb, bare)));
    lines.push(qemu ? line('qemu-aarch64 -g (user mode)', await onQemu(gdb, qemu, linux)) : 'qemu-aarch64 -g: skipped (needs qemu-aarch64: Debian qemu-user)');
    return lines;
  });
}
