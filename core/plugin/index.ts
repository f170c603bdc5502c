// Layer: core/plugin. The plugin host's public surface: for plugin authors (definePlugin and the
// register-map builders), for the session (PluginHost, the TraceBackend it needs) and for
// front-ends (the command table). Imports this folder only.
export * from './api.ts';
export * from './backend.ts';
export * from './regmap.ts';
export * from './regmap-format.ts';
export { PluginError, PluginErrorCode, type PluginErrorCodeName } from './errors.ts';
export { PluginHost, type PluginHostOptions, type PluginSummary, type LifecycleEvent, type LifecycleKind, type ReloadResult } from './host.ts';
export { PLUGIN_COMMANDS, runPluginCommand, type PluginCommand } from './commands.ts';
export { builtinPluginDir, resolvePluginFile, loadPluginFile, type LoadedPlugin } from './loader.ts';
export { DEFAULT_MAX_ERRORS, DEFAULT_ERROR_WINDOW_MS } from './error-budget.ts';
