// Layer: core/cli. `hvdbg run --target T --guest FILE`: loads a guest under the m1n1 hypervisor
// (core/hv), runs it to its power-off hypercall with the chosen tracers (core/plugin) loaded and
// a debug session (core/session) attached, which the stdin console (run-console.ts) and gdb
// (--gdb, gdbstub) share. `--target sim` starts a virtual M1 as its own process on a pty
// (spawn-sim.ts). Imports core/hv, core/plugin, core/formats, core/errors, core/session, gdbstub
// and this folder.
//
// Streams: stdout carries only the guest's console (vuart and hypercall text), byte for byte, so
// it can be piped; stderr carries everything else — `run: ` status and upload progress, tracer
// lines (`[gpio] …`), m1n1's own text (`m1n1> `), the replies and stop lines of the stdin
// commands, errors. Exit status: 0 the guest powered off with status 0; 1 it powered off with
// another status, ended otherwise (also: stopped on an exception with stdin closed and no gdb),
// or hvdbg failed; 2 usage; 3 the host ended the guest (--timeout, Ctrl-C, `quit`, or stdin
// closed while it was stopped with no gdb to resume it): each CPU's PC printed.
//
// --gdb HOST:PORT serves the session to gdb; the line to type is printed on stderr. --wait (or
// --gdb-wait) holds the guest at its entry until `cont` on stdin or gdb's continue.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { HvdbgError } from '../errors.ts';
import { detectGuestImage, type GuestImage } from '../formats/guest-image.ts';
import { Hypervisor } from '../hv/hypervisor.ts';
import { HvTraceBackend } from '../hv/trace-backend.ts';
import type { GuestExit } from '../hv/exception-loop.ts';
import { DebugSession } from '../session/index.ts';
import { formatHostPort } from '../transport/tcp.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { guestEntryAddress, sessionTarget, startHeld } from '../../gdbstub/session-target.ts';
import { sourceDirectories } from '../../gdbstub/source-dirs.ts';
import { createInterface } from 'node:readline';
import { PluginHost } from '../plugin/host.ts';
import { runPluginCommand } from '../plugin/commands.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { HostStop } from './run-end.ts';
import { RunConsole } from './run-console.ts';
import { spawnSim, type SimProcess } from './spawn-sim.ts';

const HELP = `usage: hvdbg run --target TARGET --guest FILE [options]

Runs FILE (ELF, Mach-O, Linux Image, or gzip of one) under m1n1's hypervisor until it powers off.

TARGET: sim (a virtual M1 started for this run), a device (/dev/ttyACM0, /dev/m1n1, a pty), or
        tcp:HOST:PORT (an \`hvdbg sim --listen\`).

options:
  --guest FILE          the guest image (required)
  --cmdline TEXT        command line in boot_args
  --timeout SECONDS     stop the guest after this long, print where each CPU was, exit 3
                        (Ctrl-C does the same)
  --tracer NAME[=N]     load a tracer plugin (gpio, aic, asc, dcp, or one in --plugin-dir) at
                        verbosity N; repeatable
  --tracers LIST        several at once, comma-separated: --tracers gpio,aic,asc,dcp (each may
                        be NAME=N); repeatable, combines with --tracer
  --plugin-dir DIR      also look for tracers in DIR (searched first); repeatable
  --vuart PATH          the guest's serial console (/dev/m1n1-sec, or the vuart: line of
                        hvdbg sim); automatic with --target sim
  --quiet               no progress or m1n1 text on stderr (tracer lines and errors stay)
  --gdb [HOST:]PORT     serve the guest to gdb (remote protocol) on HOST (default 127.0.0.1);
                        the gdb-multiarch command line to attach is printed on stderr; port 0
                        picks a free one
  --wait                hold the guest at its first instruction until 'cont' on stdin (or gdb's
                        continue), to set breakpoints first (like QEMU -S)
  --gdb-wait            the same as --wait, with --gdb

Tracers reload by themselves when their files change (state kept).

Commands on stdin (replies and stop lines on stderr; 'help' lists them all):
  status | stop | cont (c) | step (s) [N] | cpu N | regs [NAME…] | bt | mem [-p] ADDR [LEN]
  dis [ADDR] [N] | break ADDR [hw] | watch ADDR [LEN] [r|w|rw] | delete [N|all] | info | quit (q)
  tracers: plugins | load NAME | unload NAME | reload NAME | verbosity NAME [N]
ADDR is 0x… hex, decimal, symbol[+off] or $register[+off]. A stop prints one line:
  stopped: cpu0 breakpoint at 0x810003b54 <visit_leaf+0> src/debug-demo.c:42
When stdin ends the guest runs on; if it is (or later gets) stopped with no gdb to resume it,
it is ended as by quit.

stdout: the guest's console only. stderr: progress, tracer lines, m1n1's text, replies, errors.
exit: 0 powered off with status 0, 1 other status or failure (also a guest exception with
nobody to resume it), 2 usage, 3 ended by the host (--timeout, Ctrl-C, quit, stdin closed on a
stopped guest), with where each CPU was.`;

