// Hot reload with real files in a temporary --plugin-dir: an edit is transpiled by esbuild and
// swapped in between two events (none lost or handled twice, state kept), an edit to an imported
// helper counts, a changed map or mode is re-applied, a broken edit leaves the old version
// running with a report, and a throwing handler is isolated then disabled.

import test from 'ava';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginErrorCode } from '../../core/plugin/errors.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import { deferred, GPIO_BASE, j274Adt, nextLifecycle, TestBackend } from './helpers.ts';

const REGMAP_TS = fileURLToPath(new URL('../../core/plugin/regmap.ts', import.meta.url));

interface Version {
  tag: string;
  offset?: number;
  mode?: string;
  /** Extra statement run first in the handler (e.g. a throw). */
  body?: string;
  name?: string;
  /** Replaces the whole source. */
  raw?: string;
}

/** A plugin whose CTRL handler counts events in its state and prints tag, count, seq and value. */
function source(v: Version, gate: string): string {
  if (v.raw !== undefined) return v.raw;
  return `
import { reg32, regmap, scalar } from ${JSON.stringify(REGMAP_TS)};
import { label } from './helper.ts';
const CTRL = reg32({ EN: 0, MODE: [3, 1] });
export default {
  name: ${JSON.stringify(v.name ?? 'live')},
  attach: { path: '/arm-io/gpio' },
  mode: ${JSON.stringify(v.mode ?? 'async')},
  regmap: regmap({ CTRL: scalar(${v.offset ?? 0}, CTRL) }),
  state: () => ({ n: 0 }),
  handlers: {
    CTRL: {
      async write(v, ctx) {
        ${v.body ?? ''}
        const g = globalThis[${JSON.stringify(gate)}];
        if (g && v.value === g.at) await g.promise;
        ctx.state.n++;
        ctx.log(label + ' ${v.tag} n=' + ctx.state.n + ' seq=' + ctx.event.seq + ' val=' + v.value);
      },
    },
  },
};
`;
}

interface Fixture {
  dir: string;
  backend: TestBackend;
  host: PluginHost;
  gate: string;
  write(v: Version): void;
  helper(label: string): void;
  cleanup(): Promise<void>;
}

let fixtures = 0;

/** Writes like an editor's atomic save (one rename event, never a half-written file). */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function fixture(first: Version, options: { watch?: boolean } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-plugin-test-'));
  const gate = `__hvdbgGate${++fixtures}_${process.pid}`;
  const pluginDir = join(dir, 'live');
  const fx: Fixture = {
    dir,
    gate,
    backend: new TestBackend(j274Adt()),
    host: undefined as never,
    write: (v) => save(join(pluginDir, 'index.ts'), source(v, gate)),
    helper: (label) => save(join(pluginDir, 'helper.ts'), `export const label: string = ${JSON.stringify(label)};\n`),
    async cleanup() {
      await fx.host.close();
      rmSync(dir, { recursive: true, force: true });
      delete (globalThis as Record<string, unknown>)[gate];
    },
  };
  mkdirSync(pluginDir, { recursive: true });
  fx.helper('A');
  fx.write(first);
  fx.host = new PluginHost(fx.backend, { pluginDirs: [dir], hotReload: options.watch ?? true, debounceMs: 20, errorBudget: { max: 3, windowMs: 60_000 } });
  await fx.host.load('live');
  fx.backend.take();
  return fx;
}

const CTRL0 = GPIO_BASE;

/** Plays writes of the given values to CTRL at `addr` and waits until the plugin handled them. */
async function play(fx: Fixture, values: number[], addr = CTRL0): Promise<void> {
  for (const v of values) void fx.backend.write(addr, BigInt(v));
  await fx.host.idle('live');
}

