// Layer: core/plugin. The plugin host's errors: bad register-map data, plugins that fail to load,
// validate or attach, and misuse of the commands. None is fatal to a session: a tracer is an
// observer, and the guest runs on without it (design.md "Plugins are data-driven").
// Imports core/errors.ts only.

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const PluginErrorCode = {
  /** A register class or map declaration is malformed (overlapping names, bits out of range…). */
  REGMAP_BAD_DEFINITION: 'PLUGIN_REGMAP_BAD_DEFINITION',
  /** A decode/format call named a register the map does not have. */
  REGMAP_NO_SUCH_REGISTER: 'PLUGIN_REGMAP_NO_SUCH_REGISTER',
  /** esbuild could not transpile the module (syntax error, missing import…). */
  TRANSPILE_FAILED: 'PLUGIN_TRANSPILE_FAILED',
  /** The module loaded but importing it threw. */
  IMPORT_FAILED: 'PLUGIN_IMPORT_FAILED',
  /** The default export is not a plugin definition. */
  INVALID_DEFINITION: 'PLUGIN_INVALID_DEFINITION',
  /** No built-in or --plugin-dir plugin has that name. */
  NOT_FOUND: 'PLUGIN_NOT_FOUND',
  ALREADY_LOADED: 'PLUGIN_ALREADY_LOADED',
  NOT_LOADED: 'PLUGIN_NOT_LOADED',
  /** A plugin named in `needs` is missing, or the dependencies form a cycle. */
  DEPENDENCY: 'PLUGIN_DEPENDENCY',
  /** Unloading a plugin another loaded plugin needs. */
  IN_USE: 'PLUGIN_IN_USE',
  /** None of the plugin's devices is in this machine's ADT, or its reg entry is missing. */
  ATTACH_FAILED: 'PLUGIN_ATTACH_FAILED',
  /** The backend lacks a facility the plugin asked for. */
  UNSUPPORTED: 'PLUGIN_UNSUPPORTED',
  /** A command line the plugin commands do not understand. */
  BAD_COMMAND: 'PLUGIN_BAD_COMMAND',
} as const;
export type PluginErrorCodeName = (typeof PluginErrorCode)[keyof typeof PluginErrorCode];

export class PluginError extends HvdbgError {
  readonly plugin: string | undefined;

  constructor(code: PluginErrorCodeName, message: string, options: HvdbgErrorOptions & { plugin?: string } = {}) {
    super(code, message, { ...options, fatal: false });
    this.plugin = options.plugin;
  }
}

/** The message of anything thrown, for reports (a plugin may throw a non-Error). */
export function describeThrown(err: unknown): string {
  if (err instanceof HvdbgError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
