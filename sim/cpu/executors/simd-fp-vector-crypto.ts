// Layer: sim/cpu/executors. Executors for the crypto rows (FEAT_AES, SHA1, SHA256, SHA512, SHA3)
// per the Arm ARM pseudocode (AESShiftRows/AESSubBytes/AESMixColumns as FIPS-197 §5.1,
// SHA1/SHA256hash as FIPS 180-4 §6.1/§6.2, SHA512 as §6.4). Imports sim/cpu and the engine.
import type { Executor, ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Core } from '../core.ts';
import { finish, sb, sv } from './simd-fp-vector-engine.ts';

const prep3 = (p: Predecoded, _w: number, f: Readonly<Record<string, number>> | undefined): void => {
  p.a = f!.Rd! * 16;
  p.b = f!.Rn! * 16;
  p.c = (f!.Rm ?? 0) * 16;
  p.d = (f!.Ra ?? 0) * 16;
  p.imm = f!.imm6 ?? 0;
};

// ---- AES (FIPS-197) ----
const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const xtime = (x: number): number => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
function gmul(a: number, b: number): number {
  let r = 0;
  for (let x = a, y = b; y; y >>= 1, x = xtime(x)) if (y & 1) r ^= x;
  return r;
}
{
  // S-box from the multiplicative inverse in GF(2^8) and the affine map (FIPS-197 §5.1.1).
  for (let i = 0; i < 256; i++) {
    let inv = 0;
    if (i) for (inv = 1; gmul(i, inv) !== 1; inv++);
    let s = inv;
    for (let k = 1; k < 5; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    s ^= 0x63;
    SBOX[i] = s;
    INV_SBOX[s] = i;
  }
}
const MUL2 = new Uint8Array(256);
const MUL3 = new Uint8Array(256);
const MUL9 = new Uint8Array(256);
const MUL11 = new Uint8Array(256);
const MUL13 = new Uint8Array(256);
const MUL14 = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  MUL2[i] = gmul(i, 2);
  MUL3[i] = gmul(i, 3);
  MUL9[i] = gmul(i, 9);
  MUL11[i] = gmul(i, 11);
  MUL13[i] = gmul(i, 13);
  MUL14[i] = gmul(i, 14);
}

function aes(decrypt: boolean): Executor {
  const box = decrypt ? INV_SBOX : SBOX;
  return (core: Core, p: Predecoded) => {
    const vb = core.vb;
    for (let i = 0; i < 16; i++) {
      // Byte i is row i%4, column i/4; ShiftRows takes row r from column c+r (inverse c-r).
      const r = i & 3;
      const src = (decrypt ? i - 4 * r + 16 : i + 4 * r) & 15;
      sb[i] = box[vb[p.a + src]! ^ vb[p.b + src]!]!;
    }
    finish(core, p.a, 16);
  };
}

function mixColumns(inverse: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const vb = core.vb;
    for (let c = 0; c < 16; c += 4) {
      const a0 = vb[p.b + c]!;
      const a1 = vb[p.b + c + 1]!;
      const a2 = vb[p.b + c + 2]!;
      const a3 = vb[p.b + c + 3]!;
      if (!inverse) {
        sb[c] = MUL2[a0]! ^ MUL3[a1]! ^ a2 ^ a3;
        sb[c + 1] = a0 ^ MUL2[a1]! ^ MUL3[a2]! ^ a3;
        sb[c + 2] = a0 ^ a1 ^ MUL2[a2]! ^ MUL3[a3]!;
        sb[c + 3] = MUL3[a0]! ^ a1 ^ a2 ^ MUL2[a3]!;
      } else {
        sb[c] = MUL14[a0]! ^ MUL11[a1]! ^ MUL13[a2]! ^ MUL9[a3]!;
        sb[c + 1] = MUL9[a0]! ^ MUL14[a1]! ^ MUL11[a2]! ^ MUL13[a3]!;
        sb[c + 2] = MUL13[a0]! ^ MUL9[a1]! ^ MUL14[a2]! ^ MUL11[a3]!;
        sb[c + 3] = MUL11[a0]! ^ MUL13[a1]! ^ MUL9[a2]! ^ MUL14[a3]!;
      }
    }
    finish(core, p.a, 16);
  };
}

// ---- SHA-1 / SHA-256 (32-bit words) ----
const rol = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
const ror = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
const W = (core: Core, off: number, i: number): number => core.vi32[(off >> 2) + i]!;
const X = new Int32Array(4);
const Y = new Int32Array(4);

function storeWords(core: Core, a: number, w: Int32Array, n = 16): void {
  for (let i = 0; i < 4; i++) sv.setInt32(i * 4, w[i]!, true);
  finish(core, a, n);
}

