// Runs an AArch64 Linux program under qemu-aarch64's gdb stub and steps it one instruction at a
// time, returning the architectural registers after each step: the reference side of the CPU
// model's lockstep tests. See README.md beside this file. Test code: imports node and this folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ATOMIC_SEQUENCE_LIMIT, exclusiveSequenceStops, isLoadExclusive, mayWriteFpState, SVC_0, wordAt } from './instruction-classes.ts';
import type { UserRegisters } from '../../../sim/cpu/user/index.ts';
import { RspClient, RspError, type StopReply } from './rsp-client.ts';
import { readTargetDescription, type RegisterInfo, type TargetDescription } from './target-description.ts';

export const QEMU = ['qemu-aarch64'];
export const QEMU_PACKAGE = 'qemu-user';

/**
 * The M1 has no SVE or SME; with them on (qemu's `max` default) the stub describes z/p registers
 * instead of v0-v31 and glibc picks SVE routines. Everything else of `max` (LSE, v8.x) stays.
 */
export const DEFAULT_CPU = 'max,sve=off,sme=off';

/**
 * The registers after a step: the same shape as the model's user-mode registers, so the
 * lockstep driver compares like with like (x0..x30; nzcv is cpsr bits 31:28 as N = 8, Z = 4,
 * C = 2, V = 1; v0..v31 16 bytes each in memory order).
 */
export type RegisterSnapshot = UserRegisters;

export interface QemuRunnerOptions {
  program: string;
  args?: readonly string[];
  cpu?: string;
  /** Seeds qemu's random source, so AT_RANDOM (the stack canary) is the same every run. */
  seed?: number;
  /** The guest's environment; empty by default so that the host's cannot change the run. */
  env?: Readonly<Record<string, string>>;
  /**
   * When to read v0-v31, fpsr and fpcr, which qemu's `g` leaves out (34 `p` round trips, ~2 ms):
   * 'every-step'; 'after-fp' (default): only after an instruction from the encoding classes
   * that can write them (SIMD&FP data processing and loads, system instructions), the word being
   * read with `m` before the step; other steps repeat the last values read; 'never': zeros.
   */
  vectors?: 'every-step' | 'after-fp' | 'never';
  timeoutMs?: number;
  /**
   * Make the syscalls that return the process's own ids (set_tid_address, getpid, getppid,
   * gettid) return PINNED_ID instead of the host thread id, which changes every run; default
   * true. Lockstep needs each run to be the same; nothing in a single-threaded guest needs the
   * real id except kill/tgkill to itself.
   */
  pinIds?: boolean;
}

/** What the id syscalls return when `pinIds` is on. */
export const PINNED_ID = 0x1000n;
/** set_tid_address, getpid, getppid, gettid (the aarch64 Linux numbers). */
const ID_SYSCALLS = new Set([96n, 172n, 173n, 178n]);

/** The program ended (exit, exit_group or a fatal signal) during a step or continue. */
export class QemuExitedError extends RspError {
  constructor(readonly stop: StopReply) {
    super('QEMU_EXITED', `the program under qemu ended: ${stop.text}`);
  }
}

const CORE = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'cpsr'];
const FPU = [...Array.from({ length: 32 }, (_, i) => `v${i}`), 'fpsr', 'fpcr'];
const SIZES: Record<string, number> = { sp: 64, pc: 64, cpsr: 32, fpsr: 32, fpcr: 32 };
const expectedBits = (name: string) => SIZES[name] ?? (name[0] === 'v' ? 128 : 64);

/** qemu-aarch64's path (no ava import here: benchmarks use the runner outside tests too). */
function findQemu(): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${QEMU[0]}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const le = (b: Uint8Array, at: number, bytes: number): bigint => {
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
};

