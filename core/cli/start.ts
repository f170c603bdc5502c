// Layer: core/cli. `hvdbg start` (what `npm start` runs): the main job on loopback. Today that is
// a virtual M1 in its own process — reached, like a Mac, only through its pty and TCP port —
// and the host measuring the link with linktest. The hypervisor, demo guest, tracers and the
// debugger front-ends join here as their issues land.

import { connect } from '../link/connect.ts';
import { formatLinkReport, runLinkTest } from '../link/linktest.ts';
import { spawnSim } from './spawn-sim.ts';

export async function start(_argv: string[]): Promise<number> {
  console.log('hvdbg start: what exists today is the link layer — a virtual M1 serving m1n1\'s proxy');
  console.log('protocol, and the host side measuring it. The CPU, hypervisor, demo guest, tracers,');
  console.log('GDB stub and VS Code adapter arrive with the next issues.\n');
  const sim = await spawnSim({ cliPath: process.argv[1]!, pty: true, listen: 'tcp:127.0.0.1:0', onLine: (line) => console.log(`[sim] ${line}`) });
  try {
    const link = await connect(sim.pty!);
    try {
      console.log(formatLinkReport(await runLinkTest(link, { onProgress: (what) => console.log(`linktest: ${what}…`) })));
    } finally {
      await link.close();
    }
    console.log(`\nThe virtual M1 keeps running. Try, from another terminal:`);
    console.log(`  node dist/core/cli/main.js linktest --target ${sim.pty}`);
    console.log(`  node dist/core/cli/main.js linktest --target ${sim.tcp}`);
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
