// Issue 6: the hypervisor host's speed on the product path, over a real pty. `hvdbg sim` runs in
// its own process (core/cli/spawn-sim.ts); this process is the host: core/hv Hypervisor.connect on
// the pty slave, loadGuest of a tiny guest (guest/hv-host.S, assembled here), a DebugSession
// attached, an MMIO page registered in hook mode through hv.mmio. Reported: HOOK_VM traps per
// second (reads and writes), trapped MRS/MSR and a returning BRK hypercall, and instruction steps
// per second through DebugSession.step — each with its round trips (hv.stats, core/hv/
// round-trips.ts: a round trip is a wait for the target) and requests, the protocol minimum and
// why, and what m1n1's Python host needs for the same trap by reading its code. Figures only.
//
// The Python counts are "by reading hv/__init__.py" (AsahiLinux/m1n1 proxyclient/m1n1/hv/
// __init__.py, with proxy.py and proxyutils.py for the ops it calls), not measurements: every
// proxy request there waits for its reply, so requests = round trips.
// - handle_exception: _load_context (MEMREAD exc_info) … _commit_context (MEMWRITE, only if the
//   context changed) … p.exit (P_EXIT): 2 fixed, +1 when ELR/registers change.
// - handle_vm_hook: readstruct of the hook data (MEMREAD); a read stores each 64-bit word with
//   P_WRITE64 (ctx unchanged: the firmware advances ELR). Read 1+1+1+1 = 4, write 1+1+1 = 3.
// - handle_msr, passed through: u.mrs / u.msr = proxyutils exec(): MEMWRITE of the stub, P_DC_CVAU,
//   P_IC_IVAU, P_SET_EXC_GUARD, P_CALL, P_GET_EXC_COUNT, P_SET_EXC_GUARD = 7; ELR += 4 so the
//   context is written back: 1 + 7 + 1 + 1 = 10 for a read or a write.
// - handle_brk (0x4242) with a handler that returns: 1 + 0 + 1 (x0, ELR) + 1 = 3.
// - step(): u.msr MDSCR_EL1 (7), P_HV_PIN_CPU, _switch_context (MEMWRITE ctx, P_EXIT, wait for
//   REQ_BOOT, MEMREAD ctx), P_HV_PIN_CPU(-1): 7 + 1 + 3 + 1 = 12 per instruction (§9.11).
import { fileURLToPath } from 'node:url';
import { spawnSim, type SimProcess } from '../../core/cli/spawn-sim.ts';
import { Hypervisor } from '../../core/hv/index.ts';
import { DebugSession } from '../../core/session/index.ts';
import { buildGuest, findToolchain, withTempDir } from './guest-build.ts';
import { fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The hooked MMIO page (an IPA no device of the virtual M1 uses). */
const HOOK_PAGE = 0x2_f000_0000n;
const LOOPS = 2000;
const STEPS = 1000;
const MARK = 0x100n;
const RETURNING_CALL = 0x101n;
/** Bound on the trap phases (a host or target that stalls must not hang the bench). */
const PHASE_DEADLINE_MS = 900_000;

interface TrapFigure {
  readonly label: string;
  readonly minimum: string;
  readonly python: string;
}

/** What each phase of guest/hv-host.S measures, the minimum and why, and the Python host's count. */
const PHASES: readonly TrapFigure[] = [
  {
    label: 'HOOK_VM read (32-bit, hook mode, handler answers)',
    minimum: '2: MEMREAD of the hook data (with exc_info, or alone: its place on the firmware stack is stable per CPU) after REQ_BOOT; then P_WRITE64 of the value + P_EXIT in one burst (the value depends on the address read first, §10.6)',
    python: '4 (MEMREAD ctx, MEMREAD hook data, P_WRITE64, P_EXIT)',
  },
  {
    label: 'HOOK_VM write (32-bit, hook mode, handler takes it)',
    minimum: '2: MEMREAD of the hook data; then P_EXIT once the handler has taken the value (sending P_EXIT with the read would make it 1 but post the write: the handler could no longer stop the guest or fail the access, §10.6)',
    python: '3 (MEMREAD ctx, MEMREAD hook data, P_EXIT)',
  },
  {
    label: 'MRS ACTLR_EL1 (TACR trap, read on the target)',
    minimum: '2 with a target-side stub that stores the register straight into exc_info.regs[Rt] (P_CALL + MEMWRITE of ELR + P_EXIT in one burst after the context read); 3 when the value comes back to the host first (context read, sysreg read, write-back + P_EXIT)',
    python: '10 (MEMREAD ctx, exec() = 7 requests for the mrs, MEMWRITE ctx, P_EXIT)',
  },
  {
    label: 'MSR ACTLR_EL1 (TACR trap, written on the target)',
    minimum: '2: the context read (ESR names the register, regs[Rt] is the value); then the msr exec + ELR write-back + P_EXIT in one burst (§9.12)',
    python: '10 (MEMREAD ctx, exec() = 7 requests for the msr, MEMWRITE ctx, P_EXIT)',
  },
  {
    label: 'BRK #0x4242 hypercall returning x0',
    minimum: '2: the context read (x0 = call id); then the write-back of x0 and ELR + P_EXIT in one burst',
    python: '3 (MEMREAD ctx, MEMWRITE ctx, P_EXIT)',
  },
];

interface PhaseStats {
  count: number;
  roundTrips: number;
  requests: number;
  start: number;
  end: number;
  readonly kinds: Set<string>;
}

async function withHost<T>(guest: string, body: (hv: Hypervisor, session: DebugSession, errors: string[]) => Promise<T>): Promise<T> {
  let sim: SimProcess | undefined;
  let hv: Hypervisor | undefined;
  let session: DebugSession | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const errors: string[] = [];
  try {
    sim = await spawnSim({ cliPath: `${root}core/cli/main.ts`, nodeArgs: process.execArgv, pty: true });
    hv = await Hypervisor.connect(sim.pty!, { reconnect: false, client: { timeoutMs: 120_000 } });
    hv.onError((e) => void errors.push(e.message));
    const h = hv;
    exited = new Promise((resolve) => h.onExited(resolve));
    await hv.loadGuest(guest);
    session = DebugSession.attach(hv, { stopTimeoutMs: 120_000 });
    return await body(hv, session, errors);
  } finally {
    if (session) {
      // End the guest and let the hypervisor see it leave before the link closes.
      await session.kill().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      await session.close().catch(() => undefined);
    }
    await hv?.close().catch(() => undefined);
    sim?.stop();
  }
}

async function measure(hv: Hypervisor, session: DebugSession, errors: string[]): Promise<string[]> {
  const phases: PhaseStats[] = [];
  let current: PhaseStats | undefined;
  let skipMark = false;
  let requestsSeen = hv.stats.requests;
  let spinning: () => void = () => undefined;
  const reachedSpin = new Promise<void>((resolve) => (spinning = resolve));

  hv.loop.hypercalls.register(MARK, (s) => {
    const phase = Number(s.ctx.reg(1));
    current = { count: 0, roundTrips: 0, requests: 0, start: performance.now(), end: 0, kinds: new Set() };
    if (phase <= PHASES.length) phases.push(current);
    else current = undefined;
    skipMark = true;
    if (phase > PHASES.length) spinning();
    return { kind: 'return', x0: 0n };
  });
  hv.loop.hypercalls.register(RETURNING_CALL, () => ({ kind: 'return', x0: 0n }));
  let hookValue = 0n;
  hv.mmio.register(HOOK_PAGE, 0x4000n, 'hook', { read: () => hookValue++, write: () => undefined }, 'bench-hook');
  // Records come in order (one CPU, one trap at a time); a trap's requests are those issued
  // since the previous record. The mark hypercall's own record is left out.
  hv.loop.onTrap((rec) => {
    const requests = hv.stats.requests - requestsSeen;
    requestsSeen = hv.stats.requests;
    if (skipMark) {
      skipMark = false;
      return;
    }
    if (!current) return;
    current.count++;
    current.roundTrips += rec.roundTrips;
    current.requests += requests;
    current.end = performance.now();
    current.kinds.add(rec.kind);
  });

  const exited = session.start();
  exited.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the guest did not reach the step phase within ${PHASE_DEADLINE_MS / 1000} s (phases done: ${phases.length})`)), PHASE_DEADLINE_MS)));
  try {
    await Promise.race([reachedSpin, deadline, exited.then((e) => Promise.reject(new Error(`the guest exited before the step phase: ${e.why}`)))]);
  } finally {
    clearTimeout(timer);
  }
  const lines: string[] = [];
  for (const [i, p] of phases.entries()) {
    const f = PHASES[i]!;
    const seconds = (p.end - p.start) / 1000;
    lines.push(
      `${f.label} ×${p.count} [${[...p.kinds].join(', ')}]: ${fmt(p.count / seconds)}/s, ${fmt(p.roundTrips / p.count, 2)} round trips and ${fmt(p.requests / p.count, 2)} requests per trap`,
      `    minimum ${f.minimum}`,
      `    m1n1 Python host, by reading hv/__init__.py: ${f.python}`,
    );
  }

  // Instruction steps through the debug model, on the spin loop.
  await session.interrupt();
  await session.step(); // warm-up (the first step after a stop may flush state)
  const before = hv.stats;
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await session.step();
  const seconds = (performance.now() - t0) / 1000;
  const after = hv.stats;
  lines.push(
    `DebugSession.step ×${STEPS} (one instruction each, on a loop): ${fmt(STEPS / seconds)} steps/s, ${fmt((after.roundTrips - before.roundTrips) / STEPS, 2)} round trips and ${fmt((after.requests - before.requests) / STEPS, 2)} requests per step`,
    '    minimum 2: the resume burst (SPSR.SS in the context write-back, P_EXIT; MDSCR_EL1.SS and P_HV_PIN_CPU on the first step only) and, after the step trap\'s REQ_BOOT, the context read (the new PC); the unpin rides with the burst that resumes the guest (§9.11)',
    '    m1n1 Python host, by reading hv/__init__.py: 12 (step(): exec() = 7 for the MDSCR_EL1 msr, P_HV_PIN_CPU, MEMWRITE ctx, P_EXIT, MEMREAD ctx, P_HV_PIN_CPU(-1))',
  );
  if (after.roundTrips - before.roundTrips > 2 * STEPS) lines.push('    ABOVE THE MINIMUM: see TrapSession.step (core/hv/trap-session.ts)');
  // A sysreg exec (P_CALL of an `msr` stub) with MDSCR_EL1.SS set and clear: on the virtual M1 a
  // call with debug active runs interpreted (sim/machine/firmware-call.ts sizes its slices for it).
  const perWrite = async (reg: string, value: bigint): Promise<string> => {
    const t = performance.now();
    for (let i = 0; i < 20; i++) await hv.sysregs.write(reg, value);
    return `${reg} = 0x${value.toString(16)} ${fmt((performance.now() - t) / 20, 2)} ms`;
  };
  const execs = [await perWrite('MDSCR_EL1', 0x8001n), await perWrite('MDSCR_EL1', 0x8000n), await perWrite('ACTLR_EL1', await hv.sysregs.read('ACTLR_EL1'))];
  lines.push(`    one sysreg exec (4 requests, 1 round trip) while stopped: ${execs.join(', ')} `);
  if (errors.length) lines.push(`host errors during the run (${errors.length}): ${errors.slice(0, 3).join(' | ')}`);
  return lines;
}

export async function benchHost(): Promise<string[]> {
  const tc = findToolchain();
  if (typeof tc === 'string') return [tc];
  return withTempDir(async (dir) => {
    const guest = buildGuest(tc, dir, 'hv-host.S', 'bare', { HOOK: HOOK_PAGE, LOOPS });
    const lines = await withHost(guest, measure);
    lines.unshift(`hvdbg sim on a pty, core/hv Hypervisor + DebugSession in this process; ${LOOPS} traps per kind (round trip = a wait for the target, core/hv/round-trips.ts)`);
    return lines;
  });
}