function sha1hash(kind: 0 | 1 | 2): Executor {
  return (core: Core, p: Predecoded) => {
    for (let i = 0; i < 4; i++) X[i] = W(core, p.a, i);
    let y = W(core, p.b, 0);
    for (let e = 0; e < 4; e++) {
      const b = X[1]!;
      const c = X[2]!;
      const d = X[3]!;
      const t = kind === 0 ? ((c ^ d) & b) ^ d : kind === 1 ? b ^ c ^ d : (b & c) | ((b | c) & d);
      y = (y + rol(X[0]!, 5) + t + W(core, p.c, e)) | 0;
      X[1] = rol(b, 30);
      const top = X[3]!;
      X[3] = X[2]!;
      X[2] = X[1]!;
      X[1] = X[0]!;
      X[0] = y;
      y = top;
    }
    storeWords(core, p.a, X);
  };
}

const sum0 = (x: number): number => ror(x, 2) ^ ror(x, 13) ^ ror(x, 22);
const sum1 = (x: number): number => ror(x, 6) ^ ror(x, 11) ^ ror(x, 25);

function sha256hash(part1: boolean): Executor {
  return (core: Core, p: Predecoded) => {
    const xo = part1 ? p.a : p.b;
    const yo = part1 ? p.b : p.a;
    for (let i = 0; i < 4; i++) {
      X[i] = W(core, xo, i);
      Y[i] = W(core, yo, i);
    }
    for (let e = 0; e < 4; e++) {
      const chs = (Y[0]! & Y[1]!) ^ (~Y[0]! & Y[2]!);
      const maj = (X[0]! & X[1]!) ^ (X[0]! & X[2]!) ^ (X[1]! & X[2]!);
      const t = (Y[3]! + sum1(Y[0]!) + chs + W(core, p.c, e)) | 0;
      X[3] = (t + X[3]!) | 0;
      Y[3] = (t + sum0(X[0]!) + maj) | 0;
      // ROL(Y:X, 32): the top word of X enters Y, the top word of Y enters X.
      const x3 = X[3]!;
      const y3 = Y[3]!;
      X[3] = X[2]!;
      X[2] = X[1]!;
      X[1] = X[0]!;
      X[0] = y3;
      Y[3] = Y[2]!;
      Y[2] = Y[1]!;
      Y[1] = Y[0]!;
      Y[0] = x3;
    }
    storeWords(core, p.a, part1 ? X : Y);
  };
}

const sha1su0: Executor = (core, p) => {
  const d = (i: number) => W(core, p.a, i);
  const n = (i: number) => W(core, p.b, i);
  const m = (i: number) => W(core, p.c, i);
  X[0] = d(2) ^ d(0) ^ m(0);
  X[1] = d(3) ^ d(1) ^ m(1);
  X[2] = n(0) ^ d(2) ^ m(2);
  X[3] = n(1) ^ d(3) ^ m(3);
  storeWords(core, p.a, X);
};

const sha1su1: Executor = (core, p) => {
  const t0 = W(core, p.a, 0) ^ W(core, p.b, 1);
  const t1 = W(core, p.a, 1) ^ W(core, p.b, 2);
  const t2 = W(core, p.a, 2) ^ W(core, p.b, 3);
  const t3 = W(core, p.a, 3);
  X[0] = rol(t0, 1);
  X[1] = rol(t1, 1);
  X[2] = rol(t2, 1);
  X[3] = rol(t3, 1) ^ rol(t0, 2);
  storeWords(core, p.a, X);
};

const sha1h: Executor = (core, p) => {
  X[0] = rol(W(core, p.b, 0), 30);
  storeWords(core, p.a, X, 4);
};

const sha256su0: Executor = (core, p) => {
  const t = [W(core, p.a, 1), W(core, p.a, 2), W(core, p.a, 3), W(core, p.b, 0)];
  for (let e = 0; e < 4; e++) {
    const x = t[e]!;
    X[e] = ((ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) + W(core, p.a, e)) | 0;
  }
  storeWords(core, p.a, X);
};

const sha256su1: Executor = (core, p) => {
  const t0 = [W(core, p.b, 1), W(core, p.b, 2), W(core, p.b, 3), W(core, p.c, 0)];
  const s1 = (x: number) => ror(x, 17) ^ ror(x, 19) ^ (x >>> 10);
  X[0] = (s1(W(core, p.c, 2)) + W(core, p.a, 0) + t0[0]!) | 0;
  X[1] = (s1(W(core, p.c, 3)) + W(core, p.a, 1) + t0[1]!) | 0;
  X[2] = (s1(X[0]) + W(core, p.a, 2) + t0[2]!) | 0;
  X[3] = (s1(X[1]) + W(core, p.a, 3) + t0[3]!) | 0;
  storeWords(core, p.a, X);
};

// ---- SHA-512 / SHA-3 (64-bit lanes; bigint: these rows are rare) ----
const M64 = (1n << 64n) - 1n;
const D = (core: Core, off: number, i: number): bigint => core.vview.getBigUint64(off + i * 8, true);
const ror64 = (x: bigint, n: number): bigint => ((x >> BigInt(n)) | (x << BigInt(64 - n))) & M64;
const not64 = (x: bigint): bigint => x ^ M64;

function store64(core: Core, a: number, lo: bigint, hi: bigint): void {
  sv.setBigUint64(0, lo & M64, true);
  sv.setBigUint64(8, hi & M64, true);
  finish(core, a, 16);
}

