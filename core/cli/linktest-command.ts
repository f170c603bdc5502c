// Layer: core/cli. `hvdbg linktest --target TARGET`: checks a cable and hub, and is the
// project's yardstick for the link's speed.

import { connect } from '../link/connect.ts';
import { formatLinkReport, runLinkTest } from '../link/linktest.ts';
import { intOption, parseCommandArgs, sizeOption, UsageError } from './args.ts';

const HELP = `usage: hvdbg linktest --target TARGET [options]

TARGET is a device (/dev/m1n1, /dev/ttyACM0, a pty such as /dev/pts/7) or tcp:HOST:PORT.

options:
  --round-trips N   requests timed one at a time, per op (default 2000)
  --pipelined N     requests timed with several in flight (default 20000)
  --in-flight N     requests in flight for the pipelined figure (default 32)
  --size BYTES      bulk transfer size (default 16777216 = 16 MiB; suffixes K, M)
  --json            print the figures as JSON
  --show-console    echo the target's console text (m1n1 prints on the same channel)`;

export async function linktestCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    'linktest',
    argv,
    {
      target: { type: 'string' },
      'round-trips': { type: 'string' },
      pipelined: { type: 'string' },
      'in-flight': { type: 'string' },
      size: { type: 'string' },
      json: { type: 'boolean' },
      'show-console': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (values.help) return (console.log(HELP), 0);
  if (!values.target) throw new UsageError('hvdbg linktest: --target is required', HELP);
  // Checked before connecting: a typo costs nothing on the target.
  const options = {
    roundTrips: intOption('linktest', 'round-trips', values['round-trips'], HELP),
    pipelined: intOption('linktest', 'pipelined', values.pipelined, HELP),
    inFlight: intOption('linktest', 'in-flight', values['in-flight'], HELP),
    // Whole 32-bit words: the test pattern is made of them.
    bulkBytes: sizeOption('linktest', 'size', values.size, HELP, 4),
  };

  const link = await connect(values.target, { onStatus: (m) => console.error(`linktest: ${m}`) });
  if (values['show-console']) link.client.onText((bytes) => process.stderr.write(Buffer.from(bytes).toString('latin1').replace(/^/gm, 'TTY> ')));
  link.client.onError((err) => console.error(`linktest: ${err.describe()}`));
  try {
    const report = await runLinkTest(link, {
      ...options,
      onProgress: values.json ? undefined : (what) => console.error(`linktest: ${what}…`),
    });
    if (values.json) console.log(JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2));
    else console.log(formatLinkReport(report));
    return report.bulk.every((b) => b.verified) ? 0 : 1;
  } finally {
    await link.close();
  }
}
