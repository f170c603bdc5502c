// The plugin host with in-test plugins and backend: dispatch by register name and direction,
// whole-range handlers, trace modes and hook replies, §1.4 cached reads, dependencies, error
// isolation and disabling, commands.

import test from 'ava';
import { definePlugin, type AnyPluginDefinition } from '../../core/plugin/api.ts';
import { runPluginCommand } from '../../core/plugin/commands.ts';
import { PluginErrorCode } from '../../core/plugin/errors.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import { array, reg32, regmap, Register32, scalar } from '../../core/plugin/regmap.ts';
import { deferred, GPIO_BASE, j274Adt, nextLifecycle, TestBackend } from '../plugin/helpers.ts';

const CTRL = reg32({ EN: 0, MODE: [3, 1] }, 'CTRL');
const devRegs = regmap({ CTRL: scalar(0x0, CTRL), DATA: array(0x10, 4, 4, Register32), STATUS: scalar(0x40, Register32) });
const at = (off: number): bigint => GPIO_BASE + BigInt(off);

function counter(extra: Partial<AnyPluginDefinition> = {}): AnyPluginDefinition {
  return definePlugin({
    name: 'ctr',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    state: () => ({ n: 0 }),
    handlers: {
      CTRL: { write: (v, ctx) => ctx.log(`CTRL ${++ctx.state.n} EN=${v.fields.EN} MODE=${v.fields.MODE}`, { kind: 'ctrl', fields: { ...v.fields } }) },
      DATA: { read: (v, ctx) => ctx.log(`DATA[${ctx.index}] ${++ctx.state.n} = ${v.value}`) },
    },
    ...extra,
  }) as AnyPluginDefinition;
}

async function hostWith(...defs: AnyPluginDefinition[]): Promise<{ backend: TestBackend; host: PluginHost }> {
  const backend = new TestBackend(j274Adt());
  const host = new PluginHost(backend, { errorBudget: { max: 3, windowMs: 60_000 } });
  for (const d of defs) await host.add(d);
  backend.take();
  return { backend, host };
}

test('handlers by register name and direction get decoded values, index and the event', async (t) => {
  const { backend } = await hostWith(counter());
  backend.write(at(0), 0b1011n, { cpu: 2, pc: 0x100n });
  backend.read(at(0x18), 7n);
  backend.write(at(0x18), 7n); // no DATA.write handler: nothing at verbosity 0
  t.deepEqual(backend.take(), ['[ctr] CTRL 1 EN=1 MODE=5', '[ctr] DATA[2] 2 = 7']);
});

test('structured events carry plugin, device, kind, fields, cpu, pc and the backend seq', async (t) => {
  const { backend } = await hostWith(counter());
  backend.read(at(0x40), 1n);
  backend.write(at(0), 0b11n, { cpu: 5, pc: 0xabcn });
  const ev = backend.outputs.at(-1)!;
  t.deepEqual(
    { plugin: ev.plugin, device: ev.device, kind: ev.kind, fields: ev.fields, cpu: ev.cpu, pc: ev.pc, seq: ev.seq, severity: ev.severity },
    { plugin: 'ctr', device: '/arm-io/gpio', kind: 'ctrl', fields: { EN: 1, MODE: 1 }, cpu: 5, pc: 0xabcn, seq: 2, severity: 'info' },
  );
  t.true(ev.line.startsWith('[ctr] '));
});

test('§1.3 verbosity: 1 unknown registers, 2 known ones without a handler, 3 every access', async (t) => {
  const { backend, host } = await hostWith(counter());
  const play = (): void => {
    backend.read(at(0x80), 9n); // unknown
    backend.read(at(0x40), 1n); // STATUS: no handler
    backend.write(at(0), 1n); // CTRL.write handler
  };
  play();
  t.deepEqual(backend.take(), ['[ctr] CTRL 1 EN=1 MODE=0']);
  host.setVerbosity('ctr', 1);
  play();
  t.deepEqual(backend.take(), ['[ctr] MMIO: R.4   0x23c100080 = 0x9', '[ctr] CTRL 2 EN=1 MODE=0']);
  host.setVerbosity('ctr', 2);
  play();
  t.deepEqual(backend.take(), ['[ctr] MMIO: R.4   0x23c100080 = 0x9', '[ctr] MMIO: R.4   STATUS = 0x1 ()', '[ctr] CTRL 3 EN=1 MODE=0']);
  host.setVerbosity('ctr', 3);
  play();
  t.deepEqual(backend.take(), ['[ctr] MMIO: R.4   0x23c100080 = 0x9', '[ctr] MMIO: R.4   STATUS = 0x1 ()', '[ctr] MMIO: W.4   CTRL = 0x1 (EN=1, MODE=0)', '[ctr] CTRL 4 EN=1 MODE=0']);
});

