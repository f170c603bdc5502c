// Layer: core/plugin. Watches the source files of each loaded plugin (every input of its esbuild
// bundle, so an edit to a helper module counts too) and asks the host to reload the plugin after
// a short quiet time: editors write a file in several steps (truncate, write, rename), and a
// reload per step would transpile half-written text. Watches directories, not files, so a
// rename-over-save is seen. Imports node:fs and node:path.

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export class PluginWatcher {
  private readonly onChange: (plugin: string) => void;
  private readonly debounceMs: number;
  /** plugin → watched absolute file paths */
  private readonly files = new Map<string, Set<string>>();
  /** directory → watcher */
  private readonly dirs = new Map<string, FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(onChange: (plugin: string) => void, debounceMs = 50) {
    this.onChange = onChange;
    this.debounceMs = debounceMs;
  }

  /** Sets the files of `plugin` (replacing the previous set: a reload may change its imports). */
  watch(plugin: string, files: readonly string[]): void {
    // node_modules inputs do not change under a running session; skip them.
    this.files.set(plugin, new Set(files.map((f) => resolve(f)).filter((f) => !f.includes('/node_modules/'))));
    this.sync();
  }

  unwatch(plugin: string): void {
    this.files.delete(plugin);
    clearTimeout(this.timers.get(plugin));
    this.timers.delete(plugin);
    this.sync();
  }

  close(): void {
    for (const w of this.dirs.values()) w.close();
    this.dirs.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.files.clear();
  }

  private sync(): void {
    const wanted = new Set<string>();
    for (const set of this.files.values()) for (const f of set) wanted.add(dirname(f));
    for (const [dir, w] of this.dirs) {
      if (!wanted.has(dir)) {
        w.close();
        this.dirs.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.dirs.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.changed(dir, name === null ? undefined : String(name)));
        w.on('error', () => undefined);
        this.dirs.set(dir, w);
      } catch {
        // A directory that vanished cannot be watched; the plugin can still be reloaded by command.
      }
    }
  }

  private changed(dir: string, name: string | undefined): void {
    for (const [plugin, set] of this.files) {
      const hit = name === undefined ? [...set].some((f) => dirname(f) === dir) : set.has(resolve(dir, basename(name)));
      if (!hit) continue;
      clearTimeout(this.timers.get(plugin));
      this.timers.set(
        plugin,
        setTimeout(() => {
          this.timers.delete(plugin);
          this.onChange(plugin);
        }, this.debounceMs),
      );
    }
  }
}
