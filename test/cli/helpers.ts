// Helpers for the CLI tests: run `hvdbg` as a user does (node --import tsx core/cli/main.ts …
// from the repository root), and keep an `hvdbg sim` running in the background.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = 'core/cli/main.ts';
const RUN_LIMIT_MS = 30_000;
const SIM_START_LIMIT_MS = 15_000;
const SIM_STOP_LIMIT_MS = 5_000;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type Child = ChildProcessByStdio<Writable | null, Readable, Readable>;

function spawnHvdbg(args: readonly string[], stdin: 'ignore' | 'pipe' = 'ignore'): Child {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: [stdin, 'pipe', 'pipe'] }) as Child;
}

/** Runs `hvdbg ARGS` to completion; rejects (after killing it) if it runs past the limit. */
export function hvdbg(args: readonly string[], limitMs = RUN_LIMIT_MS, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnHvdbg(args, input === undefined ? 'ignore' : 'pipe');
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hvdbg ${args.join(' ')} still ran after ${limitMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, limitMs);
    child.once('error', (err) => (clearTimeout(timer), reject(err)));
    child.once('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr })));
  });
}

/** Shows what the command printed when an assertion about it fails. */
export function transcript(r: RunResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

export interface RunningSim {
  /** The pty slave path it printed (`pty: /dev/pts/N`). */
  readonly pty: string;
  /** The TCP target it printed (`listening: tcp:127.0.0.1:PORT`). */
  readonly tcp: string;
  /** The virtual UART's pty and TCP address (`vuart: …`, one line each). */
  readonly vuartPty: string;
  readonly vuartTcp: string;
  readonly stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `hvdbg sim ARGS` and waits until it has printed both its pty and its TCP address.
 * The test's teardown stops it if the test did not.
 */
export function startSim(t: ExecutionContext, args: readonly string[]): Promise<RunningSim> {
  const child = spawnHvdbg(['sim', ...args]);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const hard = setTimeout(() => child.kill('SIGKILL'), SIM_STOP_LIMIT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(hard);
    }
  };
  t.teardown(() => stop().then(() => undefined));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hvdbg sim printed no pty and TCP address within ${SIM_START_LIMIT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), SIM_START_LIMIT_MS);
    child.once('error', (err) => (clearTimeout(timer), reject(err)));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`hvdbg sim exited (${code ?? signal}) before it was ready\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const pty = /^pty: (\S+)$/m.exec(stdout)?.[1];
      const tcp = /^listening: (tcp:\S+)$/m.exec(stdout)?.[1];
      const vuartPty = /^vuart: (\/\S+)$/m.exec(stdout)?.[1];
      const vuartTcp = /^vuart: (tcp:\S+)$/m.exec(stdout)?.[1];
      if (pty === undefined || tcp === undefined || vuartPty === undefined || vuartTcp === undefined) return;
      clearTimeout(timer);
      resolve({ pty, tcp, vuartPty, vuartTcp, stderr: () => stderr, stop });
    });
  });
}

const WAIT_LIMIT_MS = 90_000;

export interface InteractiveRun {
  /** Writes one command line to its stdin. */
  send(line: string): void;
  /**
   * Waits (bounded) until the complete stderr lines written after position `from` match `re`;
   * resolves with that text. Fails with the transcript past the limit or if hvdbg exits first.
   */
  waitFor(re: RegExp, from?: number, limitMs?: number): Promise<string>;
  /** Sends `line` and waits for `re` in what stderr says after it: the command's reply. */
  ask(line: string, re: RegExp, limitMs?: number): Promise<string>;
  /** Where stderr is now (for waitFor's `from`). */
  mark(): number;
  stdout(): string;
  stderr(): string;
  closeStdin(): void;
  /** Resolves when it exits (bounded: killed past `limitMs`). */
  exit(limitMs?: number): Promise<RunResult>;
}

/**
 * Starts `hvdbg ARGS` with a piped stdin for a test to talk to, one command at a time (wait for
 * each reply before the next). The test's teardown kills it if it still runs.
 */
export function interactiveHvdbg(t: ExecutionContext, args: readonly string[]): InteractiveRun {
  const child = spawnHvdbg(args, 'pipe');
  let stdout = '';
  let stderr = '';
  let result: RunResult | undefined;
  const changed = new Set<() => void>();
  const wake = () => {
    for (const w of [...changed]) w();
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), wake()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), wake()));
  child.stdin!.on('error', () => undefined); // writing after it exited is the test's failure, not a crash
  const closed = new Promise<RunResult>((resolve) =>
    child.once('close', (code, signal) => {
      result = { code, signal, stdout, stderr };
      resolve(result);
      wake();
    }),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitFor = (re: RegExp, from = 0, limitMs = WAIT_LIMIT_MS): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = stderr.slice(from, stderr.lastIndexOf('\n') + 1);
        if (re.test(text)) {
          done();
          resolve(text);
          return true;
        }
        if (result) {
          done();
          reject(new Error(`hvdbg exited (${result.code ?? result.signal}) before stderr showed ${re}\n${transcript(result)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`stderr did not show ${re} within ${limitMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      }, limitMs);
      const done = () => (clearTimeout(timer), changed.delete(check));
      if (!check()) changed.add(check);
    });
  return {
    send: (line) => void child.stdin!.write(`${line}\n`),
    waitFor,
    ask(line, re, limitMs) {
      const from = stderr.length;
      child.stdin!.write(`${line}\n`);
      return waitFor(re, from, limitMs);
    },
    mark: () => stderr.length,
    stdout: () => stdout,
    stderr: () => stderr,
    closeStdin: () => void child.stdin!.end(),
    exit(limitMs = WAIT_LIMIT_MS) {
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      return closed.finally(() => clearTimeout(timer));
    },
  };
}