test('hook mode: a read is answered, a write swallowed or altered; other modes ignore replies', async (t) => {
  const hook = definePlugin({
    name: 'hooky',
    attach: { path: '/arm-io/uart0' },
    mode: 'hook',
    regmap: regmap({ R: scalar(0x0, Register32), W: scalar(0x4, Register32), X: scalar(0x8, Register32) }),
    handlers: {
      R: { read: () => ({ value: 0x55n }) },
      W: { write: () => ({ drop: true }) },
      X: { write: (v) => ({ value: v.raw | 0x100n }) },
    },
  });
  const { backend } = await hostWith(hook as AnyPluginDefinition);
  const base = 0x235200000n;
  t.is(backend.modeAt(base), 'hook');
  t.deepEqual(backend.read(base, 0n), { value: 0x55n });
  t.deepEqual(backend.write(base + 4n, 1n), { drop: true });
  t.deepEqual(backend.write(base + 8n, 1n), { value: 0x101n });
  t.is(backend.read(base + 0xcn, 0n), undefined, 'no handler: the backend does the real access');
  const { backend: b2 } = await hostWith({ ...hook, name: 'sync', mode: 'sync' } as AnyPluginDefinition);
  t.is(b2.read(base, 0n), undefined);
});

test('a whole-range handler sees every event of a raw range (regmap: false)', async (t) => {
  const raw = definePlugin({
    name: 'raw',
    attach: { path: '/arm-io/uart0' },
    ranges: [{ reg: 0, regmap: false, mode: 'async' }],
    onAccess: (ev, ctx) => ctx.log(`${ev.write ? 'W' : 'R'} +0x${ctx.offset.toString(16)} = 0x${ev.value.toString(16)}`),
  });
  const { backend } = await hostWith(raw as AnyPluginDefinition);
  backend.write(0x235200020n, 0x41n);
  backend.read(0x235200010n, 0x6n);
  t.deepEqual(backend.take(), ['[raw] W +0x20 = 0x41', '[raw] R +0x10 = 0x6']);
});

test('§1.4 cached reads: the last value seen on either direction; a miss logs RegCache at verbosity ≥ 1', async (t) => {
  const seen: Array<bigint | undefined> = [];
  const p = definePlugin({
    name: 'cache',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    verbosity: 1,
    handlers: { STATUS: { read: (_v, ctx) => void seen.push(ctx.cached('DATA', 1), ctx.cached('CTRL')) } },
  });
  const { backend } = await hostWith(p as AnyPluginDefinition);
  backend.read(at(0x40), 0n);
  backend.write(at(0x14), 0x99n);
  backend.read(at(0x0), 0x3n);
  backend.read(at(0x40), 0n);
  t.deepEqual(seen, [undefined, undefined, 0x99n, 0x3n]);
  t.true(backend.lines().includes('[cache] RegCache: no cache for 0x23c100014'));
});

test('§1.4 non-cached reads hit hardware only on a sync/hook access, else fall back to the cache; memory reads need backend support', async (t) => {
  const got: Array<bigint | undefined> = [];
  let memError: unknown;
  const make = (name: string, mode: 'sync' | 'async'): AnyPluginDefinition =>
    definePlugin({
      name,
      mode,
      attach: { path: '/arm-io/gpio' },
      regmap: devRegs,
      handlers: {
        STATUS: {
          async write(_v, ctx) {
            got.push(await ctx.read('DATA', 0));
            await ctx.readMemory(0x10000000000n, 16).catch((e: unknown) => (memError = e));
          },
        },
      },
    }) as AnyPluginDefinition;
  const backend = new TestBackend(j274Adt(), { hardware: (addr) => addr & 0xffn });
  const host = new PluginHost(backend);
  await host.add(make('s', 'sync'));
  backend.read(at(0x10), 0x77n); // cached DATA[0]
  await backend.write(at(0x40), 1n);
  t.deepEqual(got, [0x10n], 'read from hardware');
  t.deepEqual(backend.hwReads, [GPIO_BASE + 0x10n]);
  t.is((memError as { code?: string }).code, PluginErrorCode.UNSUPPORTED);
  await host.unload('s');
  await host.add(make('a', 'async'));
  backend.read(at(0x10), 0x66n);
  await backend.write(at(0x40), 1n);
  t.deepEqual(got, [0x10n, 0x66n], 'the cached value, no hardware access');
  t.is(backend.hwReads.length, 1);
});