test('an edited file is swapped in between two events: the in-flight event finishes on v1, the next runs v2; none lost or doubled; state kept', async (t) => {
  const fx = await fixture({ tag: 'v1' });
  try {
    await play(fx, [1, 2]);
    const g = deferred();
    (globalThis as Record<string, unknown>)[fx.gate] = { at: 3, promise: g.promise };
    void fx.backend.write(CTRL0, 3n); // held inside the v1 handler
    const swapping = nextLifecycle(fx.host, 'live', ['swapping', 'reload-failed']);
    const reloaded = nextLifecycle(fx.host, 'live', ['reloaded', 'reload-failed']);
    fx.write({ tag: 'v2' });
    t.is((await swapping).kind, 'swapping');
    // The new version is ready and queued behind event 3; these wait behind the swap.
    void fx.backend.write(CTRL0, 4n);
    void fx.backend.write(CTRL0, 5n);
    g.resolve();
    t.is((await reloaded).kind, 'reloaded');
    await fx.host.idle('live');
    t.deepEqual(fx.backend.take('live'), ['[live] A v1 n=1 seq=1 val=1', '[live] A v1 n=2 seq=2 val=2', '[live] A v1 n=3 seq=3 val=3', '[live] A v2 n=4 seq=4 val=4', '[live] A v2 n=5 seq=5 val=5']);
    t.is(fx.backend.ranges.length, 1, 'an unchanged range keeps its registration');
  } finally {
    await fx.cleanup();
  }
});

test('an edit to an imported helper module reloads the plugin too', async (t) => {
  const fx = await fixture({ tag: 'v1' });
  try {
    await play(fx, [1]);
    const reloaded = nextLifecycle(fx.host, 'live', ['reloaded', 'reload-failed']);
    fx.helper('B');
    t.is((await reloaded).kind, 'reloaded');
    await play(fx, [2]);
    t.deepEqual(fx.backend.take('live'), ['[live] A v1 n=1 seq=1 val=1', '[live] B v1 n=2 seq=2 val=2']);
  } finally {
    await fx.cleanup();
  }
});

test('a syntax error leaves the old version running and reports the transpile error with file and line', async (t) => {
  const fx = await fixture({ tag: 'v1' });
  try {
    await play(fx, [1]);
    const failed = nextLifecycle(fx.host, 'live', ['reloaded', 'reload-failed']);
    fx.write({ tag: 'bad', raw: 'export default {\n  name: "live",\n  attach: { path: "/arm-io/gpio" ,\n};\n' });
    const e = await failed;
    t.is(e.kind, 'reload-failed');
    t.is(e.error?.code, PluginErrorCode.TRANSPILE_FAILED);
    const report = fx.backend.outputs.find((o) => o.kind === 'plugin-load-failed')!;
    t.is(report.severity, 'error');
    t.is(report.plugin, 'live');
    t.true(report.line.startsWith('[live] reload failed, the previous version keeps running: cannot transpile '));
    t.regex(report.line, /index\.ts:4:\d+: /);
    fx.backend.take();
    await play(fx, [2, 3]);
    t.deepEqual(fx.backend.take('live'), ['[live] A v1 n=2 seq=2 val=2', '[live] A v1 n=3 seq=3 val=3']);
    t.false(fx.host.summary('live').disabled);
  } finally {
    await fx.cleanup();
  }
});

test('a module that throws on import, or renames itself, is rejected; the old version stays', async (t) => {
  const fx = await fixture({ tag: 'v1' }, { watch: false });
  try {
    fx.write({ tag: 'x', raw: 'throw new Error("top-level failure");\nexport default {};\n' });
    const r1 = await fx.host.reload('live');
    t.false(r1.ok);
    t.is(!r1.ok && r1.error.code, PluginErrorCode.IMPORT_FAILED);
    fx.write({ tag: 'v2', name: 'other' });
    const r2 = await fx.host.reload('live');
    t.is(!r2.ok && r2.error.code, PluginErrorCode.INVALID_DEFINITION);
    fx.write({ tag: 'v3', raw: 'export default { name: "live" };\n' });
    const r3 = await fx.host.reload('live');
    t.is(!r3.ok && r3.error.code, PluginErrorCode.INVALID_DEFINITION);
    fx.backend.take();
    await play(fx, [1]);
    t.deepEqual(fx.backend.take('live'), ['[live] A v1 n=1 seq=1 val=1']);
  } finally {
    await fx.cleanup();
  }
});

