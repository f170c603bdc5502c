// Layer: core/plugin. The plugin host: loads plugins (built-ins under plugins/, user plugins from
// --plugin-dir, or definition objects), orders them by `needs`, owns their state and register
// caches (so a reload or a failure never loses them), reloads them — by command or when their
// files change — and offers the commands load / unload / reload / verbosity. Imports core/plugin,
// core/util/disposable.ts.

import { Listeners, type Disposable } from '../util/disposable.ts';
import type { AnyPluginDefinition } from './api.ts';
import type { TraceBackend, TraceMode, TraceOutputEvent } from './backend.ts';
import type { DeviceStore } from './context.ts';
import type { ErrorBudgetOptions } from './error-budget.ts';
import { describeThrown, PluginError, PluginErrorCode } from './errors.ts';
import { PluginWatcher } from './hot-reload.ts';
import { PluginInstance, prepareVersion } from './instance.ts';
import { builtinPluginDir, loadPluginFile, resolvePluginFile, type LoadedPlugin } from './loader.ts';
import { validateDefinition } from './validate.ts';

export interface PluginHostOptions {
  /** --plugin-dir directories, searched before the built-ins. */
  readonly pluginDirs?: readonly string[];
  /** Default: plugins/ of this checkout. */
  readonly builtinDir?: string;
  /** Watch each loaded plugin's files and reload on change (default false). */
  readonly hotReload?: boolean;
  /** Quiet time after a file change before reloading (default 50 ms; editors write in bursts). */
  readonly debounceMs?: number;
  /** Disable a plugin after `max` handler errors within `windowMs` (defaults 5 in 10 s). */
  readonly errorBudget?: ErrorBudgetOptions;
  /** Options per plugin name (ctx.config). */
  readonly config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * `swapping`: a new version is loaded and checked and waits for the event in flight (if any);
 * events from now on are handled by it.
 */
export type LifecycleKind = 'loaded' | 'swapping' | 'reloaded' | 'reload-failed' | 'unloaded' | 'disabled';
export interface LifecycleEvent {
  readonly plugin: string;
  readonly kind: LifecycleKind;
  readonly error?: PluginError;
}

export interface PluginSummary {
  readonly name: string;
  readonly file: string | undefined;
  readonly verbosity: number;
  readonly disabled: boolean;
  readonly devices: readonly string[];
  readonly ranges: ReadonlyArray<{ device: string; base: bigint; size: bigint; mode: TraceMode }>;
  readonly needs: readonly string[];
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly error: PluginError };

interface Entry {
  readonly instance: PluginInstance;
  file: string | undefined;
  config: Readonly<Record<string, unknown>>;
  api: unknown;
  /** Serialises reloads of this plugin. */
  reloading: Promise<unknown>;
}

function asPluginError(err: unknown, plugin: string): PluginError {
  if (err instanceof PluginError) return err;
  return new PluginError(PluginErrorCode.IMPORT_FAILED, `${plugin}: ${describeThrown(err)}`, { plugin, cause: err });
}

export class PluginHost {
  private readonly backend: TraceBackend;
  private readonly options: PluginHostOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly stores = new Map<string, Map<string, DeviceStore>>();
  private readonly watcher: PluginWatcher | undefined;
  private readonly lifecycle = new Listeners<[LifecycleEvent]>();
  private readonly outputs = new Listeners<[TraceOutputEvent]>();

  constructor(backend: TraceBackend, options: PluginHostOptions = {}) {
    this.backend = backend;
    this.options = options;
    if (options.hotReload) this.watcher = new PluginWatcher((name) => void this.reload(name), options.debounceMs ?? 50);
  }

  /** Directories searched by name: --plugin-dir ones first, then the built-ins. */
  get searchDirs(): string[] {
    return [...(this.options.pluginDirs ?? []), this.options.builtinDir ?? builtinPluginDir()];
  }

  /** Plugin lifecycle (loaded, swapping, reloaded, reload-failed, unloaded, disabled). */
  onLifecycle(listener: (e: LifecycleEvent) => void): Disposable {
    return this.lifecycle.add(listener);
  }