test('async handlers: later events wait, order is kept, nothing is handled twice', async (t) => {
  const gate = deferred();
  const handled: number[] = [];
  const p = definePlugin({
    name: 'slow',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    handlers: {
      CTRL: {
        async write(v) {
          if (v.value === 1) await gate.promise;
          handled.push(v.value);
        },
      },
    },
  });
  const { backend, host } = await hostWith(p as AnyPluginDefinition);
  const r1 = backend.write(at(0), 1n);
  backend.write(at(0), 2n);
  backend.write(at(0), 3n);
  t.deepEqual(handled, []);
  t.true(r1 instanceof Promise);
  gate.resolve();
  await host.idle('slow');
  t.deepEqual(handled, [1, 2, 3]);
});

test('a throwing handler is reported with plugin, handler and event; other plugins run on', async (t) => {
  const bad = definePlugin({
    name: 'bad',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    state: () => ({ n: 0 }),
    handlers: {
      CTRL: {
        write(v, ctx) {
          ctx.state.n++;
          if (v.raw === 0xdeadn) throw new Error('boom');
          ctx.log(`ok ${v.value}`);
        },
      },
    },
  });
  const { backend, host } = await hostWith(bad as AnyPluginDefinition, counter());
  backend.write(at(0), 0xdeadn, { cpu: 3 });
  backend.write(at(0), 1n);
  const errors = backend.outputs.filter((o) => o.severity === 'error');
  t.is(errors.length, 1);
  t.is(errors[0]!.plugin, 'bad');
  t.is(errors[0]!.kind, 'plugin-error');
  t.is(errors[0]!.line, '[bad] CTRL.write threw on W.4 0x23c100000 = 0xdead (seq 1, cpu3): Error: boom');
  t.like(errors[0]!.fields, { handler: 'CTRL.write', error: 'Error: boom', device: '/arm-io/gpio' });
  t.is(errors[0]!.seq, 1);
  t.deepEqual(backend.take(), ['[ctr] CTRL 1 EN=1 MODE=6', '[bad] ok 1', '[ctr] CTRL 2 EN=1 MODE=0']);
  t.false(host.summary('bad').disabled);
});

test('a plugin that keeps failing is disabled (ranges released), the rest runs on; reload re-enables it', async (t) => {
  const bad = definePlugin({
    name: 'bad',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    handlers: {
      CTRL: {
        write() {
          throw new TypeError('always');
        },
      },
    },
  });
  const { backend, host } = await hostWith(bad as AnyPluginDefinition, counter());
  const disabled = nextLifecycle(host, 'bad', ['disabled']);
  for (let i = 0; i < 5; i++) backend.write(at(0), 1n);
  await disabled;
  const errors = backend.lines({ plugin: 'bad', severity: 'error' });
  t.is(errors.filter((l) => l.includes('threw')).length, 3, 'the budget is 3 errors; later events never reach it');
  t.true(errors.at(-1)!.startsWith("[bad] disabled after 3 errors within 60000 ms; the session runs on without it ('reload bad' re-enables it)"));
  t.true(host.summary('bad').disabled);
  t.deepEqual(
    backend.active().map((r) => r.owner),
    ['ctr@/arm-io/gpio'],
  );
  t.is(backend.lines({ plugin: 'ctr' }).filter((l) => l.startsWith('[ctr] CTRL')).length, 5);
  const r = await host.reload('bad');
  t.true(r.ok);
  t.false(host.summary('bad').disabled);
  t.deepEqual(backend.active().map((x) => x.owner).sort(), ['bad@/arm-io/gpio', 'ctr@/arm-io/gpio']);
});

test('errors in async handlers are reported too', async (t) => {
  const p = definePlugin({
    name: 'rej',
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    handlers: { CTRL: { write: async () => Promise.reject(new RangeError('later')) } },
  });
  const { backend, host } = await hostWith(p as AnyPluginDefinition);
  await backend.write(at(0), 1n);
  await host.idle('rej');
  t.deepEqual(backend.lines({ severity: 'error' }), ['[rej] CTRL.write threw on W.4 0x23c100000 = 0x1 (seq 1, cpu0): RangeError: later']);
});

test('needs: a plugin uses the API its dependency exports; unloading the dependency is refused', async (t) => {
  const base = definePlugin({
    name: 'base',
    attach: { path: '/arm-io/aic' },
    state: () => ({ decoded: 0 }),
    api: (ctx) => ({ decode: (v: bigint) => `msg#${v}`, count: () => ctx.stateOf()?.decoded ?? -1 }),
  });
  const user = definePlugin({
    name: 'user',
    needs: ['base'],
    attach: { path: '/arm-io/gpio' },
    regmap: devRegs,
    handlers: { CTRL: { write: (v, ctx) => ctx.log(ctx.dep<{ decode(v: bigint): string }>('base').decode(v.raw)) } },
  });
  const { backend, host } = await hostWith(base as AnyPluginDefinition, user as AnyPluginDefinition);
  backend.write(at(0), 7n);
  t.deepEqual(backend.take(), ['[user] msg#7']);
  const err = await t.throwsAsync(host.unload('base'));
  t.is((err as { code?: string }).code, PluginErrorCode.IN_USE);
  await host.unload('user');
  await host.unload('base');
  t.deepEqual(host.list(), []);
});