test('a changed register map and trace mode are re-applied; state continues', async (t) => {
  const fx = await fixture({ tag: 'v1' }, { watch: false });
  try {
    await play(fx, [1]);
    t.is(fx.backend.modeAt(CTRL0), 'async');
    fx.write({ tag: 'v2', offset: 8, mode: 'sync' });
    t.true((await fx.host.reload('live')).ok);
    t.is(fx.backend.modeAt(CTRL0), 'sync');
    t.deepEqual(
      fx.backend.ranges.map((r) => [r.req.mode, r.disposed]),
      [
        ['async', true],
        ['sync', false],
      ],
    );
    await play(fx, [2], CTRL0); // offset 0 is no longer CTRL
    await play(fx, [3], CTRL0 + 8n);
    t.deepEqual(fx.backend.take('live'), ['[live] A v1 n=1 seq=1 val=1', '[live] A v2 n=2 seq=3 val=3']);
  } finally {
    await fx.cleanup();
  }
});

test('a throwing handler in an edited file is reported, the plugin disabled after repeated failures, a fixed edit re-enables it', async (t) => {
  const fx = await fixture({ tag: 'v1' });
  try {
    await play(fx, [1]);
    let next = nextLifecycle(fx.host, 'live', ['reloaded', 'reload-failed']);
    fx.write({ tag: 'v2', body: 'if (v.value >= 2) throw new Error("handler bug at " + v.value);' });
    t.is((await next).kind, 'reloaded');
    const disabled = nextLifecycle(fx.host, 'live', ['disabled']);
    await play(fx, [2, 3, 4, 5]);
    await disabled;
    const errors = fx.backend.lines({ plugin: 'live', severity: 'error' });
    t.deepEqual(errors.slice(0, 3), [
      '[live] CTRL.write threw on W.4 0x23c100000 = 0x2 (seq 2, cpu0): Error: handler bug at 2',
      '[live] CTRL.write threw on W.4 0x23c100000 = 0x3 (seq 3, cpu0): Error: handler bug at 3',
      '[live] CTRL.write threw on W.4 0x23c100000 = 0x4 (seq 4, cpu0): Error: handler bug at 4',
    ]);
    t.regex(errors[3]!, /^\[live\] disabled after 3 errors/);
    t.is(errors.length, 4);
    t.is(fx.backend.active().length, 0, 'a disabled plugin releases its ranges');
    next = nextLifecycle(fx.host, 'live', ['reloaded', 'reload-failed']);
    fx.write({ tag: 'v3' });
    t.is((await next).kind, 'reloaded');
    fx.backend.take();
    await play(fx, [6]);
    // n counted the failed calls too (the handler ran up to the throw only for v ≥ 2: n stayed 1).
    t.deepEqual(fx.backend.take('live'), ['[live] A v3 n=2 seq=6 val=6']);
    t.false(fx.host.summary('live').disabled);
  } finally {
    await fx.cleanup();
  }
});

test('reload by command works without a watcher, and user plugins shadow built-ins of the same name', async (t) => {
  const fx = await fixture({ tag: 'v1', name: 'live' }, { watch: false });
  try {
    fx.write({ tag: 'v2' });
    t.true((await fx.host.reload('live')).ok);
    await play(fx, [1]);
    t.deepEqual(fx.backend.take('live'), ['[live] A v2 n=1 seq=1 val=1']);
    const gpioDir = join(fx.dir, 'gpio');
    mkdirSync(gpioDir);
    writeFileSync(join(gpioDir, 'index.ts'), source({ tag: 'user-gpio', name: 'gpio' }, fx.gate).replace("'./helper.ts'", "'../live/helper.ts'"));
    const s = await fx.host.load('gpio');
    t.is(s.file, join(gpioDir, 'index.ts'));
  } finally {
    await fx.cleanup();
  }
});