const le64 = (v: bigint) => Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const bytesToHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class QemuRunner {
  /** Byte offset in the `g` reply of each register it carries; the rest are read with `p`. */
  private readonly gOffsets = new Map<string, number>();
  private exitedWith: StopReply | undefined;
  private lastFp: Pick<RegisterSnapshot, 'v' | 'fpsr' | 'fpcr'> | undefined;
  private pcNow: bigint | undefined;
  private x8Now: bigint | undefined;
  /** The instruction word at the pc the last step started from. */
  lastWord: number | undefined;
  /** How the last step ran: one instruction, or a whole exclusive sequence (see step()). */
  lastStep: { kind: 'single' | 'atomic-sequence'; from: bigint } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly client: RspClient,
    readonly target: TargetDescription,
    private readonly registers: ReadonlyMap<string, RegisterInfo>,
    gBytes: number,
    private readonly vectors: 'every-step' | 'after-fp' | 'never',
    private readonly pinIds: boolean,
    private readonly stderr: () => string,
  ) {
    // The `g` packet carries registers 0, 1, … in number order until its bytes run out.
    let offset = 0;
    for (const r of [...target.registers].sort((a, b) => a.regnum - b.regnum)) {
      if (offset + r.bitsize / 8 > gBytes) break;
      this.gOffsets.set(r.name, offset);
      offset += r.bitsize / 8;
    }
    if (offset !== gBytes) throw new RspError('QEMU_LAYOUT', `the g reply (${gBytes} bytes) is not a whole run of the registers target.xml describes`);
    for (const name of CORE) {
      if (!this.gOffsets.has(name)) throw new RspError('QEMU_LAYOUT', `target.xml and the g reply disagree: ${name} is not in g`);
    }
  }

  static async start(options: QemuRunnerOptions): Promise<QemuRunner> {
    const port = await freePort();
    const qemuArgs = ['-g', String(port), '-cpu', options.cpu ?? DEFAULT_CPU, '-seed', String(options.seed ?? 1), options.program, ...(options.args ?? [])];
    const qemu = findQemu();
    if (!qemu) throw new RspError('QEMU_MISSING', `${QEMU[0]} is not on PATH (Debian package ${QEMU_PACKAGE})`);
    // The guest's environment is exactly options.env (qemu passes its own on to the guest).
    const child = spawn(qemu, qemuArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...(options.env ?? {}) } });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let client: RspClient | undefined;
    try {
      client = await connectWithRetry(child, port, options.timeoutMs, () => stderr);
      const target = await readTargetDescription(client);
      const registers = new Map<string, RegisterInfo>();
      for (const name of [...CORE, ...(options.vectors === 'never' ? [] : FPU)]) {
        const r = target.byName(name);
        if (!r) throw new RspError('QEMU_LAYOUT', `qemu's target.xml describes no register ${name} (is SVE on? use -cpu ${DEFAULT_CPU})`);
        if (r.bitsize !== expectedBits(name)) throw new RspError('QEMU_LAYOUT', `qemu describes ${name} as ${r.bitsize} bits, not ${expectedBits(name)}`);
        registers.set(name, r);
      }
      const stop = await client.haltReason();
      if (stop.kind !== 'signal') throw new QemuExitedError(stop);
      const g = await client.readRegisters();
      return new QemuRunner(child, client, target, registers, g.length, options.vectors ?? 'after-fp', options.pinIds ?? true, () => stderr);
    } catch (err) {
      client?.close();
      child.kill('SIGKILL');
      throw err;
    }
  }

  /** The stop reply that ended the program, once it has ended. */
  get exited(): StopReply | undefined {
    return this.exitedWith;
  }

  /** qemu's own messages (for a failing test's log). */
  get qemuStderr(): string {
    return this.stderr();
  }

  private checkStop(stop: StopReply): void {
    if (stop.kind !== 'signal') {
      this.exitedWith = stop;
      throw new QemuExitedError(stop);
    }
  }

  /**
   * Executes one instruction and returns the registers after it — except for an exclusive
   * sequence (LDXR … STXR): single-stepping one clears the exclusive monitor, so the STXR fails
   * every time and the loop never ends (gdb has the same problem on hardware). Like gdb, the
   * runner then runs the whole sequence at once, to just after the store-exclusive or out
   * through a conditional branch inside it; `lastStep` says which happened.
   */
  async step(): Promise<RegisterSnapshot> {
    if (this.exitedWith) throw new QemuExitedError(this.exitedWith);
    this.pcNow ??= (await this.snapshot(true)).pc;
    const from = this.pcNow;
    const word = wordAt(await this.client.readMemory(from, 4), 0);
    this.lastWord = word;
    const stops = isLoadExclusive(word) ? exclusiveSequenceStops(from, await this.client.readMemory(from, 4 * ATOMIC_SEQUENCE_LIMIT)) : undefined;
    if (stops) {
      for (const a of stops) await this.client.insertBreakpoint(a);
      const stop = await this.client.continue();
      if (stop.kind === 'signal') for (const a of stops) await this.client.removeBreakpoint(a);
      this.checkStop(stop);
      this.lastStep = { kind: 'atomic-sequence', from };
      return this.snapshot(true);
    }
    const x8 = this.x8Now;
    this.checkStop(await this.client.step());
    this.lastStep = { kind: 'single', from };
    if (this.pinIds && word === SVC_0 && x8 !== undefined && ID_SYSCALLS.has(x8)) {
      const reply = await this.client.command(`P${this.registers.get('x0')!.regnum.toString(16)}=${bytesToHex(le64(PINNED_ID))}`);
      if (reply !== 'OK') throw new RspError('QEMU_WRITE_REGISTER', `P (write x0) answered '${reply}'`);
    }
    return this.snapshot(this.vectors === 'every-step' || mayWriteFpState(word));
  }

  /** Runs to a breakpoint (or the end) and returns the registers there. */
  async continue(): Promise<RegisterSnapshot> {
    if (this.exitedWith) throw new QemuExitedError(this.exitedWith);
    this.checkStop(await this.client.continue());
    return this.snapshot(true);
  }

  insertBreakpoint = (address: bigint) => this.client.insertBreakpoint(address);
  removeBreakpoint = (address: bigint) => this.client.removeBreakpoint(address);
  readMemory = (address: bigint, length: number) => this.client.readMemory(address, length);

  /** The registers now; `readFp` false reuses the last v/fpsr/fpcr read (see `vectors`). */
  async snapshot(readFp = true): Promise<RegisterSnapshot> {
    const g = await this.client.readRegisters();
    const read = async (name: string): Promise<Uint8Array> => {
      const at = this.gOffsets.get(name);
      const bytes = this.registers.get(name)!.bitsize / 8;
      return at !== undefined ? g.subarray(at, at + bytes) : this.client.readRegister(this.registers.get(name)!.regnum);
    };
    const word = async (name: string) => Number(le(await read(name), 0, 4));
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(le(await read(`x${i}`), 0, 8));
    const snap: RegisterSnapshot = {
      x,
      sp: le(await read('sp'), 0, 8),
      pc: le(await read('pc'), 0, 8),
      nzcv: (await word('cpsr')) >>> 28,
      v: [],
      fpsr: 0,
      fpcr: 0,
    };
    this.pcNow = snap.pc;
    this.x8Now = snap.x[8];
    if (this.vectors === 'never') {
      for (let i = 0; i < 32; i++) snap.v.push(new Uint8Array(16));
      return snap;
    }
    if (readFp || this.lastFp === undefined) {
      const v: Uint8Array[] = [];
      for (let i = 0; i < 32; i++) v.push(Uint8Array.from(await read(`v${i}`)));
      this.lastFp = { v, fpsr: await word('fpsr'), fpcr: await word('fpcr') };
    }
    snap.v = this.lastFp.v.map((b) => Uint8Array.from(b));
    snap.fpsr = this.lastFp.fpsr;
    snap.fpcr = this.lastFp.fpcr;
    return snap;
  }

  /** Kills the program and qemu; safe to call more than once. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.client.kill();
      this.client.close();
      const hard = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
      await gone;
      clearTimeout(hard);
    } else {
      this.client.close();
    }
  }
}

async function connectWithRetry(child: ChildProcess, port: number, timeoutMs = 10_000, stderr: () => string): Promise<RspClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new RspError('QEMU_START', `qemu-aarch64 exited (${child.exitCode ?? child.signalCode}) before its gdb stub listened: ${stderr().trim()}`);
    }
    try {
      return await RspClient.connect(port, '127.0.0.1', timeoutMs);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
