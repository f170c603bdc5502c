// Layer: core/session. The guest's CPUs as a debugger lists them: every CPU the ADT describes
// (stable for the session, so front-ends can number threads once), with its MPIDR, cluster and
// core, and whether the guest has started it. Imports core/formats (ADT) and core/hv (types).

import { findNode, type AdtNode } from '../formats/adt/index.ts';
import type { HvHost } from '../hv/index.ts';
import type { SessionStopReason, StopInfo } from './event-log.ts';

export type RunState = 'not-started' | 'running' | 'stopped' | 'exited';

export type CpuRunState =
  | { readonly state: 'offline' }
  | { readonly state: 'running' }
  /** `held`: stopped because another CPU stopped (all-stop); otherwise the CPU's own stop. */
  | { readonly state: 'stopped'; readonly reason: SessionStopReason | 'held'; readonly stop?: StopInfo }
  | { readonly state: 'exited' };

export interface CpuDescriptor {
  /** m1n1's CPU index (`cpu-id`), what P_HV_SWITCH_CPU and exc_info use. */
  readonly index: number;
  readonly name: string;
  readonly mpidr: bigint;
  readonly die: number;
  readonly cluster: number;
  readonly core: number;
  /** `e` / `p` when the ADT says (`cluster-type`), else undefined. */
  readonly clusterKind?: string;
}

/** CPUs from /cpus (reg = die << 11 | cluster << 8 | core); CPU 0 alone when the ADT has none. */
export function describeCpus(adt: AdtNode): CpuDescriptor[] {
  const out: CpuDescriptor[] = [];
  for (const node of findNode(adt, '/cpus')?.children ?? []) {
    if (!node.has('cpu-id') || !node.has('reg') || node.bytes('reg').length < 4) continue;
    const reg = node.u32Array('reg')[0]!;
    const die = (reg >> 11) & 0x1f;
    const cluster = (reg >> 8) & 0x7;
    const core = reg & 0xff;
    let clusterKind: string | undefined;
    if (node.has('cluster-type')) {
      try {
        clusterKind = node.string('cluster-type').toLowerCase();
      } catch {
        clusterKind = undefined;
      }
    }
    out.push({ index: node.u32('cpu-id'), name: node.name, mpidr: 0x8000_0000n | (BigInt(die) << 16n) | (BigInt(cluster) << 8n) | BigInt(core), die, cluster, core, clusterKind });
  }
  if (out.length === 0) out.push({ index: 0, name: 'cpu0', mpidr: 0x8000_0000n, die: 0, cluster: 0, core: 0 });
  return out.sort((a, b) => a.index - b.index);
}

/** Whether the guest runs on CPU `index` (the boot CPU once started, secondaries once the host started them). */
export function cpuStarted(host: HvHost, index: number): boolean {
  return host.cpus.has(index);
}

/** One CPU's state in the all-stop model: the CPU that stopped has its reason, the others are held. */
export function cpuRunState(cpu: number, run: RunState, started: boolean, stop: StopInfo | undefined): CpuRunState {
  if (run === 'exited') return { state: 'exited' };
  if (run === 'not-started' || !started) return { state: 'offline' };
  if (run === 'running') return { state: 'running' };
  return stop && stop.cpu === cpu ? { state: 'stopped', reason: stop.reason, stop } : { state: 'stopped', reason: 'held' };
}