const OPTIONS = {
  target: { type: 'string' },
  guest: { type: 'string' },
  cmdline: { type: 'string' },
  timeout: { type: 'string' },
  tracer: { type: 'string', multiple: true },
  tracers: { type: 'string', multiple: true },
  'plugin-dir': { type: 'string', multiple: true },
  vuart: { type: 'string' },
  quiet: { type: 'boolean' },
  gdb: { type: 'string' },
  'gdb-wait': { type: 'boolean' },
  wait: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunOptions {
  target: string;
  guest: string;
  cmdline?: string;
  timeoutSeconds?: number;
  tracers: ReadonlyArray<{ name: string; verbosity?: number }>;
  pluginDirs: readonly string[];
  vuart?: string;
  quiet: boolean;
  /** --gdb: where the gdb stub listens (port 0: a free one). */
  gdb?: { host: string; port: number };
  /** --wait: the guest waits at its entry for `cont` on stdin or gdb's continue. */
  wait?: boolean;
  /** --gdb-wait: --wait, spelt for gdb (the held message names it). */
  gdbWait?: boolean;
  /** Called once the target is known (e.g. where the virtual M1 listens). */
  onTarget?: (where: { target: string; vuart?: string; tcp?: string }) => void;
}

const STOP_GRACE_MS = 10_000;
/** Stops that are the guest's own failure (a run ended on one exits 1, not 3). */
const FAILURES: ReadonlySet<string> = new Set(['exception', 'mmio-error']);
/** Longest wait for a stop the session asked for (a step, an interrupt) on a busy machine. */
const SESSION_STOP_MS = 60_000;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

function parseGdbAddress(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`hvdbg run: --gdb takes [HOST:]PORT, e.g. --gdb 127.0.0.1:1234, not '${text}'`, HELP);
  const host = m[1] === undefined || m[1] === '' ? '127.0.0.1' : m[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

function parseTracer(text: string, option = '--tracer'): { name: string; verbosity?: number } {
  const m = /^([^=,\s]+)(?:=(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`hvdbg run: ${option} takes NAME or NAME=VERBOSITY, not '${text}'`, HELP);
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, verbosity: Number(m[2]) };
}

/**
 * Every --tracer and --tracers entry in command-line order; a name given twice is loaded once,
 * with the last verbosity given for it (so `hvdbg start --tracer gpio=3` overrides start's gpio=2).
 */
function collectTracers(argv: string[]): Array<{ name: string; verbosity?: number }> {
  // parseArgs keeps each option's values apart; its tokens give them back in argv order (the
  // argv was already checked by parseCommandArgs, so this second parse cannot fail).
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
  const all: Array<{ name: string; verbosity?: number }> = [];
  for (const tok of tokens) {
    if (tok.kind !== 'option' || tok.value === undefined) continue;
    if (tok.name === 'tracer') all.push(parseTracer(tok.value));
    else if (tok.name === 'tracers') {
      const parts = tok.value.split(',').map((p) => p.trim());
      if (parts.some((p) => p === '')) throw new UsageError(`hvdbg run: --tracers takes a comma-separated list of names (gpio,aic,asc,dcp), not '${tok.value}'`, HELP);
      for (const p of parts) all.push(parseTracer(p, '--tracers'));
    }
  }
  const byName = new Map<string, { name: string; verbosity?: number }>();
  for (const t of all) {
    const seen = byName.get(t.name);
    if (!seen) byName.set(t.name, { ...t });
    else if (t.verbosity !== undefined) seen.verbosity = t.verbosity;
  }
  return [...byName.values()];
}

/** Parses `argv` of `hvdbg run` (usage errors before anything is touched). */
export function parseRunArgs(argv: string[]): RunOptions | 'help' {
  const { values } = parseCommandArgs('run', argv, OPTIONS, HELP);
  if (values.help) return 'help';
  if (!values.target) throw new UsageError('hvdbg run: --target is required (sim, a device, or tcp:HOST:PORT)', HELP);
  if (!values.guest) throw new UsageError('hvdbg run: --guest is required (e.g. examples/guest/build/demo.elf)', HELP);
  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || !(timeoutSeconds > 0)) throw new UsageError(`hvdbg run: --timeout must be a positive number of seconds, not '${values.timeout}'`, HELP);
  }
  if (values['gdb-wait'] && values.gdb === undefined) throw new UsageError('hvdbg run: --gdb-wait needs --gdb [HOST:]PORT', HELP);
  return {
    target: values.target,
    guest: values.guest,
    cmdline: values.cmdline,
    timeoutSeconds,
    tracers: collectTracers(argv),
    pluginDirs: values['plugin-dir'] ?? [],
    vuart: values.vuart,
    quiet: values.quiet ?? false,
    ...(values.gdb === undefined ? {} : { gdb: parseGdbAddress(values.gdb) }),
    wait: (values.wait ?? false) || (values['gdb-wait'] ?? false),
    gdbWait: values['gdb-wait'] ?? false,
  };
}

