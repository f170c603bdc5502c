// Generator of the QEMU differential fixtures for the Advanced SIMD arithmetic executors:
// test/fixtures/a64/simd-{int,fp,crypto}.S. Run `npx tsx test/cpu/exec-simd-gen.ts` to
// regenerate them (deterministic). Each fixture loads v0–v31 from a data table of mixed lane
// values (integer edge values, FP zeros/denormals/infinities/NaNs/normals), then runs random
// encodings of every row of its class (`.inst`, so the assembler's feature flags do not
// matter), each preceded by `msr fpsr, xzr` so that every instruction's FPSR effect is
// visible; every few instructions the registers are reloaded from another part of the table
// (and, for FP, FPCR changes: rounding modes, FZ, DN, FZ16). Ends with exit(0).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decoder } from '../../core/arch/a64/decoder.ts';
import { SIMD_FP_VECTOR } from '../../core/arch/a64/tables/simd-fp-vector.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/a64/', import.meta.url));

let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
const pick = <T>(xs: readonly T[]): T => xs[rand() % xs.length]!;

export type FixtureClass = 'int' | 'fp' | 'crypto';
const CRYPTO = /^(AES|SHA\d|RAX1|EOR3|BCAX|XAR)/;
/** Which fixture a row belongs to (FP: names starting with F, and the int↔FP conversions). */
export function classOf(id: string): FixtureClass {
  if (CRYPTO.test(id)) return 'crypto';
  if (/^F|^[SU]CVTF/.test(id)) return 'fp';
  return 'int';
}

const BLOCKS = 12; // register sets in the data table
const RELOAD_EVERY = 12;
const PER_ROW: Record<FixtureClass, number> = { int: 6, fp: 8, crypto: 12 };
const FPCRS = [0, 0, 0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, 1 << 19, (1 << 24) | (1 << 25), (1 << 19) | (2 << 22)];

function lanesFor(kind: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  switch (kind) {
    case 0: // random bytes
      for (let i = 0; i < 16; i++) out[i] = rand() & 0xff;
      break;
    case 1: // integer edges, per lane size
    {
      const size = rand() % 4;
      const n = 16 >> size;
      for (let i = 0; i < n; i++) {
        const bits = 8 << size;
        const choice = rand() % 7;
        const big = [0n, 1n, (1n << BigInt(bits - 1)) - 1n, 1n << BigInt(bits - 1), (1n << BigInt(bits)) - 1n, BigInt(rand() % 16), (BigInt(rand()) << 32n) | BigInt(rand())][choice]!;
        const v = BigInt.asUintN(bits, big);
        for (let k = 0; k < 1 << size; k++) out[i * (1 << size) + k] = Number((v >> BigInt(8 * k)) & 0xffn);
      }
      break;
    }
    case 2: // single floats
      for (let i = 0; i < 4; i++) view.setUint32(i * 4, fpBits(32), true);
      break;
    case 3: // double floats
      for (let i = 0; i < 2; i++) view.setBigUint64(i * 8, fpBits64(), true);
      break;
    default: // half floats
      for (let i = 0; i < 8; i++) view.setUint16(i * 2, fpBits(16), true);
  }
  return out;
}

function fpBits(width: 16 | 32): number {
  const [eb, fb] = width === 16 ? [5, 10] : [8, 23];
  const sign = rand() & 1;
  const emax = (1 << eb) - 1;
  const bias = emax >> 1;
  const frac = () => (width === 16 ? rand() & 0x3ff : rand() & 0x7fffff);
  let e: number;
  let f: number;
  switch (rand() % 10) {
    case 0:
      [e, f] = [0, 0];
      break;
    case 1:
      [e, f] = [0, frac() || 1];
      break;
    case 2:
      [e, f] = [emax, 0];
      break;
    case 3:
      [e, f] = [emax, (1 << (fb - 1)) | frac()]; // quiet NaN
      break;
    case 4:
      [e, f] = [emax, (frac() & ((1 << (fb - 1)) - 1)) || 1]; // signalling NaN
      break;
    case 5: // near the top / bottom of the range
      [e, f] = [pick([1, 2, emax - 1, emax - 2]), frac()];
      break;
    case 6: // small integers and halves
      [e, f] = [bias + (rand() % 6), frac() & ~((1 << (fb - 3)) - 1)];
      break;
    default:
      [e, f] = [bias - 8 + (rand() % 16), frac()];
  }
  return ((sign << (width - 1)) | (e << fb) | f) >>> 0;
}

