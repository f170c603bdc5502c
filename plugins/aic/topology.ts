// Layer: plugins/aic. What the AIC tracer learns from the ADT (spec apple-devices §9): which
// device each IRQ belongs to (every node whose `interrupt-parent` is this AIC's phandle lists its
// IRQs in `interrupts`, §9.1) and the CPU numbering (/cpus: `reg` = die<<11 | cluster<<8 | core,
// `cpu-id`, §9.5) to name the target of a fast IPI. Imports core/formats/adt.

import type { AdtNode } from '../../core/formats/adt/index.ts';

/** IRQ number → device name(s) (`dart-dcp,dart-disp0` when several share one). */
export function irqNames(adt: AdtNode, aic: AdtNode): Record<number, string> {
  const out: Record<number, string> = {};
  if (!aic.has('AAPL,phandle')) return out;
  const phandle = aic.u32('AAPL,phandle');
  for (const node of adt.walk()) {
    if (!node.has('interrupts') || !node.has('interrupt-parent')) continue;
    try {
      if (node.u32('interrupt-parent') !== phandle) continue;
      for (const irq of node.u32Array('interrupts')) {
        const prev = out[irq];
        if (prev === undefined) out[irq] = node.name;
        else if (!prev.split(',').includes(node.name)) out[irq] = `${prev},${node.name}`;
      }
    } catch {
      // A malformed property names nothing; the IRQ prints by number only.
    }
  }
  return out;
}

export interface CpuTopology {
  /** `${cluster}:${core}` → cpu-id */
  byClusterCore: Record<string, number>;
  /** cpu-id → cluster */
  clusterOf: Record<number, number>;
  count: number;
}

export function cpuTopology(adt: AdtNode): CpuTopology {
  const topo: CpuTopology = { byClusterCore: {}, clusterOf: {}, count: 0 };
  const cpus = adt.child('cpus');
  for (const cpu of cpus?.children ?? []) {
    try {
      const reg = cpu.u32('reg');
      const id = cpu.has('cpu-id') ? cpu.u32('cpu-id') : topo.count;
      const cluster = (reg >> 8) & 7;
      topo.byClusterCore[`${cluster}:${reg & 0xff}`] = id;
      topo.clusterOf[id] = cluster;
      topo.count++;
    } catch {
      // Not a CPU node with a usable reg; skip it.
    }
  }
  return topo;
}

/**
 * `605 (uart0)` for named IRQs; runs of unnamed consecutive numbers collapse to `0-31`.
 */
export function formatIrqList(irqs: readonly number[], names: Readonly<Record<number, string>>): string {
  const parts: string[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart < 0) return;
    if (runEnd === runStart) parts.push(String(runStart));
    else if (runEnd === runStart + 1) parts.push(String(runStart), String(runEnd));
    else parts.push(`${runStart}-${runEnd}`);
    runStart = runEnd = -1;
  };
  for (const irq of irqs) {
    const name = names[irq];
    if (name !== undefined) {
      flush();
      parts.push(`${irq} (${name})`);
    } else if (runStart >= 0 && irq === runEnd + 1) {
      runEnd = irq;
    } else {
      flush();
      runStart = runEnd = irq;
    }
  }
  flush();
  return parts.join(', ');
}

/** IRQ numbers `32·word + bit` for every set bit (§2.2). */
export function irqsOfWord(word: number, value: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if ((value >>> b) & 1) out.push(32 * word + b);
  return out;
}

/** `cpu1, cpu3` from a CPU bit mask (bits 0..30; bit 31 is SELF in IPI_SEND). */
export function cpuList(mask: number, limit = 31): number[] {
  const out: number[] = [];
  for (let c = 0; c < limit; c++) if ((mask >>> c) & 1) out.push(c);
  return out;
}
