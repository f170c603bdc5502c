// Layer: core/cli. `hvdbg start` (what `npm start` runs): the main job on loopback. Today that is
// a virtual M1 in its own process — reached, like a Mac, only through its pty and TCP port —
// and the host measuring the link with linktest. The hypervisor, demo guest, tracers and the
// debugger front-ends join here as their issues land.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect } from '../link/connect.ts';
import { formatLinkReport, runLinkTest } from '../link/linktest.ts';

interface SimEndpoints {
  pty: string;
  tcp: string;
}

function startSim(): Promise<{ endpoints: SimEndpoints; stop: () => void }> {
  const child = spawn(process.execPath, [process.argv[1]!, 'sim', '--pty', '--listen', 'tcp:127.0.0.1:0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const found: Partial<SimEndpoints> = {};
    child.once('exit', (code) => reject(new Error(`the virtual M1 exited (code ${code}) before it was ready`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(`[sim] ${line}`);
      const m = /^(pty|listening): (.+)$/.exec(line);
      if (m) found[m[1] === 'pty' ? 'pty' : 'tcp'] = m[2]!;
      if (found.pty && found.tcp) resolve({ endpoints: found as SimEndpoints, stop: () => child.kill('SIGTERM') });
    });
  });
}

export async function start(_argv: string[]): Promise<number> {
  console.log('hvdbg start: what exists today is the link layer — a virtual M1 serving m1n1\'s proxy');
  console.log('protocol, and the host side measuring it. The CPU, hypervisor, demo guest, tracers,');
  console.log('GDB stub and VS Code adapter arrive with the next issues.\n');
  const sim = await startSim();
  try {
    const link = await connect(sim.endpoints.pty);
    try {
      console.log(formatLinkReport(await runLinkTest(link, { onProgress: (what) => console.log(`linktest: ${what}…`) })));
    } finally {
      await link.close();
    }
    console.log(`\nThe virtual M1 keeps running. Try, from another terminal:`);
    console.log(`  node dist/core/cli/main.js linktest --target ${sim.endpoints.pty}`);
    console.log(`  node dist/core/cli/main.js linktest --target ${sim.endpoints.tcp}`);
    console.log('Ctrl-C stops it.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    sim.stop();
  }
  return 0;
}