  /** Every output event, in addition to backend.output (tests, the share layer). */
  onOutput(listener: (e: TraceOutputEvent) => void): Disposable {
    return this.outputs.add(listener);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Loads a plugin by name (built-in or --plugin-dir) or path, and what it needs first. */
  async load(nameOrPath: string, options: { config?: Readonly<Record<string, unknown>> } = {}): Promise<PluginSummary> {
    return this.loadResolved(nameOrPath, options.config, []);
  }

  /** Adds a plugin given as a definition object (embedded plugins, tests). No hot reload. */
  async add(def: AnyPluginDefinition, options: { config?: Readonly<Record<string, unknown>> } = {}): Promise<PluginSummary> {
    const { def: checked, map } = validateDefinition(def, 'definition');
    await this.ensureNeeds(checked, [checked.name]);
    this.start({ def: checked, map, file: undefined, inputs: [] }, options.config);
    return this.summary(checked.name);
  }

  private async loadResolved(nameOrPath: string, config: Readonly<Record<string, unknown>> | undefined, chain: string[]): Promise<PluginSummary> {
    const file = resolvePluginFile(nameOrPath, this.searchDirs);
    const loaded = await loadPluginFile(file);
    const name = loaded.def.name;
    if (chain.includes(name)) {
      throw new PluginError(PluginErrorCode.DEPENDENCY, `plugin dependency cycle: ${[...chain, name].join(' → ')}`, { plugin: name, hint: 'remove one of the needs entries' });
    }
    await this.ensureNeeds(loaded.def, [...chain, name]);
    this.start(loaded, config);
    return this.summary(name);
  }

  private async ensureNeeds(def: AnyPluginDefinition, chain: string[]): Promise<void> {
    if (this.entries.has(def.name)) {
      throw new PluginError(PluginErrorCode.ALREADY_LOADED, `plugin ${def.name} is already loaded`, { plugin: def.name, hint: `use 'reload ${def.name}'` });
    }
    for (const need of def.needs ?? []) {
      if (chain.includes(need)) {
        throw new PluginError(PluginErrorCode.DEPENDENCY, `plugin dependency cycle: ${[...chain, need].join(' → ')}`, { plugin: def.name, hint: 'remove one of the needs entries' });
      }
      if (this.entries.has(need)) continue;
      try {
        await this.loadResolved(need, undefined, chain);
      } catch (err) {
        throw new PluginError(PluginErrorCode.DEPENDENCY, `${def.name} needs ${need}, which failed to load: ${describeThrown(err)}`, { plugin: def.name, cause: err });
      }
    }
  }

  private start(loaded: Omit<LoadedPlugin, 'file'> & { file: string | undefined }, config: Readonly<Record<string, unknown>> | undefined): void {
    const { def } = loaded;
    const name = def.name;
    const version = prepareVersion(def, loaded.map, this.backend.adt);
    let stores = this.stores.get(name);
    if (!stores) this.stores.set(name, (stores = new Map()));
    const cfg = config ?? this.options.config?.[name] ?? {};
    const instance = new PluginInstance(version, {
      backend: this.backend,
      config: cfg,
      stores,
      budget: this.options.errorBudget,
      dep: (n) => this.apiOf(n, name),
      output: (ev) => this.emit(ev),
      onDisabled: () => this.lifecycle.emit({ plugin: name, kind: 'disabled' }),
    });
    const entry: Entry = { instance, file: loaded.file, config: cfg, api: undefined, reloading: Promise.resolve() };
    this.entries.set(name, entry);
    this.refreshApi(entry);
    if (loaded.file) this.watcher?.watch(name, loaded.inputs);
    this.emit({ plugin: name, kind: 'plugin-loaded', fields: { file: loaded.file, devices: instance.devicePaths() }, line: `[${name}] loaded${loaded.file ? ` from ${loaded.file}` : ''} on ${instance.devicePaths().join(', ')}`, severity: 'info' });
    this.lifecycle.emit({ plugin: name, kind: 'loaded' });
  }

  private refreshApi(entry: Entry): void {
    const inst = entry.instance;
    const def = inst.def;
    if (!def.api) {
      entry.api = undefined;
      return;
    }
    const stores = this.stores.get(def.name)!;
    entry.api = def.api({
      plugin: def.name,
      devices: inst.deviceInfos(),
      stateOf: (path) => (path ? stores.get(path) : stores.values().next().value)?.state,
      config: entry.config,
    });
  }

  private apiOf(name: string, asker: string): unknown {
    const entry = this.entries.get(name);
    if (!entry) throw new PluginError(PluginErrorCode.DEPENDENCY, `${asker} asked for plugin ${name}, which is not loaded`, { plugin: asker, hint: `add '${name}' to needs` });
    return entry.api;
  }

  private emit(ev: TraceOutputEvent): void {
    this.backend.output(ev);
    this.outputs.emit(ev);
  }

  /** Unloads `name` (its state and cache are dropped). Refuses while another plugin needs it. */
  async unload(name: string): Promise<void> {
    const entry = this.need(name);
    const users = [...this.entries.values()].filter((e) => e.instance.def.needs?.includes(name)).map((e) => e.instance.def.name);
    if (users.length > 0) throw new PluginError(PluginErrorCode.IN_USE, `${name} is needed by ${users.join(', ')}`, { plugin: name, hint: `unload ${users.join(', ')} first` });
    await entry.instance.queue.run(() => entry.instance.close());
    this.entries.delete(name);
    this.stores.delete(name);
    this.watcher?.unwatch(name);
    this.emit({ plugin: name, kind: 'plugin-unloaded', fields: {}, line: `[${name}] unloaded`, severity: 'info' });
    this.lifecycle.emit({ plugin: name, kind: 'unloaded' });
  }

  /**
   * Loads the plugin's file again and swaps the new version in between two events. On any
   * failure the running version stays and the error is reported (and returned).
   */
  reload(name: string): Promise<ReloadResult> {
    const entry = this.need(name);
    const next = entry.reloading.then(() => this.reloadNow(name, entry));
    entry.reloading = next;
    return next;
  }

  private async reloadNow(name: string, entry: Entry): Promise<ReloadResult> {
    try {
      let version;
      if (entry.file) {
        const loaded = await loadPluginFile(entry.file);
        if (loaded.def.name !== name) {
          throw new PluginError(PluginErrorCode.INVALID_DEFINITION, `${entry.file} now names itself '${loaded.def.name}', not '${name}'`, { plugin: name, hint: 'a plugin keeps its name across reloads; unload and load to rename' });
        }
        this.watcher?.watch(name, loaded.inputs);
        version = prepareVersion(loaded.def, loaded.map, this.backend.adt);
      } else {
        version = prepareVersion(entry.instance.def, entry.instance.map, this.backend.adt);
      }
      if (this.entries.get(name) !== entry) {
        throw new PluginError(PluginErrorCode.NOT_LOADED, `plugin ${name} was unloaded during its reload`, { plugin: name, hint: `load ${name} again` });
      }
      const swapped = entry.instance.swap(version);
      this.lifecycle.emit({ plugin: name, kind: 'swapping' });
      await swapped;
      this.refreshApi(entry);
      this.emit({ plugin: name, kind: 'plugin-reloaded', fields: { file: entry.file }, line: `[${name}] reloaded`, severity: 'info' });
      this.lifecycle.emit({ plugin: name, kind: 'reloaded' });
      return { ok: true };
    } catch (err) {
      const error = asPluginError(err, name);
      this.emit({ plugin: name, kind: 'plugin-load-failed', fields: { code: error.code, error: error.message, file: entry.file }, line: `[${name}] reload failed, the previous version keeps running: ${error.message}`, severity: 'error' });
      this.lifecycle.emit({ plugin: name, kind: 'reload-failed', error });
      return { ok: false, error };
    }
  }

  setVerbosity(name: string, level: number): void {
    if (!Number.isInteger(level) || level < 0) throw new PluginError(PluginErrorCode.BAD_COMMAND, `verbosity must be a whole number ≥ 0, not ${level}`, { plugin: name, hint: '0 quiet … 3 every access' });
    this.need(name).instance.verbosity = level;
  }

  verbosity(name: string): number {
    return this.need(name).instance.verbosity;
  }

  /** The state the host keeps for `name` on `device` (the first device when omitted). */
  state<S = unknown>(name: string, device?: string): S | undefined {
    const stores = this.stores.get(name);
    return (device ? stores?.get(device) : stores?.values().next().value)?.state as S | undefined;
  }

  /** Resolves once every event queued for `name` has been handled. */
  idle(name: string): Promise<void> {
    return this.need(name).instance.queue.idle();
  }

  list(): PluginSummary[] {
    return [...this.entries.keys()].map((n) => this.summary(n));
  }

  summary(name: string): PluginSummary {
    const e = this.need(name);
    const i = e.instance;
    return { name, file: e.file, verbosity: i.verbosity, disabled: i.disabled, devices: i.devicePaths(), ranges: i.rangeSummary(), needs: i.def.needs ?? [] };
  }

  /** Unloads everything (dependents first) and stops watching. */
  async close(): Promise<void> {
    this.watcher?.close();
    while (this.entries.size > 0) {
      const leaf = [...this.entries.keys()].find((n) => ![...this.entries.values()].some((e) => e.instance.def.needs?.includes(n)));
      await this.unload(leaf ?? this.entries.keys().next().value!);
    }
  }

  private need(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new PluginError(PluginErrorCode.NOT_LOADED, `plugin ${name} is not loaded`, { plugin: name, hint: `loaded: ${[...this.entries.keys()].join(', ') || 'none'}` });
    return e;
  }
}
