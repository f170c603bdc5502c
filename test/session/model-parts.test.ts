// The debug model's parts without a guest: software breakpoints hidden from reads and kept
// across writes, watchpoint byte selects (§9.11), the register file (what is read once, what is
// written back only when changed), the frame-pointer backtrace on a hand-built stack with the
// demo guest's real symbols and DWARF, and symbol lookup.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ExcContext, EXC_INFO_SIZE, ExcInfoOffset, type SysregExec, type SysregOp } from '../../core/hv/index.ts';
import { backtrace, byteSelect, SessionSymbols, SW_BREAK_WORD } from '../../core/session/index.ts';
import { SoftwareBreakpoints } from '../../core/session/breakpoints.ts';
import { RegisterFile } from '../../core/session/registers.ts';
import { registerDef } from '../../core/session/index.ts';
import { AARCH64_REGISTERS } from '../../gdbstub/registers.ts';
import { DEMO_GUEST, u32le } from './helpers.ts';

const symbols = new SessionSymbols().addFile(new Uint8Array(readFileSync(DEMO_GUEST)), 'demo.elf');

test('a software breakpoint is hidden from every read that covers any of its bytes', (t) => {
  const bps = new SoftwareBreakpoints();
  bps.add(0x1000n, 0x8000n, Uint8Array.of(0xfd, 0x7b, 0xbe, 0xa9));
  t.is(SW_BREAK_WORD, 0xd4284880, 'brk #0x4244 (imm16 in bits 20:5)');
  const brk = SoftwareBreakpoints.brkBytes;
  // Memory as stored: BRK at 0x8000, surrounded by 0x11s.
  const memory = new Uint8Array(16).fill(0x11);
  memory.set(brk, 4);
  for (let start = 0; start < 16; start++) {
    for (let end = start + 1; end <= 16; end++) {
      const view = memory.slice(start, end);
      bps.hide(0x7ffcn + BigInt(start), view);
      const want = Uint8Array.of(...new Array(16).fill(0x11));
      want.set([0xfd, 0x7b, 0xbe, 0xa9], 4);
      t.deepEqual(view, want.slice(start, end), `read [${start}, ${end})`);
    }
  }
});

test('a write over a software breakpoint updates the saved instruction and keeps the BRK', (t) => {
  const bps = new SoftwareBreakpoints();
  bps.add(0x1000n, 0x8000n, Uint8Array.of(1, 2, 3, 4));
  bps.pending(new Set()); // the resume that wrote the BRK
  const data = Uint8Array.of(0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5); // covers 0x7ffe..0x8003
  const stored = bps.keep(0x7ffen, data);
  t.deepEqual([...stored.slice(0, 2)], [0xa0, 0xa1], 'bytes before the patch written as given');
  t.is(u32le(stored, 2), SW_BREAK_WORD, 'the BRK stays in memory');
  t.deepEqual([...data], [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5], 'the caller\'s buffer is not modified');
  t.deepEqual([...bps.at(0x1000n)!.original], [0xa2, 0xa3, 0xa4, 0xa5], 'a later read (or removal) gives the new guest bytes');
  // A partial write over the last two bytes.
  bps.keep(0x8002n, Uint8Array.of(0xee, 0xff, 0x00));
  t.deepEqual([...bps.at(0x1000n)!.original], [0xa2, 0xa3, 0xee, 0xff]);
});

