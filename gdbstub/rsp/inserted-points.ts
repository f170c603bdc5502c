// Layer: gdbstub/rsp. Imports gdbstub/target.ts only.
//
// The breakpoints and watchpoints gdb has inserted through this stub. Z/z are idempotent (gdb
// manual, "Packets", Z: "implementations ... should be idempotent") — gdb re-inserts after
// reconnects and on some stops — and when gdb leaves without removing them (detach, a dropped
// connection) the stub takes them out so the guest does not trap into nobody.

import type { Breakpoint, GdbTarget, Watchpoint } from '../target.ts';

type Point = { readonly type: 'break'; readonly bp: Breakpoint } | { readonly type: 'watch'; readonly wp: Watchpoint };

function key(p: Point): string {
  return p.type === 'break' ? `b:${p.bp.kind}:${p.bp.address}:${p.bp.size}` : `w:${p.wp.kind}:${p.wp.address}:${p.wp.length}`;
}

export class InsertedPoints {
  private readonly points = new Map<string, Point>();

  constructor(private readonly target: GdbTarget) {}

  get size(): number {
    return this.points.size;
  }

  async insert(p: Point): Promise<void> {
    const k = key(p);
    if (this.points.has(k)) return;
    if (p.type === 'break') await this.target.insertBreakpoint(p.bp);
    else await this.target.insertWatchpoint(p.wp);
    this.points.set(k, p);
  }

  async remove(p: Point): Promise<void> {
    const k = key(p);
    if (!this.points.has(k)) return;
    if (p.type === 'break') await this.target.removeBreakpoint(p.bp);
    else await this.target.removeWatchpoint(p.wp);
    this.points.delete(k);
  }

  /** Removes everything; a failure on one does not keep the others in. Returns the failures. */
  async removeAll(): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (const p of [...this.points.values()]) {
      try {
        await this.remove(p);
      } catch (err) {
        failures.push(err);
        this.points.delete(key(p));
      }
    }
    return failures;
  }
}
