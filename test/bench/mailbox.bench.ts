// Mailbox messages per second end to end: the demo guest drives the DCP (RTKit handshake, the
// DCP boot sequence, swaps) on `hvdbg sim` in its own process, over a real pty, with the DCP's
// ASC range traced in m1n1's SYNC mode (m1n1-protocol §10.7: PROXY_HOOK_RW, every access a
// HOOK_VM session the host performs and decodes, apple-devices §4.4). The host is the minimal
// spec host of test/coproc/demo-guest-host.ts (core/hv is not used here yet). An untraced run
// of the same guest is the reference.
import { fileURLToPath } from 'node:url';
import { spawnSim } from '../../core/cli/spawn-sim.ts';
import { connect } from '../../core/link/connect.ts';
import { AscSyncTracer } from '../coproc/asc-sync-tracer.ts';
import { hostDemoGuest } from '../coproc/demo-guest-host.ts';
import { fmt } from './measure.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Measured {
  seconds: number;
  status: bigint | undefined;
  tracer?: AscSyncTracer;
}

async function oneRun(traced: boolean): Promise<Measured> {
  const sim = await spawnSim({ cliPath: `${root}dist/core/cli/main.js`, pty: true });
  try {
    const link = await connect(sim.pty!, { reconnect: false });
    try {
      let tracer: AscSyncTracer | undefined;
      let t0 = 0;
      const run = await hostDemoGuest(link, {
        beforeStart: async (l, scratch) => {
          if (traced) {
            tracer = new AscSyncTracer(l);
            await tracer.install(scratch);
          }
          t0 = performance.now();
        },
        onCallback: async (_l, msg) => (tracer ? tracer.handle(msg) : false),
      });
      return { seconds: (performance.now() - t0) / 1000, status: run.status, tracer };
    } finally {
      await link.close();
    }
  } finally {
    sim.stop();
  }
}

export async function benchMailbox(): Promise<string[]> {
  const plain = await oneRun(false);
  const traced = await oneRun(true);
  const tracer = traced.tracer!;
  const messages = tracer.messages.length;
  // The DCP phase: from the first mailbox message (SET_IOP_POWER) to the last (the third D589's ack).
  const phase = (tracer.times.at(-1)! - tracer.times[0]!) / 1000;
  const lines = [
    `demo guest, whole run (load → power-off), untraced: ${fmt(plain.seconds, 2)} s (status ${plain.status})`,
    `demo guest with the DCP ASC range in SYNC mode: ${fmt(traced.seconds, 2)} s (status ${traced.status}); ` +
      `${messages} mailbox messages (${tracer.messages.filter((m) => m.dir === '>').length} sent, ${tracer.messages.filter((m) => m.dir === '<').length} received), ` +
      `${tracer.hooks} HOOK_VM sessions, ${tracer.calls.length} DCP calls/callbacks decoded from shared memory`,
    `mailbox messages end to end, SYNC-traced, during the DCP phase (${fmt(phase, 2)} s): ${fmt(messages / phase, 1)}/s; ` +
      `${fmt(tracer.hooks / phase)} traced register accesses (HOOK_VM sessions)/s`,
    'host: the minimal spec host of test/coproc/demo-guest-host.ts (core/hv not used)',
  ];
  return lines;
}
