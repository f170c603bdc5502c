// Layer: sim/cpu. From an instruction word to a predecoded record with its executor.
// Imports core/arch/a64 (the shared decoder) and this folder.
//
// The decoder's row id (core/arch/a64 spec.ts `id`) keys the executor. An executor module
// (sim/cpu/executors/*.ts) registers `ExecutorDef`s: `prepare` turns decoder fields into the
// record's numeric operands once, `exec` runs it each time. Records are plain objects of one
// shape (so V8 keeps the call sites monomorphic), operands resolved at predecode time:
// register numbers become slots (XZR → REG_ZR for reads / REG_SINK for writes, SP → REG_SP),
// immediates are decoded and extended.
//
// Until the shared tables cover an instruction, an executor module may also give a `match`
// (mask/value on the word) and decode the word itself — marked temporary where used.

import type { Decoder } from '../../core/arch/a64/decoder.ts';
import type { Fields } from '../../core/arch/a64/spec.ts';
import type { Core } from './core.ts';

/** Returns true when it set `core.pc` itself (branches, exception returns). */
export type Executor = (core: Core, p: Predecoded) => boolean | void;

export interface Predecoded {
  exec: Executor;
  readonly id: string;
  readonly word: number;
  /** Operands, meaning per executor (slots, immediates, condition codes…). */
  a: number;
  b: number;
  c: number;
  d: number;
  imm: number;
  imm2: number;
}

export interface ExecutorDef {
  readonly id: string;
  readonly exec: Executor;
  /** Fills the record's operands; `fields` are the shared decoder's, or undefined for a `match` decode. */
  readonly prepare?: (p: Predecoded, word: number, fields: Fields | undefined) => void;
  /** Temporary self-decode: (word & mask) === value. */
  readonly match?: { readonly mask: number; readonly value: number };
}

export function newRecord(id: string, word: number, exec: Executor): Predecoded {
  return { exec, id, word, a: 0, b: 0, c: 0, d: 0, imm: 0, imm2: 0 };
}

export class ExecutorRegistry {
  private readonly byId = new Map<string, ExecutorDef>();
  private readonly matchers: ExecutorDef[] = [];

  constructor(
    private readonly decoder: Decoder | undefined,
    private readonly undefinedExec: Executor = (core) => core.undefinedInstruction(),
  ) {}

  register(defs: readonly ExecutorDef[]): this {
    for (const def of defs) {
      this.byId.set(def.id, def);
      if (def.match) this.matchers.push(def);
    }
    return this;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  predecode(word: number): Predecoded {
    const w = word >>> 0;
    const decoded = this.decoder?.decode(w);
    const def = decoded && this.byId.get(decoded.spec.id);
    if (def && decoded) return this.build(def, w, decoded.fields);
    for (const m of this.matchers) if (((w & m.match!.mask) >>> 0) === m.match!.value) return this.build(m, w, undefined);
    return newRecord(decoded?.spec.id ?? 'UNDEFINED', w, this.undefinedExec);
  }

  private build(def: ExecutorDef, word: number, fields: Fields | undefined): Predecoded {
    const p = newRecord(def.id, word, def.exec);
    def.prepare?.(p, word, fields);
    return p;
  }
}
