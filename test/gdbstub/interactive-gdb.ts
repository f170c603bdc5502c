// Drives a real gdb-multiarch the way a user at a terminal does: commands typed one batch at a
// time on its stdin (not -batch), output read as it comes, and Ctrl-C as a SIGINT to gdb (which
// gdb forwards to the stub as the 0x03 byte). Each batch ends with an `echo` of a unique mark, so
// a batch's output is everything up to its mark; every wait is bounded and fails with the
// transcript so far, never hangs.
import { spawn, type ChildProcess } from 'node:child_process';
import { which } from '../helpers/external-tool.ts';

const DEFAULT_WAIT_MS = 180_000;

/** gdb prompts on stdout before it reads each line; what a command prints follows the prompt. */
const withoutPrompts = (text: string): string => text.replace(/^(?:\(gdb\) )+/gm, '');

export class InteractiveGdb {
  private stdoutText = '';
  private stderrText = '';
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];
  private marks = 0;
  private exitCode: number | null | undefined;
  /** Resolves with gdb's exit code once it has exited. */
  readonly exited: Promise<number | null>;

  /** Starts gdb on `elf` (symbols, DWARF) and attaches it to the stub at 127.0.0.1:`port`. */
  constructor(port: number, elf: string, cwd: string, extraSetup: readonly string[] = []) {
    const gdb = which(['gdb-multiarch'])!;
    // The virtual M1 shares a busy machine: a packet may take seconds to answer, so gdb's 2 s
    // remote timeout is raised.
    const setup = ['set remotetimeout 120', 'set pagination off', 'set confirm off', 'set width 0', ...extraSetup, `target remote 127.0.0.1:${port}`];
    const args = ['-nx', '-q', ...setup.flatMap((c) => ['-ex', c]), elf];
    this.child = spawn(gdb, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdoutText += d;
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderrText += d;
      this.wake();
    });
    this.child.stdin!.on('error', () => undefined); // gdb gone: its exit is reported by the waits
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code) => {
        this.exitCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Types `commands` and waits until gdb has run them all; resolves with their stdout (prompts included). */
  async run(...commands: string[]): Promise<string> {
    const mark = `@@hvdbg-mark-${++this.marks}@@`;
    const from = this.stdoutText.length;
    this.type(...commands, `echo ${mark}\\n`);
    const at = await this.waitFor(new RegExp(`${mark}\n`), from, `the output of: ${commands.join('; ')}`);
    return withoutPrompts(this.stdoutText.slice(from, at.index));
  }

  /** gdb's stdout from offset `from` on, prompts taken out. */
  since(from: number): string {
    return withoutPrompts(this.stdoutText.slice(from));
  }

  /** Types commands without waiting for them (e.g. a `continue` to be interrupted). */
  type(...commands: string[]): void {
    this.child.stdin!.write(commands.map((c) => `${c}\n`).join(''));
  }

  /** Ctrl-C at gdb's terminal. */
  pressCtrlC(): void {
    this.child.kill('SIGINT');
  }

  /** Waits (bounded) until stdout from offset `from` matches `re`. */
  async waitFor(re: RegExp, from: number, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<RegExpExecArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.stdoutText.slice(from));
      if (m !== null) {
        m.index += from;
        return m;
      }
      if (this.exitCode !== undefined) throw new Error(`gdb exited (code ${this.exitCode}) before ${what}\n${this.transcript()}`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`gdb did not show ${what} within ${timeoutMs} ms\n${this.transcript()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** `quit`, then waits (bounded) for gdb to exit; kills it if it will not. */
  async quit(timeoutMs = 60_000): Promise<number | null> {
    if (this.exitCode === undefined) {
      this.type('quit');
      this.child.stdin!.end();
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const code = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (code === 'late') {
      this.kill();
      throw new Error(`gdb did not quit within ${timeoutMs} ms\n${this.transcript()}`);
    }
    return code;
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  transcript(): string {
    return `--- gdb stdout ---\n${this.stdoutText}\n--- gdb stderr (tail) ---\n${this.stderrText.slice(-4000)}`;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