test('memory follows the breakpoint table at each resume: inserts and removals that cancel out write nothing', (t) => {
  const bps = new SoftwareBreakpoints();
  const brk = [...SoftwareBreakpoints.brkBytes];
  const writes = (lifted: bigint[] = []) => bps.pending(new Set(lifted)).map((w) => [w.pa, [...w.bytes]]);
  bps.add(0x1000n, 0x8000n, Uint8Array.of(1, 2, 3, 4));
  t.deepEqual(writes(), [[0x8000n, brk]], 'a new breakpoint: its BRK at the resume');
  t.deepEqual(writes(), [], 'then nothing');
  // gdb's stepi: remove at the stop, insert again before the resume.
  bps.delete(0x1000n);
  bps.add(0x1000n, 0x8000n, Uint8Array.of(1, 2, 3, 4));
  t.deepEqual(writes(), [], 'removed and inserted again during one stop: no write');
  // A removed breakpoint whose BRK is still in memory reads as the guest's bytes until then.
  bps.delete(0x1000n);
  const view = Uint8Array.of(9, 9, ...brk, 9, 9);
  bps.hide(0x7ffen, view);
  t.deepEqual([...view], [9, 9, 1, 2, 3, 4, 9, 9]);
  // A write over it changes what goes back, and does not put a BRK there.
  const stored = bps.keep(0x8002n, Uint8Array.of(0xee, 0xff));
  t.deepEqual([...stored], [0xee, 0xff]);
  t.deepEqual(writes(), [[0x8000n, [1, 2, 0xee, 0xff]]], 'the guest\'s bytes go back at the resume');
  // Inserted and removed during one stop: never written.
  bps.add(0x2000n, 0x9000n, Uint8Array.of(5, 6, 7, 8));
  bps.delete(0x2000n);
  t.deepEqual(writes(), []);
  // A lifted one (a host step from it) gets its instruction back, then its BRK.
  bps.add(0x2000n, 0x9000n, Uint8Array.of(5, 6, 7, 8));
  t.deepEqual(writes(), [[0x9000n, brk]]);
  t.deepEqual(writes([0x2000n]), [[0x9000n, [5, 6, 7, 8]]]);
  t.deepEqual(writes(), [[0x9000n, brk]]);
});

test('software breakpoints: alignment, duplicates, removal remembered for late reports', (t) => {
  const bps = new SoftwareBreakpoints();
  t.throws(() => bps.add(0x1002n, 0x8002n, new Uint8Array(4)), { code: 'SESSION_BAD_ARGUMENT' });
  bps.add(0x1000n, 0x8000n, new Uint8Array(4));
  t.throws(() => bps.add(0x1000n, 0x9000n, new Uint8Array(4)), { code: 'SESSION_BAD_BREAKPOINT' });
  t.throws(() => bps.add(0x2000n, 0x8000n, new Uint8Array(4)), { code: 'SESSION_BAD_BREAKPOINT', message: /alias/ });
  t.is(bps.isOurs(0x1000n), 'live');
  bps.delete(0x1000n);
  t.is(bps.isOurs(0x1000n), 'removed', 'a CPU that trapped before the removal is not handed to the guest');
  t.is(bps.isOurs(0x3000n), undefined);
  t.throws(() => bps.delete(0x1000n), { code: 'SESSION_BAD_BREAKPOINT' });
  const seen = new Uint8Array(8).fill(7);
  bps.hide(0x7ffcn, seen);
  t.deepEqual([...seen], new Array(8).fill(7), 'a removed breakpoint hides nothing');
});

test('watchpoint byte select within one doubleword (§9.11), refused across one', (t) => {
  t.is(byteSelect({ address: 0x1000n, length: 8, access: 'write' }), 0xff);
  t.is(byteSelect({ address: 0x1004n, length: 4, access: 'write' }), 0xf0);
  t.is(byteSelect({ address: 0x1003n, length: 1, access: 'read' }), 0x08);
  t.is(byteSelect({ address: 0x1006n, length: 2, access: 'access' }), 0xc0);
  for (const [address, length] of [[0x1004n, 8], [0x1007n, 2], [0x1000n, 0], [0x1000n, 9], [0x1000n, 1.5]] as const) {
    t.throws(() => byteSelect({ address, length, access: 'write' }), { code: 'SESSION_BAD_ARGUMENT' }, `${address.toString(16)}+${length}`);
  }
});

