// Layer: core/plugin. The plugin commands as one table, for the CLI's stdin and gdb's `monitor`:
// `plugins`, `load <name|path>`, `unload <name>`, `reload <name>`, `verbosity <name> [level]`.
// Each returns the text to show; failures throw PluginError with a hint. Imports core/plugin.

import { PluginError, PluginErrorCode } from './errors.ts';
import type { PluginHost, PluginSummary } from './host.ts';

export interface PluginCommand {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  run(host: PluginHost, args: readonly string[]): Promise<string>;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

function describe(s: PluginSummary): string {
  const state = s.disabled ? 'DISABLED' : 'active';
  const ranges = s.ranges.map((r) => `${r.device} ${hex(r.base)}+${hex(r.size)} ${r.mode}`).join('; ');
  return `${s.name} (${state}, verbosity ${s.verbosity})${s.needs.length ? ` needs ${s.needs.join(',')}` : ''}: ${ranges || 'no ranges'}`;
}

function arity(cmd: PluginCommand, args: readonly string[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    throw new PluginError(PluginErrorCode.BAD_COMMAND, `usage: ${cmd.usage}`, { hint: cmd.help });
  }
}

export const PLUGIN_COMMANDS: readonly PluginCommand[] = [
  {
    name: 'plugins',
    usage: 'plugins',
    help: 'list loaded tracer plugins, their devices, ranges and modes',
    async run(host, args) {
      arity(this, args, 0, 0);
      const list = host.list();
      return list.length ? list.map(describe).join('\n') : 'no plugins loaded';
    },
  },
  {
    name: 'load',
    usage: 'load <name|path>',
    help: 'load a built-in or --plugin-dir plugin by name, or a plugin file/folder by path',
    async run(host, args) {
      arity(this, args, 1, 1);
      return `loaded ${describe(await host.load(args[0]!))}`;
    },
  },
  {
    name: 'unload',
    usage: 'unload <name>',
    help: 'stop a plugin and drop its state',
    async run(host, args) {
      arity(this, args, 1, 1);
      await host.unload(args[0]!);
      return `unloaded ${args[0]}`;
    },
  },
  {
    name: 'reload',
    usage: 'reload <name>',
    help: 'load the plugin file again and swap it in between two events, keeping its state',
    async run(host, args) {
      arity(this, args, 1, 1);
      const r = await host.reload(args[0]!);
      if (!r.ok) throw r.error;
      return `reloaded ${describe(host.summary(args[0]!))}`;
    },
  },
  {
    name: 'verbosity',
    usage: 'verbosity <name> [level]',
    help: 'show or set a plugin verbosity: 0 named events, 1 + unknown registers, 2 + unhandled ones, 3 every access',
    async run(host, args) {
      arity(this, args, 1, 2);
      const name = args[0]!;
      if (args.length === 2) {
        const level = Number(args[1]);
        host.setVerbosity(name, level);
      }
      return `${name} verbosity ${host.verbosity(name)}`;
    },
  },
];

/** Runs one command line (`reload gpio`); throws BAD_COMMAND for an unknown command. */
export async function runPluginCommand(host: PluginHost, line: string): Promise<string> {
  const [name, ...args] = line.trim().split(/\s+/);
  const cmd = PLUGIN_COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    throw new PluginError(PluginErrorCode.BAD_COMMAND, `unknown plugin command '${name ?? ''}'`, { hint: `commands: ${PLUGIN_COMMANDS.map((c) => c.usage).join(' | ')}` });
  }
  return cmd.run(host, args);
}
