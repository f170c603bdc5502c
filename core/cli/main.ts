#!/usr/bin/env node
// Layer: core/cli, the `hvdbg` command. A table of subcommands; each lives in its own module and
// is loaded only when used, so `hvdbg sim` never loads host code and vice versa.

import { HvdbgError } from '../errors.ts';
import { UsageError } from './args.ts';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  start: {
    summary: 'the main job: the demo guest on a virtual M1 under the hypervisor, GPIO and AIC tracers on',
    run: async (argv) => (await import('./start.ts')).start(argv),
  },
  run: {
    summary: 'run a guest under the hypervisor to power-off, with tracers (--target sim|DEV|tcp:… --guest FILE)',
    run: async (argv) => (await import('./run.ts')).runCommand(argv),
  },
  linktest: {
    summary: 'measure the link to m1n1: round trips/s, latency, bulk MB/s (--target …)',
    run: async (argv) => (await import('./linktest-command.ts')).linktestCommand(argv),
  },
  disasm: {
    summary: 'disassemble AArch64 code of an ELF file (--symbol NAME | --start ADDR --count N)',
    run: async (argv) => (await import('./disasm-command.ts')).disasmCommand(argv),
  },
  sim: {
    summary: 'run a virtual M1 waiting for a host (--pty, --listen tcp:127.0.0.1:PORT)',
    run: async (argv) => (await import('../../sim/cli.ts')).simCommand(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: hvdbg <command> [options]', '', 'commands:', ...lines, '', 'hvdbg <command> --help for its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`hvdbg: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${err.help}`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof HvdbgError) console.error(`hvdbg: ${err.describe()}`);
    else console.error('hvdbg: internal error:', err);
    process.exitCode = 1;
  },
);