function context(): ExcContext {
  const bytes = new Uint8Array(EXC_INFO_SIZE);
  const v = new DataView(bytes.buffer);
  for (let n = 0; n < 31; n++) v.setBigUint64(ExcInfoOffset.REGS + 8 * n, BigInt(0x100 + n), true);
  v.setBigUint64(ExcInfoOffset.SPSR, 0x3c5n | (1n << 21n), true); // EL1h, DAIF, SS set by the host
  v.setBigUint64(ExcInfoOffset.ELR, 0x8_1000_0000n, true);
  v.setBigUint64(ExcInfoOffset.SP0, 0x1111n, true);
  v.setBigUint64(ExcInfoOffset.SP1, 0x2222n, true);
  v.setBigUint64(ExcInfoOffset.MPIDR, 0x8000_0103n, true);
  return new ExcContext(0x9000n, bytes);
}

function fakeSysregs(values: Record<string, bigint>): { exec: SysregExec; batches: SysregOp[][] } {
  const batches: SysregOp[][] = [];
  const exec = {
    run: async (ops: readonly SysregOp[]) => {
      batches.push([...ops]);
      return ops.map((op) => (op.kind === 'read' ? values[String(op.reg)] ?? 0n : 0n));
    },
  } as unknown as SysregExec;
  return { exec, batches };
}

test('registers: context ones from exc_info, sysregs by their EL12 form in one batch, cached for the stop', async (t) => {
  const ctx = context();
  const { exec, batches } = fakeSysregs({ SCTLR_EL12: 0x30d0198dn, TTBR0_EL12: 0x4000n, FPSR: 0x10n });
  let simdLoads = 0;
  const simd = new Uint8Array(512);
  new DataView(simd.buffer).setBigUint64(16 * 3, 0x1234n, true);
  const file = new RegisterFile(0, () => ctx, exec, { load: async () => (simdLoads++, simd), store: async () => undefined });
  const got = await file.read(['x0', 'x30', 'pc', 'sp', 'sp_el0', 'cpsr', 'sctlr_el1', 'ttbr0_el1', 'fpsr', 'v3', 'currentel', 'mpidr_el1', 'lr']);
  t.deepEqual(got, [0x100n, 0x11en, 0x8_1000_0000n, 0x2222n, 0x1111n, 0x3c5n, 0x30d0198dn, 0x4000n, 0x10n, 0x1234n, 4n, 0x8000_0103n, 0x11en]);
  t.deepEqual(batches.map((b) => b.map((op) => (op.kind === 'read' ? op.reg : '?'))), [['SCTLR_EL12', 'TTBR0_EL12', 'FPSR']], 'one batch; EL12 forms from EL2 (E2H)');
  await file.read(['sctlr_el1', 'v0']);
  t.is(batches.length, 1, 'cached for the stop');
  t.is(simdLoads, 1);
});

