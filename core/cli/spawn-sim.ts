// Layer: core/cli. Starts `hvdbg sim` as its own process — the virtual M1 is a separate program,
// reached like a Mac only through its pty and TCP port — and reads where it listens.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SimProcess {
  /** The pty slave path (the stand-in for /dev/ttyACM0), if --pty was given. */
  pty?: string;
  /** `tcp:HOST:PORT`, if --listen was given. */
  tcp?: string;
  stop(): void;
}

export interface SpawnSimOptions {
  /** The hvdbg entry point to run (dist/core/cli/main.js, or core/cli/main.ts with tsx). */
  cliPath: string;
  /** Node options such as ['--import', 'tsx']. */
  nodeArgs?: string[];
  pty?: boolean;
  listen?: string;
  onLine?: (line: string) => void;
}

export function spawnSim(options: SpawnSimOptions): Promise<SimProcess> {
  const args = [...(options.nodeArgs ?? []), options.cliPath, 'sim', '--quiet'];
  if (options.pty) args.push('--pty');
  if (options.listen) args.push('--listen', options.listen);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => void child.kill('SIGTERM');
  return new Promise((resolve, reject) => {
    const found: SimProcess = { stop };
    const ready = () => (!options.pty || found.pty) && (!options.listen || found.tcp);
    child.once('exit', (code) => reject(new Error(`the virtual M1 exited (code ${code}) before it was ready`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      options.onLine?.(line);
      const m = /^(pty|listening): (.+)$/.exec(line);
      if (m?.[1] === 'pty') found.pty = m[2]!;
      if (m?.[1] === 'listening') found.tcp = m[2]!;
      if (ready()) resolve(found);
    });
  });
}