test('a plugin whose needs cannot be met is not loaded', async (t) => {
  const backend = new TestBackend(j274Adt());
  const host = new PluginHost(backend, { builtinDir: '/nonexistent' });
  const err = await t.throwsAsync(host.add(counter({ needs: ['nope'] })));
  t.is((err as { code?: string }).code, PluginErrorCode.DEPENDENCY);
  t.deepEqual(host.list(), []);
  t.is(backend.active().length, 0);
});

test('attach failures and invalid definitions are typed errors with hints', async (t) => {
  const backend = new TestBackend(j274Adt());
  const host = new PluginHost(backend);
  const e1 = await t.throwsAsync(host.add(counter({ attach: { path: '/arm-io/nothing' } })));
  t.is((e1 as { code?: string }).code, PluginErrorCode.ATTACH_FAILED);
  const e2 = await t.throwsAsync(host.add(counter({ ranges: [{ reg: 3 }] })));
  t.is((e2 as { code?: string }).code, PluginErrorCode.ATTACH_FAILED);
  const e3 = await t.throwsAsync(host.add({ ...counter(), handlers: { NOPE: { read: () => undefined } } } as never));
  t.is((e3 as { code?: string }).code, PluginErrorCode.INVALID_DEFINITION);
  const e4 = await t.throwsAsync(host.add({ ...counter(), name: 'Bad Name' }));
  t.is((e4 as { code?: string }).code, PluginErrorCode.INVALID_DEFINITION);
  const e5 = await t.throwsAsync(host.add({ ...counter(), mode: 'turbo' as never }));
  t.is((e5 as { code?: string }).code, PluginErrorCode.INVALID_DEFINITION);
  await host.add(counter());
  const e6 = await t.throwsAsync(host.add(counter()));
  t.is((e6 as { code?: string }).code, PluginErrorCode.ALREADY_LOADED);
  t.is(backend.active().length, 1);
});

test('a compatible selector attaches every matching device, each with its own state', async (t) => {
  const dart = definePlugin({
    name: 'dart',
    attach: { compatible: 'dart,t8020' },
    regmap: devRegs,
    state: () => ({ n: 0 }),
    handlers: { CTRL: { write: (_v, ctx) => ctx.log(`${ctx.device.name} ${++ctx.state.n}`) } },
  });
  const { backend, host } = await hostWith(dart as AnyPluginDefinition);
  t.deepEqual(host.summary('dart').devices, ['/arm-io/dart-dcp', '/arm-io/dart-disp0']);
  backend.write(0x23130c000n, 1n);
  backend.write(0x23130c000n, 1n);
  backend.write(0x231304000n, 1n);
  t.deepEqual(backend.take(), ['[dart] dart-dcp 1', '[dart] dart-dcp 2', '[dart] dart-disp0 1']);
});

test('commands: plugins, verbosity, reload, unload, and clear errors for bad input', async (t) => {
  const { host } = await hostWith(counter());
  t.is(await runPluginCommand(host, 'plugins'), 'ctr (active, verbosity 0): /arm-io/gpio 0x23c100000+0x100000 async');
  t.is(await runPluginCommand(host, 'verbosity ctr 2'), 'ctr verbosity 2');
  t.is(await runPluginCommand(host, 'verbosity ctr'), 'ctr verbosity 2');
  t.is(await runPluginCommand(host, 'reload ctr'), 'reloaded ctr (active, verbosity 2): /arm-io/gpio 0x23c100000+0x100000 async');
  t.is(await runPluginCommand(host, 'unload ctr'), 'unloaded ctr');
  t.is(await runPluginCommand(host, 'plugins'), 'no plugins loaded');
  for (const [line, code] of [
    ['frobnicate', PluginErrorCode.BAD_COMMAND],
    ['reload', PluginErrorCode.BAD_COMMAND],
    ['reload ctr', PluginErrorCode.NOT_LOADED],
    ['load no-such-plugin', PluginErrorCode.NOT_FOUND],
  ] as const) {
    const err = await t.throwsAsync(runPluginCommand(host, line));
    t.is((err as { code?: string }).code, code, line);
    t.truthy((err as { hint?: string }).hint, `${line} has a hint`);
  }
  const { host: h2 } = await hostWith(counter());
  const err = await t.throwsAsync(runPluginCommand(h2, 'verbosity ctr -1'));
  t.is((err as { code?: string }).code, PluginErrorCode.BAD_COMMAND);
});