test('registers: writes land in the context (SS kept), sysregs only when changed, read-only refused', async (t) => {
  const ctx = context();
  const { exec, batches } = fakeSysregs({ VBAR_EL12: 0x8_1000_0800n });
  const stores: Uint8Array[] = [];
  const file = new RegisterFile(0, () => ctx, exec, { load: async () => new Uint8Array(512), store: async (b) => void stores.push(b.slice()) });
  await file.read(['vbar_el1']);
  await file.write(new Map([['x5', 55n], ['pc', 0x8_1000_0040n], ['sp', 0x3333n], ['cpsr', 0x3c4n], ['vbar_el1', 0x8_1000_0800n]]));
  t.is(ctx.reg(5), 55n);
  t.is(ctx.elr, 0x8_1000_0040n);
  t.is(ctx.sp1, 0x3333n, 'sp at EL1h is SP_EL1');
  t.is(ctx.spsr, 0x3c4n | (1n << 21n), "the host's SPSR.SS survives a cpsr write");
  t.is(batches.length, 1, 'an unchanged sysreg is not written');
  await file.write(new Map([['vbar_el1', 0x8_1000_1000n]]));
  t.deepEqual(batches[1], [{ kind: 'write', reg: 'VBAR_EL12', value: 0x8_1000_1000n }]);
  await file.write(new Map([['v31', (1n << 127n) | 5n]]));
  t.is(stores.length, 0, 'SIMD goes back on flush only');
  await file.flush();
  await file.flush();
  t.is(stores.length, 1, 'once');
  const v = new DataView(stores[0]!.buffer);
  t.is(v.getBigUint64(31 * 16, true), 5n);
  t.is(v.getBigUint64(31 * 16 + 8, true), 1n << 63n);
  await t.throwsAsync(file.write(new Map([['mpidr_el1', 1n]])), { code: 'SESSION_BAD_REGISTER' });
  await t.throwsAsync(file.write(new Map([['x1', 1n << 64n]])), { code: 'SESSION_BAD_ARGUMENT' });
  await t.throwsAsync(file.write(new Map([['x1', -1n]])), { code: 'SESSION_BAD_ARGUMENT' });
  await t.throwsAsync(file.read(['x31']), { code: 'SESSION_BAD_REGISTER' });
  t.is(ctx.reg(1), 0x101n, 'a refused batch wrote nothing');
});

test('symbols: ELF names, DWARF functions and lines, addresses by name and by line', (t) => {
  const leaf = symbols.resolve('visit_leaf');
  t.is(leaf, 0x8_1000_3b54n, 'as aarch64-linux-gnu-nm lists it');
  const info = symbols.lookup(leaf + 8n);
  t.like(info, { function: 'visit_leaf', functionStart: leaf, symbol: 'visit_leaf+0x8' });
  t.regex(info.location?.file ?? '', /debug-demo\.c$/);
  t.is(symbols.symbol('demo_counter').size, 8n);
  t.throws(() => symbols.resolve('no_such_function'), { code: 'SESSION_NO_SYMBOL' });
  const line = symbols.lineAddresses('src/debug-demo.c', info.location!.line);
  t.true(line.addresses.some((a) => a >= leaf && a < leaf + 0x38n));
  const map = new SessionSymbols().addFile(new TextEncoder().encode('ffff800008000000 T _text\nffff800008010000 T start_kernel\n'), 'System.map', 0x1000n);
  t.is(map.resolve('start_kernel'), 0xffff800008011000n, 'System.map with a slide');
  t.is(map.lookup(0xffff800008011010n).symbol, 'start_kernel+0x10');
});

/** Frame records at given addresses, and visit_leaf's first instructions; anything else faults. */
function stackReader(records: Array<[bigint, bigint, bigint]>): (va: bigint, n: number) => Promise<Uint8Array> {
  return async (va, n) => {
    const out = new Uint8Array(n);
    const v = new DataView(out.buffer);
    for (const [at, prev, ret] of records) {
      if (va === at && n === 16) {
        v.setBigUint64(0, prev, true);
        v.setBigUint64(8, ret, true);
        return out;
      }
    }
    if (va >= 0x8_1000_39c0n && va < 0x8_1000_39c0n + 0x40n) {
      // visit_leaf's prologue (objdump): stp x29, x30, [sp, #-32]!; mov x29, sp
      const words = [0xa9be7bfd, 0x910003fd, 0xf9000bf3];
      for (let i = 0; i < n / 4; i++) v.setUint32(i * 4, words[Number((va - 0x8_1000_39c0n) / 4n) + i] ?? 0, true);
      return out;
    }
    throw Object.assign(new Error(`unmapped ${va.toString(16)}`), { code: 'SESSION_MEMORY_FAULT' });
  };
}

