// Layer: core/plugin. Finding plugins (built-ins under plugins/, user plugins from --plugin-dir)
// and loading one: esbuild bundles the entry file with its relative imports (so an edit to any
// of them is picked up), the bundle is imported from a fresh temporary file (ES modules cannot
// be unloaded; a new URL gives a new module instance), and the default export is validated.
// Imports core/plugin, node:fs/os/path/url and esbuild.

import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Message } from 'esbuild';
import type { AnyPluginDefinition } from './api.ts';
import { describeThrown, PluginError, PluginErrorCode } from './errors.ts';
import type { CompiledRegMap } from './regmap.ts';
import { validateDefinition } from './validate.ts';

const ENTRY_NAMES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];
const FILE_EXTS = ['.ts', '.mts', '.js', '.mjs'];

/** plugins/ of this checkout or install (…/core/plugin → …/plugins, also under dist/). */
export function builtinPluginDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'plugins');
}

/**
 * The entry file of plugin `name`: `<dir>/<name>/index.{ts,js,…}` or `<dir>/<name>.{ts,js,…}`,
 * searching `dirs` in order (user dirs before built-ins lets a user shadow a built-in). A path
 * (containing a slash or ending in an extension) is taken as is.
 */
export function resolvePluginFile(nameOrPath: string, dirs: readonly string[]): string {
  if (nameOrPath.includes('/') || FILE_EXTS.includes(extname(nameOrPath))) {
    const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
    if (existsSync(file) && statSync(file).isDirectory()) {
      const entry = ENTRY_NAMES.map((n) => join(file, n)).find((f) => existsSync(f));
      if (entry) return entry;
    } else if (existsSync(file)) {
      return file;
    }
    throw new PluginError(PluginErrorCode.NOT_FOUND, `no plugin file at ${file}`, { hint: 'give a plugin folder with index.ts, or a .ts/.js file' });
  }
  for (const dir of dirs) {
    for (const n of ENTRY_NAMES) {
      const f = join(dir, nameOrPath, n);
      if (existsSync(f)) return f;
    }
    for (const ext of FILE_EXTS) {
      const f = join(dir, nameOrPath + ext);
      if (existsSync(f)) return f;
    }
  }
  throw new PluginError(PluginErrorCode.NOT_FOUND, `no plugin named '${nameOrPath}'`, {
    hint: `looked in ${dirs.join(', ') || '(no directories)'}; add --plugin-dir or give a path`,
    plugin: nameOrPath,
  });
}

export interface LoadedPlugin {
  readonly def: AnyPluginDefinition;
  readonly map: CompiledRegMap | undefined;
  readonly file: string;
  /** Every source file of the bundle (the files to watch). */
  readonly inputs: readonly string[];
}

function formatMessages(messages: readonly Message[]): string {
  return messages
    .slice(0, 5)
    .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text))
    .join('\n');
}

let counter = 0;

/** Transpiles, imports and validates the plugin at `file`. Throws a PluginError; never half-loads. */
export async function loadPluginFile(file: string): Promise<LoadedPlugin> {
  let code: string;
  let inputs: string[];
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      metafile: true,
      sourcemap: 'inline',
      logLevel: 'silent',
      absWorkingDir: dirname(file),
    });
    code = result.outputFiles[0]!.text;
    inputs = Object.keys(result.metafile.inputs).map((p) => resolve(dirname(file), p));
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    throw new PluginError(PluginErrorCode.TRANSPILE_FAILED, `cannot transpile ${file}:\n${errors ? formatMessages(errors) : describeThrown(err)}`, {
      hint: 'fix the error and save again; the running version of the plugin stays active',
      cause: err,
    });
  }
  // A directory per load: removed right after the import, whatever other loads do meanwhile.
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-plugin-'));
  const out = join(dir, `${basename(file).replace(/\W/g, '_')}-${++counter}.mjs`);
  writeFileSync(out, code);
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginError(PluginErrorCode.IMPORT_FAILED, `importing ${file} threw: ${describeThrown(err)}`, {
      hint: 'the module body runs on load; fix what it throws and save again',
      cause: err,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!('default' in ns)) {
    throw new PluginError(PluginErrorCode.INVALID_DEFINITION, `${file} has no default export`, { hint: 'export default definePlugin({ … })' });
  }
  const { def, map } = validateDefinition(ns.default, file);
  return { def, map, file, inputs };
}
