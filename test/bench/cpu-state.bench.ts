// The register representation of sim/cpu/state.ts against the alternatives: a bare 64-bit add
// (where V8 lowers BigUint64Array arithmetic well) and a typical executor mix (flags, the value
// as an address number, variable shifts — where BigInt conversions dominate). Plus the
// bootstrap machine's loop speed (ADD/B through the predecoded page cache) and TLB-hit loads.
import { CpuState } from '../../sim/cpu/state.ts';
import { bestRate, fmt } from './measure.ts';
import { machine, put, CODE, RAM_BASE, enter } from '../cpu/helpers.ts';

const N = 5_000_000;
const TWO32 = 4294967296;

export function benchCpuState(): string[] {
  const s = new CpuState();
  const x = s.x;
  x[2] = 0x7fffffff;
  x[4] = 3;
  const pairs = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const a = (i & 7) * 2;
      const lo = (x[a]! >>> 0) + (x[4]! >>> 0);
      x[a + 1] = (x[a + 1]! + x[5]! + (lo >= TWO32 ? 1 : 0)) | 0;
      x[a] = lo | 0;
    }
    return N;
  });
  const big = new BigUint64Array(32);
  big[4] = 3n;
  const bigints = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const a = i & 7;
      big[a] = big[a]! + big[4]!;
    }
    return N;
  });
  const arr: bigint[] = new Array<bigint>(32).fill(0n);
  arr[4] = 3n;
  const bigArray = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const a = i & 7;
      arr[a] = BigInt.asUintN(64, arr[a]! + arr[4]!);
    }
    return N;
  });

  // A more typical executor mix: SUBS with NZCV, the result as a load address, a variable LSL.
  let n = 0;
  let z = 0;
  let c = 0;
  let v = 0;
  let addrSink = 0;
  x.fill(0);
  x[4] = 3;
  const mixedPairs = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const a = (i & 3) * 2 + 8;
      const alo = x[a]!;
      const ahi = x[a + 1]!;
      const blo = x[4]!;
      const bhi = x[5]!;
      const diff = (alo >>> 0) - (blo >>> 0);
      const hi = (ahi - bhi - (diff < 0 ? 1 : 0)) | 0;
      const lo = diff | 0;
      n = hi >>> 31;
      z = lo === 0 && hi === 0 ? 1 : 0;
      c = ahi >>> 0 > bhi >>> 0 || (ahi === bhi && alo >>> 0 >= blo >>> 0) ? 1 : 0;
      v = ((ahi ^ bhi) & (ahi ^ hi)) >>> 31;
      x[a] = lo;
      x[a + 1] = hi;
      addrSink += hi * TWO32 + (lo >>> 0) + 8;
      const sh = i & 63;
      const slo = x[12]!;
      const shi = x[13]!;
      if (sh !== 0 && sh < 32) {
        x[13] = (shi << sh) | (slo >>> (32 - sh));
        x[12] = slo << sh;
      } else if (sh >= 32) {
        x[13] = slo << (sh - 32);
        x[12] = 0;
      }
    }
    return N;
  });
  big.fill(0n);
  big[2] = 3n;
  big[6] = 1n;
  const mixedBig = bestRate(5, () => {
    for (let i = 0; i < N; i++) {
      const a = (i & 3) + 8;
      const av = big[a]!;
      const bv = big[2]!;
      const r = BigInt.asUintN(64, av - bv);
      n = Number(r >> 63n);
      z = r === 0n ? 1 : 0;
      c = av >= bv ? 1 : 0;
      v = Number((((av ^ bv) & (av ^ r)) >> 63n) & 1n);
      big[a] = r;
      addrSink += Number(BigInt.asIntN(64, r)) + 8;
      big[6] = big[6]! << BigInt(i & 63);
    }
    return N;
  });
  void [n, z, c, v, addrSink];

  // Bootstrap loop: ADD X0, X0, #1 ×1023 then B back (EL1, MMU off), through Core.run.
  const m = machine();
  const words: number[] = [];
  for (let i = 0; i < 1023; i++) words.push(0x91000400);
  words.push(0x17fffc01); // B −1023 instructions
  put(m.ram, CODE, words);
  enter(m.core, 1, CODE);
  const mips = bestRate(5, () => m.core.run(20_000_000)) / 1e6;

  enter(m.core, 1, CODE);
  let sink = 0;
  const loads = bestRate(5, () => {
    for (let i = 0; i < N; i++) sink ^= m.core.read32(RAM_BASE + ((i & 1023) << 2));
    return N;
  });
  void sink;
  return [
    `64-bit add, Int32Array lo/hi pairs     ${fmt(pairs / 1e6, 1).padStart(8)} M/s`,
    `64-bit add, BigUint64Array             ${fmt(bigints / 1e6, 1).padStart(8)} M/s`,
    `64-bit add, bigint[] + asUintN         ${fmt(bigArray / 1e6, 1).padStart(8)} M/s`,
    `SUBS+NZCV+address+LSL, Int32 pairs     ${fmt(mixedPairs / 1e6, 1).padStart(8)} M/s`,
    `SUBS+NZCV+address+LSL, BigUint64Array  ${fmt(mixedBig / 1e6, 1).padStart(8)} M/s`,
    `bootstrap ADD/B loop via Core.run      ${fmt(mips, 1).padStart(8)} MIPS`,
    `read32 TLB hit (MMU off, RAM)          ${fmt(loads / 1e6, 1).padStart(8)} M/s`,
  ];
}
