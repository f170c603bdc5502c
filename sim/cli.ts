// Layer: sim. `hvdbg sim`: a virtual M1 waiting for a host, like a Mac at the m1n1 prompt.
// --pty makes a pseudo-terminal (the stand-in for /dev/ttyACM0); --listen serves TCP. Each is
// its own proxy channel (iodev USB0, USB1: a Mac mini has two USB-C ports), over one machine.

import { parseCommandArgs, UsageError } from '../core/cli/args.ts';
import { parseListenSpec } from '../core/transport/target-spec.ts';
import { createPty } from '../core/transport/pty.ts';
import { listenTcp, formatHostPort } from '../core/transport/tcp.ts';
import type { ByteTransport } from '../core/transport/transport.ts';
import { VirtualM1 } from './virtual-m1.ts';

const HELP = `usage: hvdbg sim [--pty] [--listen tcp:127.0.0.1:PORT] [--quiet]

Runs a virtual M1 (Mac mini, j274/t8103) serving m1n1's proxy protocol, as m1n1 does on USB.
  --pty            make a pty and print 'pty: /dev/pts/N' (a host opens it like /dev/ttyACM0),
                   and a second one for the guest's virtual UART: 'vuart: /dev/pts/M' (/dev/m1n1-sec)
  --listen SPEC    serve TCP and print 'listening: tcp:HOST:PORT' (port 0 picks one), and the
                   virtual UART on a port of its own: 'vuart: tcp:HOST:PORT'
  --quiet          do not echo the firmware's console text
At least one of --pty and --listen is needed. Stop with Ctrl-C.`;

export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    'sim',
    argv,
    {
      pty: { type: 'boolean' },
      listen: { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (values.help) return (console.log(HELP), 0);
  if (!values.pty && !values.listen?.length) throw new UsageError('hvdbg sim: give --pty and/or --listen', HELP);

  const machine = new VirtualM1({
    onConsole: values.quiet ? undefined : (text) => process.stderr.write(text.replace(/^/gm, 'm1n1> ')),
    onLog: (line) => console.error(`sim: ${line}`),
  });

  const closers: Array<() => Promise<void>> = [];
  if (values.pty) {
    const pty = await createPty();
    const vuart = await createPty();
    machine.addUsbChannel(pty, vuart);
    closers.push(() => pty.close(), () => vuart.close());
    console.log(`pty: ${pty.slavePath}`);
    console.log(`vuart: ${vuart.slavePath}`);
  }
  for (const spec of values.listen ?? []) {
    const { host, port } = parseListenSpec(spec);
    const channel = machine.addUsbChannel();
    const pipe = machine.vuartPipes.get(channel.iodev)!;
    // One host at a time, as on a USB port: a new connection replaces the old one.
    const oneAtATime = (attach: (t: ByteTransport) => void, what: string) => {
      let current: ByteTransport | null = null;
      return (transport: ByteTransport) => {
        if (current && !current.closed) void current.close();
        current = transport;
        attach(transport);
        console.error(`sim: ${what} connected on ${transport.description}`);
      };
    };
    const listener = await listenTcp(host, port, oneAtATime((t) => channel.attach(t), 'host'));
    const vuartListener = await listenTcp(host, 0, oneAtATime((t) => pipe.attach(t), 'vuart client'));
    closers.push(() => listener.close(), () => vuartListener.close());
    console.log(`listening: tcp:${formatHostPort(listener.address.host, listener.address.port)}`);
    console.log(`vuart: tcp:${formatHostPort(vuartListener.address.host, vuartListener.address.port)}`);
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(closers.map((close) => close()));
  return 0;
}
