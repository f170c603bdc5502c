// Layer: gdbstub/rsp. Imports this folder only.
//
// Packet name → handler. One-letter packets (m, g, Z…) take anything after the letter; longer
// names (qSupported, vCont…) must be followed by the end or a separator, so `qC` does not
// swallow `qCRC:…`. Longest names are tried first. Anything unmatched gets the empty reply,
// which gdb reads as "not supported" (gdb manual, "Standard Replies").

import type { Handler } from './context.ts';

export interface PacketDef {
  readonly name: string;
  readonly handler: Handler;
  /** Advertised in our qSupported reply, e.g. `qXfer:features:read+`. */
  readonly features?: readonly string[];
}

const SEPARATORS = new Set([':', ',', ';']);

export class Dispatcher {
  private readonly defs: readonly PacketDef[];

  constructor(defs: readonly PacketDef[]) {
    this.defs = [...defs].sort((a, b) => b.name.length - a.name.length);
  }

  /** The qSupported features the table implements (so advertising and dispatch agree). */
  features(): string[] {
    return this.defs.flatMap((d) => d.features ?? []);
  }

  match(body: string): { def: PacketDef; args: string } | undefined {
    for (const def of this.defs) {
      if (!body.startsWith(def.name)) continue;
      const next = body[def.name.length];
      if (def.name.length > 1 && next !== undefined && !SEPARATORS.has(next)) continue;
      return { def, args: body.slice(def.name.length) };
    }
    return undefined;
  }
}
