// `npm run bench`: prints the performance figures of every hot path. Benchmarks are never tests:
// nothing here asserts a time. Pass section names to run some only: `npm run bench -- codec`.
import { benchCodec } from './codec.bench.ts';
import { benchLink } from './link.bench.ts';
import { benchCpu } from './cpu.bench.ts';
import { benchCpuState } from './cpu-state.bench.ts';
import { benchHv } from './hv.bench.ts';
import { benchHost } from './host.bench.ts';
import { benchGdb } from './gdb.bench.ts';
import { benchMailbox } from './mailbox.bench.ts';
import { benchTrace } from './trace.bench.ts';

const sections: Record<string, () => string[] | Promise<string[]>> = {
  codec: benchCodec,
  link: benchLink,
  'cpu-state': benchCpuState,
  cpu: benchCpu,
  mailbox: benchMailbox,
  hv: benchHv,
  host: benchHost,
  gdb: benchGdb,
  trace: benchTrace,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  for (const line of await run()) console.log(`  ${line}`);
}
