// struct exc_info (spec §9.2): fields at the spec's offsets, written back only if changed and then
// only the changed bytes, in one MEMWRITE; read-only fields cannot be set.
import test from 'ava';
import { EXC_INFO_SIZE, ExcContext } from '../../core/hv/index.ts';
import type { ProxyTransport } from '../../core/proxy/index.ts';

const INFO = 0x8_0381_0000n;

function sample(): Uint8Array {
  const b = new Uint8Array(EXC_INFO_SIZE);
  const v = new DataView(b.buffer);
  for (let i = 0; i < 31; i++) v.setBigUint64(8 * i, 0x1000n + BigInt(i), true);
  const at: Array<[number, bigint]> = [
    [0x100, 0x3c5n], // spsr: EL1h, DAIF
    [0x108, 0x8_1000_0040n], // elr
    [0x110, 0xf200_4242n], // esr: EC 0x3C (BRK), imm 0x4242
    [0x118, 0xdeadn],
    [0x120, 0x20n],
    [0x128, 0x111n],
    [0x130, 0x222n],
    [0x138, INFO],
    [0x140, 3n],
    [0x148, 0x8000_0003n],
    [0x150, 0x8_1000_0040n],
    [0x158, 0x5n],
    [0x160, 0x6n],
    [0x168, 0x8_0381_4000n],
  ];
  for (const [off, val] of at) v.setBigUint64(off, val, true);
  return b;
}

function recorder(): { transport: ProxyTransport; writes: Array<[bigint, Uint8Array]> } {
  const writes: Array<[bigint, Uint8Array]> = [];
  const transport: ProxyTransport = {
    proxy: () => Promise.reject(new Error('unexpected')),
    memRead: (addr, size) => Promise.resolve(addr === INFO && size === EXC_INFO_SIZE ? sample() : new Uint8Array(size)),
    memWrite: (addr, data) => (writes.push([addr, data.slice()]), Promise.resolve()),
  };
  return { transport, writes };
}

test('fields sit at the §9.2 offsets', async (t) => {
  const { transport } = recorder();
  const ctx = await ExcContext.read(transport, INFO);
  t.is(ctx.reg(0), 0x1000n);
  t.is(ctx.reg(30), 0x1000n + 30n);
  t.is(ctx.reg(31), 0n, 'register 31 is XZR');
  t.is(ctx.spsr, 0x3c5n);
  t.is(ctx.el, 1);
  t.is(ctx.elr, 0x8_1000_0040n);
  t.is(ctx.esr, 0xf200_4242n);
  t.is(ctx.far, 0xdeadn);
  t.is(ctx.afsr1, 0x20n);
  t.is(ctx.sp0, 0x111n);
  t.is(ctx.sp1, 0x222n);
  t.is(ctx.cpuId, 3);
  t.is(ctx.mpidr, 0x8000_0003n);
  t.is(ctx.elrPhys, 0x8_1000_0040n);
  t.is(ctx.farPhys, 5n);
  t.is(ctx.spPhys, 6n);
  t.is(ctx.extra, 0x8_0381_4000n);
});

test('nothing changed: no write-back at all', async (t) => {
  const { transport, writes } = recorder();
  const ctx = await ExcContext.read(transport, INFO);
  ctx.setReg(4, ctx.reg(4)); // same value
  t.false(ctx.dirty);
  t.is(ctx.writeBack(transport), null);
  t.deepEqual(writes, []);
});

test('a change writes back just the changed span, in one MEMWRITE, once', async (t) => {
  const { transport, writes } = recorder();
  const ctx = await ExcContext.read(transport, INFO);
  ctx.setReg(5, 0x55n);
  t.true(ctx.dirty);
  await ctx.writeBack(transport);
  t.is(writes.length, 1);
  t.is(writes[0]![0], INFO + 0x28n, 'x5 lives at 0x28');
  t.deepEqual([...writes[0]![1]], [0x55, 0, 0, 0, 0, 0, 0, 0]);
  t.false(ctx.dirty, 'clean once written');
  t.is(ctx.writeBack(transport), null);

  ctx.elr += 4n;
  ctx.setReg(0, 0n);
  await ctx.writeBack(transport);
  t.is(writes[1]![0], INFO, 'x0 .. elr: one span from 0x000');
  t.is(writes[1]![1].length, 0x110);
  t.is(new DataView(writes[1]![1].buffer).getBigUint64(0x108, true), 0x8_1000_0044n);
});

test('writing XZR does nothing; a register number out of range is a typed error', async (t) => {
  const { transport } = recorder();
  const ctx = await ExcContext.read(transport, INFO);
  ctx.setReg(31, 7n);
  t.false(ctx.dirty);
  t.throws(() => ctx.reg(32), { message: /x32 does not exist/ });
  t.throws(() => new ExcContext(INFO, new Uint8Array(100)), { message: /100 bytes/ });
});
