// Layer: core/cli. `hvdbg start` (what `npm start` runs): the main job on loopback — a virtual M1
// in its own process (reached, like a Mac, only through its pty and TCP port), the demo guest
// loaded under the m1n1 hypervisor host with all four tracers (GPIO, AIC, ASC/RTKit, DCP) and the
// GDB stub on 127.0.0.1 (a free port; the gdb command line is printed). A daemon: the guest gets
// `demo.stay` on its command line, so after its demo it runs on with a heartbeat a second (a
// debugger or tracer can join at any time) until Ctrl-C or `quit`; `--once` runs it to its
// power-off instead. It is `hvdbg run --target sim --guest examples/guest/build/demo.elf
// --tracers gpio=2,aic,asc,dcp --gdb 127.0.0.1:0 --cmdline demo.stay` (run.ts); further `hvdbg
// run` options may follow (`hvdbg start --timeout 30`, `--gdb 127.0.0.1:1234 --gdb-wait`,
// `--tracer gpio=3` overrides the verbosity). GPIO runs at verbosity 2 because the demo's pins
// 10–12 have no board name (apple-devices §3.5: unnamed pins print only from verbosity 2).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HvdbgError } from '../errors.ts';
import { parseRunArgs, runGuest } from './run.ts';

/** The committed demo guest, from core/cli (tsx) or dist/core/cli (built). */
function demoGuest(): string {
  for (const up of ['../../', '../../../']) {
    const path = fileURLToPath(new URL(`${up}examples/guest/build/demo.elf`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new HvdbgError('START_NO_DEMO_GUEST', 'examples/guest/build/demo.elf is missing from this checkout', { hint: 'restore it (it is committed) or rebuild it with make -C examples/guest' });
}

const TRACERS = 'gpio=2,aic,asc,dcp';

export async function start(argv: string[]): Promise<number> {
  const once = argv.includes('--once');
  const rest = argv.filter((a) => a !== '--once');
  const gdb = rest.some((a) => a === '--gdb' || a.startsWith('--gdb=')) ? [] : ['--gdb', '127.0.0.1:0'];
  const stay = once || rest.some((a) => a === '--cmdline' || a.startsWith('--cmdline=')) ? [] : ['--cmdline', 'demo.stay'];
  const options = parseRunArgs(['--target', 'sim', '--guest', demoGuest(), '--tracers', TRACERS, ...gdb, ...stay, ...rest]);
  if (options === 'help') {
    console.log(
      'usage: hvdbg start [--once] [hvdbg run options]\n\nRuns the demo guest on a virtual M1 with the GPIO, AIC, ASC and DCP tracers and the GDB stub; after its demo the guest runs on\n' +
        '(a heartbeat a second) until Ctrl-C or quit on stdin. --once: to its power-off instead. hvdbg run --help for the options.',
    );
    return 0;
  }
  console.error('hvdbg start: the demo guest on a virtual M1 under the m1n1 hypervisor host, GPIO, AIC, ASC and DCP tracers on, a GDB stub on loopback.');
  console.error('The guest\'s console goes to stdout; progress, m1n1\'s text and tracer lines ([gpio], [aic], [asc], [dcp]) to stderr.');
  if (stay.length > 0) console.error('After its demo the guest runs on (demo.stay): Ctrl-C or quit ends it; help lists the debugger commands.');
  options.onTarget = ({ target, vuart, tcp }) => {
    console.error(`hvdbg start: the virtual M1 listens on ${target} (m1n1 proxy, this run's host)${tcp ? ` and ${tcp} (a second USB channel)` : ''}; guest console (vuart) on ${vuart ?? '?'}`);
  };
  const code = await runGuest(options);
  console.error(`hvdbg start: done (exit ${code}). The same by hand: hvdbg run --target sim --guest examples/guest/build/demo.elf --tracers ${TRACERS} --gdb 127.0.0.1:0`);
  return code;
}
