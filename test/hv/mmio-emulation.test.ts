// §10.4: every load/store form the spec lists, emulated on a software page; register results per
// the Arm ARM (extension, pair order, writeback), widths and chunking per §10.4 steps 5–6.
// Instruction words from `llvm-mc-16 -triple=aarch64 -show-encoding` (text in each comment).
import test from 'ava';
import { emulateDataAbort, emulateDataAbortSync, type AlignedOp, type DataAbortInput, type GuestRegisters } from '../../sim/hv/mmio-emulation.ts';

const P = 0x2_3b10_0000n; // a software MAP page, identity (IPA = VA = target)
const ESR_READ = (0x24n << 26n) | 0x07n;
const ESR_WRITE = ESR_READ | (1n << 6n);
const ONES64 = (1n << 64n) - 1n;

class Regs implements GuestRegisters {
  xs = new Array<bigint>(31).fill(0n);
  qs = new Array<bigint>(32).fill(0n);
  x(n: number) {
    return this.xs[n]!;
  }
  setX(n: number, v: bigint) {
    this.xs[n] = v;
  }
  q(n: number) {
    return this.qs[n]!;
  }
  setQ(n: number, v: bigint) {
    this.qs[n] = v;
  }
}

interface Run {
  regs: Regs;
  ops: AlignedOp[];
  mem: Map<bigint, number>;
  outcome: ReturnType<typeof emulateDataAbortSync>;
}

/** A MAP page at P (walk = IPA with bits 1:0 clear, like §10.3), memory as a byte map. */
function run(word: number, opts: { write?: boolean; far: bigint; regs?: Partial<Record<number, bigint>>; q?: Partial<Record<number, bigint>>; mem?: Record<string, number[]>; fail?: boolean }): Run {
  const regs = new Regs();
  for (const [k, v] of Object.entries(opts.regs ?? {})) regs.xs[Number(k)] = v!;
  for (const [k, v] of Object.entries(opts.q ?? {})) regs.qs[Number(k)] = v!;
  const mem = new Map<bigint, number>();
  for (const [addr, bytes] of Object.entries(opts.mem ?? {})) bytes.forEach((b, i) => mem.set(BigInt(addr) + BigInt(i), b));
  const ops: AlignedOp[] = [];
  const input: DataAbortInput = {
    esr: opts.write ? ESR_WRITE : ESR_READ,
    far: opts.far,
    elr: 0xffff_0000_0000_1000n,
    regs,
    ipaBits: 40,
    translate: (va) => ({ ipa: va, par: 0n }),
    walk: (ipa) => ipa & ~3n,
    fetch: () => word,
  };
  const outcome = emulateDataAbortSync(input, (op) => {
    ops.push(op);
    if (opts.fail) return false;
    for (let i = 0; i < op.data.length; i++) {
      const a = op.ipa + BigInt(i);
      if (op.write) mem.set(a, op.data[i]!);
      else op.data[i] = mem.get(a) ?? 0;
    }
    return true;
  });
  return { regs, ops, mem, outcome };
}

