// Layer: core/hv. What handlers see of the hypervisor host: the proxy, sysreg execution, the
// stage-2 maps, per-CPU bookkeeping and a log. Imports core/proxy, core/uartproxy (types),
// core/formats (types) and this folder.

import type { AdtNode } from '../formats/adt/index.ts';
import type { CpuFeatures } from '../formats/cpu-features.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import type { BootMessage } from '../uartproxy/client-types.ts';
import type { Stage2Maps } from './maps.ts';
import type { SysregExec } from './sysreg-exec.ts';

/** A guest CPU the host has started (or the boot CPU), with its die/cluster/core. */
export interface StartedCpu {
  readonly index: number;
  readonly die: number;
  readonly cluster: number;
  readonly core: number;
}

/** Host-side state per CPU: shadowed registers (§9.11, §9.12 (b)) and the debug re-arm flag. */
export class CpuState {
  /** Packed encoding → value the guest last wrote (reads of never-written ones give 0). */
  readonly shadow = new Map<number, bigint>();
  /** Breakpoints/watchpoints were disabled on this CPU by a hit; one step re-arms them (§9.11). */
  debugDisarmed = false;
  /** MDSCR_EL1.SS was left set by a host step (§15.17: cleared on the next continue). */
  stepArmed = false;
  /**
   * The debugger's slots (values and controls) have been written on this CPU. A started CPU
   * takes a step trap before its first instruction (§9.6, §9.11); that trap writes them.
   */
  debugArmed = false;

  constructor(readonly cpu: StartedCpu) {}
}

/** The parts of the link a session needs to wait for the next callback (CPU switch, step). */
export interface CallbackLink {
  waitForBoot(timeoutMs?: number | null): Promise<BootMessage>;
}

export interface HvHost {
  readonly proxy: M1n1Proxy;
  readonly link: CallbackLink;
  readonly sysregs: SysregExec;
  readonly maps: Stage2Maps;
  readonly features: CpuFeatures | null;
  readonly adt: AdtNode;
  /** Started CPUs by m1n1 index, ascending. */
  readonly cpus: Map<number, CpuState>;
  log(line: string): void;
}

/** The CPU's state record, created on first sight (a CPU can report before the host saw it start). */
export function cpuState(host: HvHost, index: number): CpuState {
  let s = host.cpus.get(index);
  if (!s) {
    s = new CpuState({ index, die: 0, cluster: -1, core: -1 });
    host.cpus.set(index, s);
  }
  return s;
}
