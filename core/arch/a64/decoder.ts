// Layer: core/arch/a64. The one decode step shared by the disassembler, the CPU model and the
// host's trapped-instruction decoding. Imports this folder only.
//
// Rows are bucketed by bits 28:25 (the Arm ARM's top-level op0), and within a bucket tried most
// specific first, so a row that fixes more bits (an alias-like special case, a sub-encoding)
// wins over a general one. Decoding is not on the CPU model's hot path — it predecodes once
// per instruction and caches — but it is on the disassembler's and the trap handler's.

import { compilePattern, extractField } from './pattern.ts';
import type { CompiledSpec, Fields, InstructionSpec } from './spec.ts';
import { ALL_SPECS } from './tables/index.ts';

export interface Decoded {
  readonly spec: CompiledSpec;
  readonly word: number;
  readonly fields: Fields;
}

function popcount(v: number): number {
  let n = 0;
  for (let m = v >>> 0; m; m &= m - 1) n++;
  return n;
}

export function compileSpecs(specs: readonly InstructionSpec[]): CompiledSpec[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    if (seen.has(spec.id)) throw new Error(`duplicate instruction spec id '${spec.id}'`);
    seen.add(spec.id);
    const compiled = compilePattern(spec.pattern);
    return { ...spec, compiled, specificity: popcount(compiled.mask) };
  });
}

export class Decoder {
  private readonly buckets: CompiledSpec[][] = Array.from({ length: 16 }, () => []);
  readonly specs: readonly CompiledSpec[];
  private readonly byId = new Map<string, CompiledSpec>();

  constructor(specs: readonly InstructionSpec[] = ALL_SPECS) {
    this.specs = compileSpecs(specs);
    for (const spec of this.specs) {
      this.byId.set(spec.id, spec);
      // A row goes into every bucket its fixed bits 28:25 allow.
      const { mask, value } = spec.compiled;
      for (let op0 = 0; op0 < 16; op0++) {
        const bucketBits = op0 << 25;
        if (((bucketBits ^ value) & mask & (0xf << 25)) === 0) this.buckets[op0]!.push(spec);
      }
    }
    for (const bucket of this.buckets) bucket.sort((a, b) => b.specificity - a.specificity);
  }

  /** The row that encodes `word`, with its fields; undefined for an unallocated (or not yet tabled) encoding. */
  decode(word: number): Decoded | undefined {
    const w = word >>> 0;
    for (const spec of this.buckets[(w >>> 25) & 0xf]!) {
      if (((w & spec.compiled.mask) >>> 0) !== spec.compiled.value) continue;
      const fields = extractFields(w, spec);
      if (spec.reject?.(fields)) continue;
      return { spec, word: w, fields };
    }
    return undefined;
  }

  spec(id: string): CompiledSpec | undefined {
    return this.byId.get(id);
  }
}

export function extractFields(word: number, spec: CompiledSpec): Fields {
  const fields: Record<string, number> = {};
  for (const f of spec.compiled.fields) fields[f.name] = extractField(word, f);
  return fields;
}

let shared: Decoder | undefined;
/** The decoder over every table, built on first use. */
export function defaultDecoder(): Decoder {
  return (shared ??= new Decoder());
}

export function decode(word: number): Decoded | undefined {
  return defaultDecoder().decode(word);
}