test('backtrace: before the prologue ran the caller is x30; then the x29 chain up to a null frame', async (t) => {
  const leaf = symbols.resolve('visit_leaf');
  const walk = symbols.resolve('tree_walk');
  const demo = symbols.resolve('run_debug_demo');
  const records: Array<[bigint, bigint, bigint]> = [
    [0x7000n, 0x7040n, walk + 0x30n],
    [0x7040n, 0x7080n, demo + 0x48n],
    [0x7080n, 0n, 0x8_1000_0090n],
  ];
  const read = stackReader(records);
  const at0 = await backtrace({ pc: leaf, fp: 0x7000n, lr: walk + 0x64n, read, symbols });
  t.deepEqual(at0.map((f) => f.function), ['visit_leaf', 'tree_walk', 'tree_walk', 'run_debug_demo', '_start']);
  t.is(at0[1]!.pc, walk + 0x64n, 'frame 1 from x30');
  t.is(at0[1]!.symbol, 'tree_walk+0x64', 'the return address as the symbol');
  t.regex(at0[1]!.location?.file ?? '', /debug-demo\.c$/, 'lines from the call (return address - 4)');
  // After `mov x29, sp` (pc = visit_leaf + 8): x29 is visit_leaf's own record, whose return is tree_walk+0x64.
  const after = await backtrace({ pc: leaf + 8n, fp: 0x6fe0n, lr: 0n, read: stackReader([[0x6fe0n, 0x7000n, walk + 0x64n], ...records]), symbols });
  t.deepEqual(after.map((f) => f.function), ['visit_leaf', 'tree_walk', 'tree_walk', 'run_debug_demo', '_start']);
  t.is((await backtrace({ pc: leaf + 8n, fp: 0x6fe0n, lr: 0n, read, symbols, maxFrames: 1 })).length, 1);
});

test('backtrace: a loop, a misaligned or unreadable frame pointer ends the walk, never hangs', async (t) => {
  const walk = symbols.resolve('tree_walk');
  const loop = await backtrace({ pc: walk + 8n, fp: 0x7000n, lr: 0n, read: stackReader([[0x7000n, 0x7000n, walk + 0x30n]]), symbols });
  t.is(loop.length, 2, 'a record pointing at itself: one caller, then stop');
  t.is((await backtrace({ pc: walk + 8n, fp: 0x7003n, lr: 0n, read: stackReader([]), symbols })).length, 1);
  t.is((await backtrace({ pc: walk + 8n, fp: 0x5000n, lr: 0n, read: stackReader([]), symbols })).length, 1);
});

test('every register the GDB stub names (gdbstub/registers.ts) is one the debug model knows, at the same width', (t) => {
  for (const def of AARCH64_REGISTERS) {
    const ours = registerDef(def.name);
    t.is(ours.bits, def.bitsize, def.name);
  }
  t.throws(() => registerDef('x32'), { code: 'SESSION_BAD_REGISTER' });
  t.is(registerDef('PSTATE'), registerDef('cpsr'));
  t.is(registerDef('lr'), registerDef('x30'));
});

test('registers: a system register the CPU does not have is a BAD_REGISTER, nothing cached', async (t) => {
  const ctx = context();
  let calls = 0;
  const exec = {
    run: async () => {
      calls++;
      throw Object.assign(new Error('mrs x0, AMAIR_EL12 (el2) took 1 exception on the target'), { code: 'HV_SYSREG_FAULT', hint: 'try another mode' });
    },
  } as unknown as SysregExec;
  const file = new RegisterFile(0, () => ctx, exec, { load: async () => new Uint8Array(512), store: async () => undefined });
  await t.throwsAsync(file.read(['amair_el1']), { code: 'SESSION_BAD_REGISTER', message: /AMAIR_EL12/ });
  await t.throwsAsync(file.read(['amair_el1']), { code: 'SESSION_BAD_REGISTER' });
  t.is(calls, 2, 'a failed read is not cached');
  t.deepEqual(await file.read(['x3']), [0x103n], 'the context registers still read');
});
