// Layer: gdbstub/rsp. Imports gdbstub/target.ts and gdbstub/registers.ts only.
//
// Register values per thread, valid for one stop: every read while stopped is served once from
// the target (one readRegisters call for all that is missing) and then from here; a resume
// throws everything away. A write goes to the target and drops the written entries, so the next
// read shows what the CPU really holds (RES0 bits, write-ignored fields).

import type { RegisterName } from '../registers.ts';
import type { GdbTarget, ThreadId } from '../target.ts';

export class RegisterCache {
  private readonly threads = new Map<ThreadId, Map<RegisterName, bigint | undefined>>();
  /** Number of readRegisters calls made on the target (what a stepi costs, for tests and stats). */
  targetReads = 0;

  constructor(private readonly target: GdbTarget) {}

  private of(thread: ThreadId): Map<RegisterName, bigint | undefined> {
    let m = this.threads.get(thread);
    if (m === undefined) this.threads.set(thread, (m = new Map()));
    return m;
  }

  async read(thread: ThreadId, names: readonly RegisterName[]): Promise<Array<bigint | undefined>> {
    const cached = this.of(thread);
    const missing = names.filter((n) => !cached.has(n));
    if (missing.length > 0) {
      this.targetReads++;
      const values = await this.target.readRegisters(thread, missing);
      missing.forEach((n, i) => cached.set(n, values[i]));
    }
    return names.map((n) => cached.get(n));
  }

  async write(thread: ThreadId, values: ReadonlyMap<RegisterName, bigint>): Promise<void> {
    const cached = this.of(thread);
    for (const n of values.keys()) cached.delete(n);
    await this.target.writeRegisters(thread, values);
  }

  /** Values the target handed over with a stop event. */
  prime(thread: ThreadId, values: ReadonlyMap<RegisterName, bigint>): void {
    const cached = this.of(thread);
    for (const [n, v] of values) cached.set(n, v);
  }

  invalidate(): void {
    this.threads.clear();
  }
}