const sha512h: Executor = (core, p) => {
  const [x0, x1, y0, y1, w0, w1] = [D(core, p.b, 0), D(core, p.b, 1), D(core, p.c, 0), D(core, p.c, 1), D(core, p.a, 0), D(core, p.a, 1)];
  let sig = ror64(y1, 14) ^ ror64(y1, 18) ^ ror64(y1, 41);
  const hi = (((y1 & x0) ^ (not64(y1) & x1)) + sig + w1) & M64;
  const tmp = (hi + y0) & M64;
  sig = ror64(tmp, 14) ^ ror64(tmp, 18) ^ ror64(tmp, 41);
  const lo = ((tmp & y1) ^ (not64(tmp) & x0)) + sig + w0;
  store64(core, p.a, lo, hi);
};

const sha512h2: Executor = (core, p) => {
  const [x0, y0, y1, w0, w1] = [D(core, p.b, 0), D(core, p.c, 0), D(core, p.c, 1), D(core, p.a, 0), D(core, p.a, 1)];
  let sig = ror64(y0, 28) ^ ror64(y0, 34) ^ ror64(y0, 39);
  const hi = (((x0 & y1) ^ (x0 & y0) ^ (y1 & y0)) + sig + w1) & M64;
  sig = ror64(hi, 28) ^ ror64(hi, 34) ^ ror64(hi, 39);
  const lo = ((hi & y0) ^ (hi & y1) ^ (y1 & y0)) + sig + w0;
  store64(core, p.a, lo, hi);
};

const sha512su0: Executor = (core, p) => {
  const [d0, d1, n0] = [D(core, p.a, 0), D(core, p.a, 1), D(core, p.b, 0)];
  const lo = d0 + (ror64(d1, 1) ^ ror64(d1, 8) ^ (d1 >> 7n));
  const hi = d1 + (ror64(n0, 1) ^ ror64(n0, 8) ^ (n0 >> 7n));
  store64(core, p.a, lo, hi);
};

const sha512su1: Executor = (core, p) => {
  const s1 = (x: bigint) => ror64(x, 19) ^ ror64(x, 61) ^ (x >> 6n);
  const hi = D(core, p.a, 1) + s1(D(core, p.b, 1)) + D(core, p.c, 1);
  const lo = D(core, p.a, 0) + s1(D(core, p.b, 0)) + D(core, p.c, 0);
  store64(core, p.a, lo, hi);
};

const rax1: Executor = (core, p) => {
  const r = (i: number) => D(core, p.b, i) ^ ror64(D(core, p.c, i), 63);
  store64(core, p.a, r(0), r(1));
};

const xar: Executor = (core, p) => {
  const r = (i: number) => (p.imm ? ror64(D(core, p.b, i) ^ D(core, p.c, i), p.imm) : D(core, p.b, i) ^ D(core, p.c, i));
  store64(core, p.a, r(0), r(1));
};

function threeWay(op: (n: number, m: number, a: number) => number): Executor {
  return (core: Core, p: Predecoded) => {
    for (let i = 0; i < 4; i++) X[i] = op(W(core, p.b, i), W(core, p.c, i), W(core, p.d, i));
    storeWords(core, p.a, X);
  };
}

export const SIMD_CRYPTO_EXECUTORS: readonly ExecutorDef[] = [
  { id: 'AESE', prepare: prep3, exec: aes(false) },
  { id: 'AESD', prepare: prep3, exec: aes(true) },
  { id: 'AESMC', prepare: prep3, exec: mixColumns(false) },
  { id: 'AESIMC', prepare: prep3, exec: mixColumns(true) },
  { id: 'SHA1C', prepare: prep3, exec: sha1hash(0) },
  { id: 'SHA1P', prepare: prep3, exec: sha1hash(1) },
  { id: 'SHA1M', prepare: prep3, exec: sha1hash(2) },
  { id: 'SHA1SU0', prepare: prep3, exec: sha1su0 },
  { id: 'SHA1SU1', prepare: prep3, exec: sha1su1 },
  { id: 'SHA1H', prepare: prep3, exec: sha1h },
  { id: 'SHA256H', prepare: prep3, exec: sha256hash(true) },
  { id: 'SHA256H2', prepare: prep3, exec: sha256hash(false) },
  { id: 'SHA256SU0', prepare: prep3, exec: sha256su0 },
  { id: 'SHA256SU1', prepare: prep3, exec: sha256su1 },
  { id: 'SHA512H', prepare: prep3, exec: sha512h },
  { id: 'SHA512H2', prepare: prep3, exec: sha512h2 },
  { id: 'SHA512SU0', prepare: prep3, exec: sha512su0 },
  { id: 'SHA512SU1', prepare: prep3, exec: sha512su1 },
  { id: 'RAX1', prepare: prep3, exec: rax1 },
  { id: 'XAR', prepare: prep3, exec: xar },
  { id: 'EOR3', prepare: prep3, exec: threeWay((n, m, a) => n ^ m ^ a) },
  { id: 'BCAX', prepare: prep3, exec: threeWay((n, m, a) => n ^ (m & ~a)) },
];
