// Generated instruction corpora: for every table row, words that match its pattern with the
// free bits drawn from a seeded generator (so a failure reproduces), plus the edge values of
// each field (all zeros, all ones). Which of them are valid, and what they mean, is for LLVM and
// the architecture to say, not this file.
import type { CompiledSpec } from '../../core/arch/a64/spec.ts';

export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

export function wordsFor(spec: CompiledSpec, count: number, seed: number): number[] {
  const { mask, value } = spec.compiled;
  const next = xorshift(seed ^ hashId(spec.id));
  const words = [value >>> 0, (value | ~mask) >>> 0];
  while (words.length < count) words.push(((next() & ~mask) | value) >>> 0);
  return words;
}

function hashId(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}