function fpBits64(): bigint {
  const sign = BigInt(rand() & 1);
  const frac = () => ((BigInt(rand()) << 20n) ^ BigInt(rand())) & ((1n << 52n) - 1n);
  let e: bigint;
  let f: bigint;
  switch (rand() % 10) {
    case 0:
      [e, f] = [0n, 0n];
      break;
    case 1:
      [e, f] = [0n, frac() || 1n];
      break;
    case 2:
      [e, f] = [2047n, 0n];
      break;
    case 3:
      [e, f] = [2047n, (1n << 51n) | frac()];
      break;
    case 4:
      [e, f] = [2047n, frac() & ((1n << 51n) - 1n) || 1n];
      break;
    case 5:
      [e, f] = [BigInt(pick([1, 2, 2046, 2045])), frac()];
      break;
    case 6:
      [e, f] = [1023n + BigInt(rand() % 6), frac() & ~((1n << 49n) - 1n)];
      break;
    default:
      [e, f] = [1015n + BigInt(rand() % 16), frac()];
  }
  return (sign << 63n) | (e << 52n) | f;
}

function words(id: string, n: number, decoder: Decoder): number[] {
  const spec = decoder.spec(id)!;
  const { mask, value } = spec.compiled;
  const out: number[] = [];
  for (let tries = 0; out.length < n && tries < 2000; tries++) {
    const w = (value | (rand() & ~mask)) >>> 0;
    if (decoder.decode(w)?.spec.id === id) out.push(w);
  }
  if (out.length === 0) throw new Error(`no encoding found for ${id}`);
  return out;
}

export function generate(cls: FixtureClass, scale = 1): string {
  const decoder = new Decoder();
  const ids = SIMD_FP_VECTOR.map((r) => r.id).filter((id) => classOf(id) === cls);
  const list: Array<[number, string]> = [];
  for (const id of ids) for (const w of words(id, PER_ROW[cls] * scale, decoder)) list.push([w, id]);
  // Shuffle so that each reload block mixes rows.
  for (let i = list.length - 1; i > 0; i--) {
    const j = rand() % (i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const lines = [
    `// GENERATED by test/cpu/exec-simd-gen.ts — Advanced SIMD ${cls} rows for the QEMU differential test.`,
    '// Every instruction is preceded by `msr fpsr, xzr`; registers are reloaded every few instructions.',
    '\t.text',
    '\t.globl _start',
    '_start:',
    '\tadr x0, data',
  ];
  list.forEach(([w, id], i) => {
    if (i % RELOAD_EVERY === 0) {
      const block = (i / RELOAD_EVERY) % BLOCKS;
      const off = block * 512;
      lines.push(`\tadd x1, x0, #${off >> 12}, lsl #12`, `\tadd x1, x1, #${off & 0xfff}`);
      for (let r = 0; r < 32; r += 2) lines.push(`\tldp q${r}, q${r + 1}, [x1], #32`);
      if (cls === 'fp') lines.push(`\tmovz x2, #0x${(FPCRS[block % FPCRS.length]! >>> 16).toString(16)}, lsl #16`, '\tmsr fpcr, x2');
    }
    lines.push('\tmsr fpsr, xzr', `\t.inst 0x${w.toString(16).padStart(8, '0')} // ${id}`);
  });
  lines.push('\tmov x0, #0', '\tmov x8, #93', '\tsvc #0', '', '\t.data', '\t.balign 16', 'data:');
  for (let b = 0; b < BLOCKS * 32; b++) {
    const kind = cls === 'int' ? pick([0, 0, 1, 1, 2, 3]) : cls === 'fp' ? pick([0, 2, 2, 3, 3, 4, 4, 1]) : 0;
    lines.push(`\t.byte ${Array.from(lanesFor(kind)).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

// `npx tsx test/cpu/exec-simd-gen.ts [scale] [outdir]`: scale > 1 for a longer stress run elsewhere
// (the test reads SIMD_FIXTURE_DIR when set).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const scale = Number(process.argv[2] ?? 1);
  const out = process.argv[3] ? `${process.argv[3]}/` : FIXTURES;
  for (const cls of ['int', 'fp', 'crypto'] as const) writeFileSync(`${out}simd-${cls}.S`, generate(cls, scale));
}