const le = (v: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const bytesAt = (mem: Map<bigint, number>, a: bigint, n: number) => Array.from({ length: n }, (_, i) => mem.get(a + BigInt(i)) ?? -1);
const widths = (r: Run) => r.ops.map((o) => o.width);

// ---- integer loads ------------------------------------------------------------------------

test('ldr w1, [x2] (0xb9400041): 32-bit zero-extended; one width-2 op at the IPA', (t) => {
  const r = run(0xb9400041, { far: P, regs: { 1: ONES64, 2: P }, mem: { [`${P}`]: le(0x12345678n, 4) } });
  t.like(r.outcome, { kind: 'emulated', width: 2 });
  t.is(r.regs.xs[1], 0x12345678n);
  t.deepEqual(widths(r), [2]);
  t.is(r.ops[0]!.ipa, P);
});

test('ldrb w1, [x2, #1]! (0x38401c41): pre-index writeback Xn += 1', (t) => {
  const r = run(0x38401c41, { far: P + 0x10n, regs: { 2: P + 0xfn }, mem: { [`${P + 0x10n}`]: [0xab] } });
  t.is(r.regs.xs[1], 0xabn);
  t.is(r.regs.xs[2], P + 0x10n);
});

test('ldrh w3, [x2], #4 (0x78404443): post-index', (t) => {
  const r = run(0x78404443, { far: P + 0x20n, regs: { 2: P + 0x20n }, mem: { [`${P + 0x20n}`]: le(0xbeefn, 2) } });
  t.is(r.regs.xs[3], 0xbeefn);
  t.is(r.regs.xs[2], P + 0x24n);
});

test('ldrsb x1 / ldrsb w1 (0x39800041 / 0x39c00041): 64-bit and 32-bit sign extension', (t) => {
  const mem = { [`${P}`]: [0x80] };
  t.is(run(0x39800041, { far: P, regs: { 2: P }, mem }).regs.xs[1], 0xffff_ffff_ffff_ff80n);
  t.is(run(0x39c00041, { far: P, regs: { 2: P }, mem }).regs.xs[1], 0xffff_ff80n);
});

test('ldrsh w1, [x2, #2]! (0x78c02c41) and ldrsw x1, [x2], #8 (0xb8808441)', (t) => {
  const a = run(0x78c02c41, { far: P + 2n, regs: { 2: P }, mem: { [`${P + 2n}`]: le(0x8001n, 2) } });
  t.is(a.regs.xs[1], 0xffff_8001n);
  t.is(a.regs.xs[2], P + 2n);
  const b = run(0xb8808441, { far: P, regs: { 2: P }, mem: { [`${P}`]: le(0x8000_0000n, 4) } });
  t.is(b.regs.xs[1], 0xffff_ffff_8000_0000n);
  t.is(b.regs.xs[2], P + 8n);
});

test('register offset: ldr x1, [x2, x3] (0xf8636841), ldrsh x1, [x2, x3, lsl #1] (0x78a37841)', (t) => {
  const a = run(0xf8636841, { far: P + 0x18n, regs: { 2: P, 3: 0x18n }, mem: { [`${P + 0x18n}`]: le(0x0123_4567_89ab_cdefn, 8) } });
  t.is(a.regs.xs[1], 0x0123_4567_89ab_cdefn);
  t.deepEqual(widths(a), [3]);
  const b = run(0x78a37841, { far: P + 4n, regs: { 2: P, 3: 2n }, mem: { [`${P + 4n}`]: le(0xfffen, 2) } });
  t.is(b.regs.xs[1], ONES64 - 1n);
});

test('unscaled: ldur x1, [x2, #-8], ldursb w1, [x2, #-1], ldursw x1, [x2, #-4]', (t) => {
  t.is(run(0xf85f8041, { far: P, regs: { 2: P + 8n }, mem: { [`${P}`]: le(0x1122_3344_5566_7788n, 8) } }).regs.xs[1], 0x1122_3344_5566_7788n);
  t.is(run(0x38dff041, { far: P + 7n, regs: { 2: P + 8n }, mem: { [`${P + 7n}`]: [0xff] } }).regs.xs[1], 0xffff_ffffn);
  t.is(run(0xb89fc041, { far: P + 4n, regs: { 2: P + 8n }, mem: { [`${P + 4n}`]: le(0xffff_fffen, 4) } }).regs.xs[1], ONES64 - 1n);
});

test('ldar w1 / ldarb / ldarh (0x88dffc41 / 0x08dffc41 / 0x48dffc41)', (t) => {
  const mem = { [`${P}`]: le(0x8899_aabbn, 4) };
  t.is(run(0x88dffc41, { far: P, regs: { 2: P }, mem }).regs.xs[1], 0x8899_aabbn);
  t.is(run(0x08dffc41, { far: P, regs: { 2: P }, mem }).regs.xs[1], 0xbbn);
  t.is(run(0x48dffc41, { far: P, regs: { 2: P }, mem }).regs.xs[1], 0xaabbn);
});

// ---- pair loads ----------------------------------------------------------------------------

test('ldp w1, w2, [x3, #8] (0x29410861) and ldnp w1, w2, [x3] (0x28400861): one 8-byte op, Wt low word, Wt2 high word', (t) => {
  const mem = { [`${P + 8n}`]: le(0x1122_3344_5566_7788n, 8), [`${P}`]: le(0x1122_3344_5566_7788n, 8) };
  const a = run(0x29410861, { far: P + 8n, regs: { 3: P }, mem });
  t.deepEqual(widths(a), [3]);
  t.is(a.regs.xs[1], 0x5566_7788n);
  t.is(a.regs.xs[2], 0x1122_3344n);
  const b = run(0x28400861, { far: P, regs: { 3: P }, mem });
  t.is(b.regs.xs[2], 0x1122_3344n);
});

test('ldp x1, x2: signed offset (0xa9410861), pre (0xa9c10861), post (0xa8c10861)', (t) => {
  const mem = { [`${P}`]: [...le(0xaaaan, 8), ...le(0xbbbbn, 8), ...le(0xccccn, 8), ...le(0xddddn, 8)] };
  const off = run(0xa9410861, { far: P + 16n, regs: { 3: P }, mem });
  t.deepEqual([off.regs.xs[1], off.regs.xs[2], off.regs.xs[3]], [0xccccn, 0xddddn, P]);
  t.deepEqual(widths(off), [4]);
  const pre = run(0xa9c10861, { far: P + 16n, regs: { 3: P }, mem });
  t.deepEqual([pre.regs.xs[1], pre.regs.xs[2], pre.regs.xs[3]], [0xccccn, 0xddddn, P + 16n]);
  const post = run(0xa8c10861, { far: P, regs: { 3: P }, mem });
  t.deepEqual([post.regs.xs[1], post.regs.xs[2], post.regs.xs[3]], [0xaaaan, 0xbbbbn, P + 16n]);
});

test('ldp q1, q2, [x3, #32] (0xad410861): 32 bytes as one width-5 op; Qt bytes 0–15, Qt2 16–31', (t) => {
  const bytes = Array.from({ length: 32 }, (_, i) => i + 1);
  const r = run(0xad410861, { far: P + 32n, regs: { 3: P }, mem: { [`${P + 32n}`]: bytes } });
  t.deepEqual(widths(r), [5]);
  t.is(r.regs.qs[1], 0x100f0e0d0c0b0a090807060504030201n);
  t.is(r.regs.qs[2], 0x201f1e1d1c1b1a191817161514131211n);
});

// ---- SIMD&FP loads ------------------------------------------------------------------------

test('ldr d1, [x2, #8] (0xfd400441): VA = Xn + imm12 << 3; the upper 64 bits of V1 are cleared', (t) => {
  const r = run(0xfd400441, { far: P + 8n, regs: { 2: P }, q: { 1: (1n << 128n) - 1n }, mem: { [`${P + 8n}`]: le(0x0102_0304_0506_0708n, 8) } });
  t.is(r.regs.qs[1], 0x0102_0304_0506_0708n);
});

test('ldr q1, [x2, #16] (0x3dc00441), ldur s1, [x2, #-4] (0xbc5fc041), ldur q1, [x2, #-16] (0x3cdf0041)', (t) => {
  const q = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100n;
  t.is(run(0x3dc00441, { far: P + 16n, regs: { 2: P }, mem: { [`${P + 16n}`]: le(q, 16) } }).regs.qs[1], q);
  t.is(run(0xbc5fc041, { far: P + 4n, regs: { 2: P + 8n }, q: { 1: ONES64 << 64n }, mem: { [`${P + 4n}`]: le(0x3f80_0000n, 4) } }).regs.qs[1], 0x3f80_0000n);
  t.is(run(0x3cdf0041, { far: P + 16n, regs: { 2: P + 32n }, mem: { [`${P + 16n}`]: le(q, 16) } }).regs.qs[1], q);
});

test('ldr b1, [x2], #1 (0x3c401441) and ldr q1, [x2, #16]! (0x3cc10c41): SIMD writeback', (t) => {
  const a = run(0x3c401441, { far: P + 3n, regs: { 2: P + 3n }, mem: { [`${P + 3n}`]: [0x7f] } });
  t.is(a.regs.qs[1], 0x7fn);
  t.is(a.regs.xs[2], P + 4n);
  const b = run(0x3cc10c41, { far: P + 16n, regs: { 2: P }, mem: { [`${P + 16n}`]: le(5n, 16) } });
  t.is(b.regs.qs[1], 5n);
  t.is(b.regs.xs[2], P + 16n);
});

test('register SIMD: ldr h1, [x2, x3] (0x7c636841), ldr q1, [x2, x3] (0x3ce36841)', (t) => {
  t.is(run(0x7c636841, { far: P + 6n, regs: { 2: P, 3: 6n }, mem: { [`${P + 6n}`]: le(0x1234n, 2) } }).regs.qs[1], 0x1234n);
  const q = run(0x3ce36841, { far: P + 0x20n, regs: { 2: P, 3: 0x20n }, mem: { [`${P + 0x20n}`]: le(ONES64 << 8n, 16) } });
  t.is(q.regs.qs[1], ONES64 << 8n);
  t.deepEqual(widths(q), [4]);
});

test('ld1 { v1.d }[1], [x2] (0x4d408441): lane 1 replaced, lane 0 kept', (t) => {
  const r = run(0x4d408441, { far: P, regs: { 2: P }, q: { 1: 0xaaaa_aaaa_aaaa_aaaan }, mem: { [`${P}`]: le(0x1234_5678_9abc_def0n, 8) } });
  t.is(r.regs.qs[1], (0x1234_5678_9abc_def0n << 64n) | 0xaaaa_aaaa_aaaa_aaaan);
});

// ---- stores -------------------------------------------------------------------------------

test('str w1, [x2] (0xb9000041): low 32 bits of X1, one width-2 write op', (t) => {
  const r = run(0xb9000041, { write: true, far: P, regs: { 1: 0xffff_ffff_1234_5678n, 2: P } });
  t.like(r.outcome, { kind: 'emulated', width: 2 });
  t.deepEqual(bytesAt(r.mem, P, 5), [0x78, 0x56, 0x34, 0x12, -1]);
  t.true(r.ops[0]!.write);
});

test('strb w1, [x2, #1]! (0x38001c41) and strh w1, [x2], #2 (0x78002441): writeback', (t) => {
  const a = run(0x38001c41, { write: true, far: P + 1n, regs: { 1: 0x1ffn, 2: P } });
  t.deepEqual(bytesAt(a.mem, P + 1n, 2), [0xff, -1]);
  t.is(a.regs.xs[2], P + 1n);
  const b = run(0x78002441, { write: true, far: P, regs: { 1: 0xabcdefn, 2: P } });
  t.deepEqual(bytesAt(b.mem, P, 2), [0xef, 0xcd]);
  t.is(b.regs.xs[2], P + 2n);
});

test('str x1, [x2, x3] (0xf8236841), stur x1, [x2, #-8] (0xf81f8041), stlr w1, [x2] (0x889ffc41), str wzr (0xb900005f)', (t) => {
  t.deepEqual(bytesAt(run(0xf8236841, { write: true, far: P + 8n, regs: { 1: 0x0102_0304_0506_0708n, 2: P, 3: 8n } }).mem, P + 8n, 8), le(0x0102_0304_0506_0708n, 8));
  t.deepEqual(bytesAt(run(0xf81f8041, { write: true, far: P, regs: { 1: 9n, 2: P + 8n } }).mem, P, 8), le(9n, 8));
  t.deepEqual(bytesAt(run(0x889ffc41, { write: true, far: P, regs: { 1: 0xdead_beef_cafe_f00dn, 2: P } }).mem, P, 4), le(0xcafe_f00dn, 4));
  t.deepEqual(bytesAt(run(0xb900005f, { write: true, far: P, regs: { 2: P } }).mem, P, 4), [0, 0, 0, 0]);
});

test('stp w1, w2, [x3, #8] (0x29010861): data = Wt | Wt2 << 32 as one 8-byte op', (t) => {
  const r = run(0x29010861, { write: true, far: P + 8n, regs: { 1: 0xaaaa_aaaa_1111_1111n, 2: 0xbbbb_bbbb_2222_2222n, 3: P } });
  t.deepEqual(widths(r), [3]);
  t.deepEqual(bytesAt(r.mem, P + 8n, 8), le(0x2222_2222_1111_1111n, 8));
});

test('stp x1, x2: offset (0xa93f0861), pre (0xa9810861), post (0xa8810861)', (t) => {
  const regs = { 1: 0x11n, 2: 0x22n };
  const off = run(0xa93f0861, { write: true, far: P, regs: { ...regs, 3: P + 16n } });
  t.deepEqual(bytesAt(off.mem, P, 16), [...le(0x11n, 8), ...le(0x22n, 8)]);
  t.deepEqual(widths(off), [4]);
  const pre = run(0xa9810861, { write: true, far: P + 16n, regs: { ...regs, 3: P } });
  t.deepEqual(bytesAt(pre.mem, P + 16n, 16), [...le(0x11n, 8), ...le(0x22n, 8)]);
  t.is(pre.regs.xs[3], P + 16n);
  const post = run(0xa8810861, { write: true, far: P, regs: { ...regs, 3: P } });
  t.deepEqual(bytesAt(post.mem, P, 8), le(0x11n, 8));
  t.is(post.regs.xs[3], P + 16n);
});

test('SIMD stores: str d1, [x2, #8] (0xfd000441), str s1, [x2, x3] (0xbc236841), str q1 [x2, x3] (0x3ca36841) / [x2, #16] (0x3d800441)', (t) => {
  const q = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100n;
  t.deepEqual(bytesAt(run(0xfd000441, { write: true, far: P + 8n, regs: { 2: P }, q: { 1: q } }).mem, P + 8n, 9), [...le(q, 8), -1]);
  t.deepEqual(bytesAt(run(0xbc236841, { write: true, far: P + 4n, regs: { 2: P, 3: 4n }, q: { 1: q } }).mem, P + 4n, 5), [0, 1, 2, 3, -1]);
  t.deepEqual(bytesAt(run(0x3ca36841, { write: true, far: P + 16n, regs: { 2: P, 3: 16n }, q: { 1: q } }).mem, P + 16n, 16), le(q, 16));
  t.deepEqual(bytesAt(run(0x3d800441, { write: true, far: P + 16n, regs: { 2: P }, q: { 1: q } }).mem, P + 16n, 16), le(q, 16));
});

test('stur s1 (0xbc004041), stur d1 (0xfc008041), stur q1 (0x3c9f0041)', (t) => {
  const q = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100n;
  t.deepEqual(widths(run(0xbc004041, { write: true, far: P + 4n, regs: { 2: P }, q: { 1: q } })), [2]);
  t.deepEqual(widths(run(0xfc008041, { write: true, far: P + 8n, regs: { 2: P }, q: { 1: q } })), [3]);
  const r = run(0x3c9f0041, { write: true, far: P, regs: { 2: P + 16n }, q: { 1: q } });
  t.deepEqual(bytesAt(r.mem, P, 16), le(q, 16));
});

test('str s1, [x2, #4]! (0xbc004c41) is emulated as STUR: the store happens, the base is NOT written back (m1n1, §15 #38)', (t) => {
  const r = run(0xbc004c41, { write: true, far: P + 4n, regs: { 2: P }, q: { 1: 0x4142_4344n } });
  t.like(r.outcome, { kind: 'emulated' });
  t.deepEqual(bytesAt(r.mem, P + 4n, 4), [0x44, 0x43, 0x42, 0x41]);
  t.is(r.regs.xs[2], P);
});

test('stp s1, s2, [x3, #8] (0x2d010861) and stp q1, q2, [x3, #32] (0xad010861)', (t) => {
  const s = run(0x2d010861, { write: true, far: P + 8n, regs: { 3: P }, q: { 1: ONES64 << 32n | 0x1111_1111n, 2: 0x2222_2222n } });
  t.deepEqual(bytesAt(s.mem, P + 8n, 8), le(0x2222_2222_1111_1111n, 8));
  const q = run(0xad010861, { write: true, far: P + 32n, regs: { 3: P }, q: { 1: 1n, 2: 2n } });
  t.deepEqual(widths(q), [5]);
  t.deepEqual(bytesAt(q.mem, P + 32n, 32), [...le(1n, 16), ...le(2n, 16)]);
});

test('dc zva, x1 (0xd50b7421): 64 zero bytes at Xt as one width-6 op', (t) => {
  const r = run(0xd50b7421, { write: true, far: P + 0x40n, regs: { 1: P + 0x40n }, mem: { [`${P + 0x40n}`]: new Array<number>(64).fill(0xee) } });
  t.deepEqual(widths(r), [6]);
  t.deepEqual(bytesAt(r.mem, P + 0x40n, 64), new Array<number>(64).fill(0));
});

// ---- chunking and straddling --------------------------------------------------------------

test('a 16-byte store at an 8-aligned address is two naturally aligned width-3 ops; 32 bytes at 16 mod 32 is two width-4 ops', (t) => {
  const a = run(0x3d800441, { write: true, far: P + 8n, regs: { 2: P - 8n }, q: { 1: 1n } });
  t.deepEqual(widths(a), [3, 3]);
  t.deepEqual(a.ops.map((o) => o.ipa), [P + 8n, P + 16n]);
  const b = run(0xad010861, { write: true, far: P + 16n, regs: { 3: P - 16n }, q: { 1: 1n, 2: 2n } });
  t.deepEqual(widths(b), [4, 4]);
});

test('MAP target advances per chunk; hook descriptors keep theirs', (t) => {
  const ops: AlignedOp[] = [];
  const base: Omit<DataAbortInput, 'walk'> = {
    esr: ESR_WRITE,
    far: P + 8n,
    elr: 0n,
    regs: Object.assign(new Regs(), { xs: Object.assign(new Array<bigint>(31).fill(0n), { 2: P - 8n }) }),
    ipaBits: 40,
    translate: (va) => ({ ipa: va, par: 0n }),
    fetch: () => 0x3d800441, // str q1, [x2, #16]
  };
  emulateDataAbortSync({ ...base, walk: (ipa) => 0x9_0000_0000n + (ipa & 0x3ffcn) }, (op) => (ops.push(op), true));
  t.deepEqual(ops.map((o) => o.pte), [0x9_0000_0008n, 0x9_0000_0010n]);
  ops.length = 0;
  const hook = 0x0010_0000_0000_0014n;
  emulateDataAbortSync({ ...base, walk: () => hook }, (op) => (ops.push(op), true));
  t.deepEqual(ops.map((o) => o.pte), [hook, hook]);
});

function straddle(far: bigint) {
  const ops: AlignedOp[] = [];
  const regs = new Regs();
  regs.xs[3] = P + 0x3ffcn; // ldnp w1, w2, [x3]: 8 bytes across the page end, VA computed from X3
  const upperPte = 0x0010_0000_0000_0008n; // a proxy hook on the next page
  const outcome = emulateDataAbortSync(
    {
      esr: ESR_READ,
      far,
      elr: 0n,
      regs,
      ipaBits: 40,
      translate: (va) => ({ ipa: va, par: 0n }),
      walk: (ipa) => (ipa >= P + 0x4000n ? upperPte : ipa & ~3n),
      fetch: () => 0x28400861,
    },
    (op) => {
      ops.push(op);
      op.data.set(op.ipa < P + 0x4000n ? [1, 2, 3, 4] : [5, 6, 7, 8]);
      return true;
    },
  );
  return { ops, regs, outcome, upperPte };
}

test('a load straddling the page end is two halves with their own descriptors (fault in the lower page)', (t) => {
  const { ops, regs, outcome, upperPte } = straddle(P + 0x3ffcn);
  t.like(outcome, { kind: 'emulated', straddled: true });
  t.deepEqual(ops.map((o) => [o.ipa, o.width]), [[P + 0x3ffcn, 2], [P + 0x4000n, 2]]);
  t.is(ops[1]!.pte, upperPte);
  t.deepEqual([regs.xs[1], regs.xs[2]], [0x0403_0201n, 0x0807_0605n]);
});

test('the same straddle faulting at the upper page start: lower half first, via the translated other page', (t) => {
  const { ops, regs, outcome, upperPte } = straddle(P + 0x4000n);
  t.like(outcome, { kind: 'emulated', straddled: true });
  // FAR's page (upper) is the walk of the faulting IPA; the lower half is translated separately.
  t.deepEqual(ops.map((o) => o.ipa), [P + 0x3ffcn, P + 0x4000n]);
  t.is(ops[1]!.pte, upperPte);
  t.deepEqual([regs.xs[1], regs.xs[2]], [0x0403_0201n, 0x0807_0605n]);
});

test('straddle with FAR neither at the access start nor at the second page: forwarded', (t) => {
  t.like(straddle(P + 0x3ffen).outcome, { kind: 'forward', reason: 'va-mismatch' });
});

// ---- what is forwarded --------------------------------------------------------------------

const NOT_EMULATED: Array<[string, number, boolean]> = [
  ['ldadd w1, w2, [x3]', 0xb8210062, false],
  ['ldadda w1, w2, [x3]', 0xb8a10062, false],
  ['ldxr w1, [x2]', 0x885f7c41, false],
  ['ldapr w1, [x2]', 0xb8bfc041, false],
  ['ldpsw x1, x2, [x3]', 0x69400861, false],
  ['ldr x1, [sp, #8]! (Rn = 31 with writeback)', 0xf8408fe1, false],
  ['stp x29, x30, [sp, #-16]! (Rn = 31)', 0xa9bf7bfd, true],
  ['ldtr x1, [x2]', 0xf8400841, false],
  ['ldp d1, d2, [x3]', 0x6d400861, false],
  ['str b1, [x2], #1', 0x3c001441, true],
  ['ld1 { v1.s }[1], [x2]', 0x0d409041, false],
  ['stnp q1, q2, [x3]', 0xac000861, true],
  ['ldp w1, w2, [x3, #8]!', 0x29c10861, false],
  ['ldr x1, [x2] reported as a write (WnR = 1)', 0xf9400041, true],
  ['str x1, [x2] reported as a read', 0xf9000041, false],
];

for (const [name, word, write] of NOT_EMULATED) {
  test(`not emulated, forwarded untouched: ${name}`, (t) => {
    const r = run(word, { write, far: P, regs: { 1: 1n, 2: P, 3: P } });
    t.deepEqual(r.outcome, { kind: 'forward', reason: 'not-emulated', partial: false });
    t.is(r.ops.length, 0);
    t.deepEqual(r.regs.xs.slice(0, 4), [0n, 1n, P, P]);
  });
}

test('stp x1, x2, [sp, #16] (0xa9010be1): x31 reads as m1n1\'s zeroed scratch, so VA ≠ FAR → forwarded', (t) => {
  t.deepEqual(run(0xa9010be1, { write: true, far: P + 16n }).outcome, { kind: 'forward', reason: 'va-mismatch', partial: false });
});

test('a store\'s writeback happens in pass 1 even when the emulation then fails (§15 #37)', (t) => {
  // strb w1, [x2, #-1]! with FAR not the computed address… FAR-based forms cannot mismatch, so make the op fail instead.
  const r = run(0x381ffc41, { write: true, far: P, regs: { 2: P + 1n }, fail: true });
  t.deepEqual(r.outcome, { kind: 'forward', reason: 'access-failed', partial: true });
  t.is(r.regs.xs[2], P);
});

test('a failed read leaves the destination untouched', (t) => {
  const r = run(0xa9c10861, { far: P + 16n, regs: { 1: 7n, 3: P }, fail: true });
  t.like(r.outcome, { kind: 'forward', reason: 'access-failed' });
  t.is(r.regs.xs[1], 7n);
  t.is(r.regs.xs[3], P);
});

test('steps 1–3: no stage-1 translation, IPA beyond the width, unmapped, hardware (retry), fetch failure', (t) => {
  const regs = new Regs();
  const base: DataAbortInput = { esr: ESR_READ, far: P, elr: 0n, regs, ipaBits: 36, translate: (va) => ({ ipa: va, par: 0n }), walk: () => 0x10n, fetch: () => 0xb9400041 };
  const never = () => false;
  t.like(emulateDataAbortSync({ ...base, translate: () => undefined }, never), { kind: 'forward', reason: 'translation-failed' });
  t.like(emulateDataAbortSync({ ...base, far: 1n << 36n }, never), { kind: 'forward', reason: 'ipa-out-of-range' });
  t.like(emulateDataAbortSync({ ...base, walk: () => 0n }, never), { kind: 'forward', reason: 'unmapped' });
  t.deepEqual(emulateDataAbortSync({ ...base, walk: () => P | 3n }, never), { kind: 'retry' });
  t.like(emulateDataAbortSync({ ...base, fetch: () => undefined }, never), { kind: 'forward', reason: 'fetch-failed' });
});

test('the async driver awaits a runner promise (a HOOK_VM session) and applies its data', async (t) => {
  const regs = new Regs();
  regs.xs[2] = P;
  const outcome = await emulateDataAbort(
    { esr: ESR_READ, far: P, elr: 0n, regs, ipaBits: 40, translate: (va) => ({ ipa: va, par: 0n }), walk: () => 0x0010_0000_0000_0004n, fetch: () => 0xb9400041 },
    async (op) => {
      await new Promise((resolve) => setImmediate(resolve));
      op.data.set([0xef, 0xbe, 0xad, 0xde]);
      return true;
    },
  );
  t.like(outcome, { kind: 'emulated' });
  t.is(regs.xs[1], 0xdead_beefn);
});