/** Reads and recognises the guest before any target is touched: a wrong path costs nothing. */
async function readGuest(path: string): Promise<{ bytes: Uint8Array; image: GuestImage }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HvdbgError('RUN_GUEST_UNREADABLE', `cannot read the guest ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, {
      hint: 'give the path of a guest image, e.g. --guest examples/guest/build/demo.elf (build it with make -C examples/guest)',
      cause: err,
    });
  }
  return { bytes, image: detectGuestImage(bytes, path) };
}

/** --gdb: listens and prints the attach command (always, even with --quiet: it is what the user came for). */
async function serveGdb(server: GdbServer, o: RunOptions): Promise<void> {
  const where = await server.listen(o.gdb!.host, o.gdb!.port);
  server.onConnected((peer) => process.stderr.write(`run: gdb connected (${peer})\n`));
  server.onDisconnected((peer) => process.stderr.write(`run: gdb disconnected (${peer})\n`));
  process.stderr.write(`run: gdb stub listening on ${formatHostPort(where.host, where.port)}; attach with:\n  ${server.gdbCommand(o.guest, sourceDirectories(o.guest))}\n`);
}

/** Starts the guest; with --wait held at its entry (startHeld). Resolves with the guest's exit to come. */
async function startGuest(session: DebugSession, hv: Hypervisor, o: RunOptions): Promise<{ exited: Promise<GuestExit> }> {
  if (!o.wait) return { exited: session.start() };
  const { stop, exited } = await startHeld(session, guestEntryAddress(hv));
  const who = o.gdb ? "gdb continues it or 'cont' on stdin" : "'cont' on stdin";
  process.stderr.write(`run: ${o.gdbWait ? '--gdb-wait' : '--wait'}: the guest is held at its entry (cpu${stop.cpu}, PC ${hex(stop.pc)}) until ${who}\n`);
  return { exited };
}

export async function runCommand(argv: string[]): Promise<number> {
  const options = parseRunArgs(argv);
  if (options === 'help') return (console.log(HELP), 0);
  return runGuest(options);
}

/** The body of `hvdbg run` (also `hvdbg start`). Resolves with the exit status. */
export async function runGuest(o: RunOptions): Promise<number> {
  const status = (line: string): void => void (o.quiet || process.stderr.write(`run: ${line}\n`));
  const { bytes, image } = await readGuest(o.guest);
  let sim: SimProcess | undefined;
  let target = o.target;
  let vuart = o.vuart;
  if (o.target === 'sim') {
    let vuartPty: string | undefined;
    status('starting the virtual M1 (hvdbg sim) on a pty');
    sim = await spawnSim({
      cliPath: process.argv[1]!,
      nodeArgs: process.execArgv,
      pty: true,
      listen: 'tcp:127.0.0.1:0',
      onLine: (line) => {
        // 'vuart: /dev/pts/N' comes right after 'pty:', before 'listening:' (sim/cli.ts).
        const m = /^vuart: (\/.+)$/.exec(line);
        if (m) vuartPty = m[1];
      },
    });
    target = sim.pty!;
    vuart ??= vuartPty;
    o.onTarget?.({ target, vuart, tcp: sim.tcp });
  } else {
    o.onTarget?.({ target, vuart });
  }
  try {
    return await runOn(target, vuart, bytes, image, o, status);
  } finally {
    sim?.stop();
  }
}

async function runOn(target: string, vuart: string | undefined, bytes: Uint8Array, image: GuestImage, o: RunOptions, status: (line: string) => void): Promise<number> {
  status(`connecting to ${target}${vuart ? ` (guest console: ${vuart})` : ''}`);
  const hv = await Hypervisor.connect(target, { vuart, reconnect: false, onStatus: (m) => status(m) });
  const disposers: Array<() => void> = [];
  try {
    hv.onLog((line) => status(line));
    hv.onError((e) => process.stderr.write(`run: error: ${e.describe()}\n`));
    const m1n1Text = { partial: '' };
    hv.onConsole((text, source) => {
      if (source !== 'proxy') return void process.stdout.write(text);
      if (o.quiet) return;
      const s = m1n1Text.partial + Buffer.from(text).toString('latin1');
      const lines = s.split(/\r?\n/);
      m1n1Text.partial = lines.pop()!;
      for (const l of lines) process.stderr.write(`m1n1> ${l}\n`);
    });

    const backend = new HvTraceBackend(hv, (ev) => process.stderr.write(`${ev.line}\n`));
    disposers.push(() => backend.dispose());
    backend.onError((e) => process.stderr.write(`run: tracer backend: ${e.describe()}\n`));
    // Tracers reload when their files change, between two events, keeping their state (issue 8).
    const plugins = new PluginHost(backend, { pluginDirs: o.pluginDirs, hotReload: true });
    // The host already reports each lifecycle step as an output line (`[gpio] reloaded`, `[gpio]
    // reload failed, …`, `[gpio] unloaded`); only the hint of a failed reload is added here.
    plugins.onLifecycle((e) => {
      if (e.kind === 'reload-failed' && e.error?.hint) process.stderr.write(`[${e.plugin}] hint: ${e.error.hint}\n`);
    });
    for (const t of o.tracers) {
      await plugins.load(t.name);
      if (t.verbosity !== undefined) plugins.setVerbosity(t.name, t.verbosity);
    }
    let lastShown = -1;
    const loaded = await hv.loadGuest(bytes, {
      name: o.guest,
      cmdline: o.cmdline,
      onProgress: (p) => {
        const pct = p.totalBytes > 0 ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 100;
        if (pct === lastShown || (pct % 25 !== 0 && pct !== 100)) return;
        lastShown = pct;
        status(`${p.phase} ${p.segment}: ${p.doneBytes}/${p.totalBytes} bytes (${pct}%)`);
      },
    });
    status(`loaded ${o.guest} (${image.kind}): ${loaded.stats.rawBytes} bytes, ${loaded.stats.wireBytes} on the wire; entry ${hex(loaded.layout.entry)}`);
    await backend.sync();

    // One debug session for the stdin console and gdb; it owns the stop handler (every stop
    // holds the guest until a command or gdb resumes it).
    const session = DebugSession.attach(hv, { stopTimeoutMs: SESSION_STOP_MS });
    disposers.push(() => void session.close());
    const ender = new HostStop(session, { status, warn: (l) => process.stderr.write(`${l}\n`), graceMs: STOP_GRACE_MS });
    disposers.push(() => ender.dispose());
    const timer = o.timeoutSeconds === undefined ? undefined : setTimeout(() => ender.request(`--timeout ${o.timeoutSeconds} s passed`), o.timeoutSeconds * 1000);
    const onSigint = (): void => ender.request('interrupted (Ctrl-C)');
    process.on('SIGINT', onSigint);
    disposers.push(() => (clearTimeout(timer), process.off('SIGINT', onSigint)));

    let gdbServer: GdbServer | undefined;
    if (o.gdb) {
      gdbServer = new GdbServer(sessionTarget(session, {
          tracers: () => plugins.list().map((p) => `${p.name} (verbosity ${p.verbosity}${p.disabled ? ', disabled' : ''})`),
          tracerCommand: (line) => runPluginCommand(plugins, line),
          log: (l) => status(`gdb: ${l}`),
        }), { log: (l) => status(`gdb: ${l}`), stopTimeoutMs: 60_000 });
      disposers.push(() => void gdbServer?.close());
      await serveGdb(gdbServer, o);
    }
    status(`starting the guest${o.tracers.length ? ` with tracers ${o.tracers.map((t) => t.name).join(', ')}` : ''}`);
    const started = (await startGuest(session, hv, o)).exited;
    started.catch(() => undefined); // after a give-up, close() ends it

    // Commands on stdin (run-console.ts), read from here on: the guest is running or held.
    const commands = new RunConsole({ session, plugins, print: (text) => process.stderr.write(`${text}\n`), quit: () => ender.request('quit') });
    disposers.push(() => commands.dispose());
    let stdinOpen = true;
    // Stopped, stdin ended and no gdb to come: nothing can resume the guest, so it is ended —
    // exit 3 as any end by the host, or 1 when it had stopped on a fault of its own.
    const orphaned = (): void =>
      void commands.whenIdle().then(() => {
        if (stdinOpen || o.gdb || session.state !== 'stopped') return;
        const stop = session.lastStop;
        const failed = stop !== undefined && FAILURES.has(stop.reason);
        ender.request(`stdin is closed and the guest is stopped${failed ? ` on ${stop.reason === 'exception' ? 'an exception' : stop.reason}` : ''} with no gdb to resume it`, failed ? 1 : 3);
      });
    const stops = session.events.onEvent((e) => e.kind === 'stopped' && orphaned());
    disposers.push(() => stops.dispose());
    const lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => void commands.execute(line));
    lines.on('close', () => ((stdinOpen = false), orphaned()));
    disposers.push(() => lines.close());

    const exit = await Promise.race([started, ender.gaveUp]);
    if (exit === 'gave-up') {
      process.stderr.write(`run: ${ender.requested!.why}; the target did not stop within ${STOP_GRACE_MS / 1000} s of the interrupt — giving up (CPUs unknown)\n`);
      return 3;
    }
    for (const t of o.tracers) await plugins.idle(t.name);
    await plugins.close();

    // A stop the host asked for, unless the guest powered off first.
    if (ender.requested && !(ender.requested.pcs.size === 0 && exit.status !== undefined)) {
      for (const line of ender.report()) process.stderr.write(`${line}\n`);
      return ender.requested.exitCode;
    }
    if (exit.status === 0n) {
      status('the guest powered off with status 0');
      return 0;
    }
    process.stderr.write(exit.status === undefined ? `run: the guest ended without powering off: ${exit.why}\n` : `run: the guest powered off with status ${exit.status} (non-zero: ${exit.why})\n`);
    return 1;
  } finally {
    for (const d of disposers) d();
    await hv.close().catch(() => undefined);
  }
}
