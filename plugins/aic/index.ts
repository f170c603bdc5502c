// Layer: plugins/aic. The AIC1 register tracer (spec apple-devices §2.9, a model choice following
// §1): per CPU, each IRQ taken (EVENT reads, named by the device whose ADT `interrupts` lists it),
// IPIs taken, mask/unmask and software set/clear (IRQ numbers decoded from the bits, 32·w + bit),
// targets, MMIO IPIs incl. the per-CPU views (§2.4), and fast IPIs (§2.5) when the backend
// reports the system-register traps. Imports core/plugin, core/formats/adt, plugins/aic.
//
// Every line names the CPU the access acts for: the accessing CPU, or the CPU a per-CPU view
// (0x5000 + 0x80·c) selects, with `(from cpuN)` when another CPU wrote it.
// Verbosity: 0 the events above; 1 + the §2.9 MMIO line of EVENT reads, INFO/WHOAMI, unknown
// registers; 2 + empty EVENT reads, mask/state reads; 3 + every access's generic line.

import { definePlugin, type MmioContext } from '../../core/plugin/api.ts';
import { decodeReg, type RegValue } from '../../core/plugin/regmap.ts';
import { EventType, FastIpiReg, IpiNum, R_IPI_RR, aicRegs } from './regs.ts';
import { cpuList, cpuTopology, formatIrqList, irqNames, irqsOfWord, type CpuTopology } from './topology.ts';

export interface AicState {
  /** IRQ → device name(s), rebuilt from the ADT on every load. */
  irqNames: Record<number, string>;
  topology: CpuTopology;
  /** INFO[15:0] once the guest read it. */
  nrIrq: number | undefined;
  /** Per CPU: hardware IRQs taken, IPIs taken, the last IRQ taken. */
  irqsTaken: Record<number, number>;
  ipisTaken: Record<number, number>;
  lastIrq: Record<number, number>;
  /** IRQ → masked, as far as the trace has shown (§2.7: EVENT reads auto-mask). */
  masked: Record<number, boolean>;
  /** IRQ → TARGET_CPU mask last written. */
  targets: Record<number, number>;
  fastIpisSent: number;
}

type Ctx = MmioContext<AicState>;
const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const bump = (r: Record<number, number>, k: number): number => (r[k] = (r[k] ?? 0) + 1);

/** The CPU a register access acts for: a per-CPU view's index, else the accessing CPU (§2.2). */
const actingCpu = (ctx: Ctx, view: boolean): number => (view ? ctx.index : ctx.event.cpu);
const from = (ctx: Ctx, cpu: number): string => (ctx.event.cpu === cpu ? '' : ` (from cpu${ctx.event.cpu})`);

function eventRead(v: RegValue<'DIE' | 'TYPE' | 'NUM'>, ctx: Ctx, view: boolean): void {
  const cpu = actingCpu(ctx, view);
  const s = ctx.state;
  const { DIE, TYPE, NUM } = v.fields;
  if (v.raw !== 0n) ctx.logAccess(1);
  if (TYPE === EventType.HW) {
    bump(s.irqsTaken, cpu);
    s.lastIrq[cpu] = NUM;
    s.masked[NUM] = true;
    const device = s.irqNames[NUM];
    ctx.log(`cpu${cpu} took IRQ ${NUM}${device ? ` (${device})` : ''}${from(ctx, cpu)}`, {
      kind: 'irq-taken',
      fields: { cpu, irq: NUM, die: DIE, device, count: s.irqsTaken[cpu] },
    });
  } else if (TYPE === EventType.IPI) {
    bump(s.ipisTaken, cpu);
    const which = NUM === IpiNum.OTHER ? 'OTHER' : NUM === IpiNum.SELF ? 'SELF' : `#${NUM}`;
    ctx.log(`cpu${cpu} took IPI ${which}${from(ctx, cpu)}`, { kind: 'ipi-taken', fields: { cpu, ipi: which, count: s.ipisTaken[cpu] } });
  } else if (v.raw === 0n) {
    ctx.log(`cpu${cpu} EVENT none`, { kind: 'event-none', level: 2, fields: { cpu } });
  } else {
    ctx.log(`cpu${cpu} EVENT ${hex(v.raw)} (unknown type ${TYPE})`, { kind: 'event-unknown', fields: { cpu, raw: v.raw } });
  }
}

type IrqOp = 'mask' | 'unmask' | 'sw set' | 'sw clear';

function irqWordWrite(op: IrqOp, v: RegValue, ctx: Ctx): void {
  const irqs = irqsOfWord(ctx.index, v.value);
  if (irqs.length === 0) return;
  const s = ctx.state;
  if (op === 'mask' || op === 'unmask') for (const irq of irqs) s.masked[irq] = op === 'mask';
  const names = Object.fromEntries(irqs.filter((i) => s.irqNames[i] !== undefined).map((i) => [i, s.irqNames[i]]));
  ctx.log(`cpu${ctx.event.cpu} ${op} ${formatIrqList(irqs, s.irqNames)}`, { kind: op.replace(' ', '-'), fields: { cpu: ctx.event.cpu, word: ctx.index, irqs, names } });
}

function irqWordRead(what: string, v: RegValue, ctx: Ctx): void {
  const irqs = irqsOfWord(ctx.index, v.value);
  ctx.log(`cpu${ctx.event.cpu} ${what}[${ctx.index}]: ${irqs.length ? formatIrqList(irqs, ctx.state.irqNames) : 'none'}`, {
    kind: what.toLowerCase().replace('_', '-'),
    level: 2,
    fields: { cpu: ctx.event.cpu, word: ctx.index, irqs },
  });
}

const flagNames = (v: RegValue<'SELF' | 'OTHER'>): string[] => [...(v.fields.OTHER ? ['OTHER'] : []), ...(v.fields.SELF ? ['SELF'] : [])];

function ipiFlags(op: 'ack' | 'mask' | 'unmask', v: RegValue<'SELF' | 'OTHER'>, ctx: Ctx, view: boolean): void {
  const cpu = actingCpu(ctx, view);
  const flags = flagNames(v);
  if (flags.length === 0) return;
  ctx.log(`cpu${cpu} IPI ${op} ${flags.join(', ')}${from(ctx, cpu)}`, { kind: `ipi-${op}`, fields: { cpu, by: ctx.event.cpu, ipis: flags } });
}

/** §2.4: bit c raises OTHER on CPU c; bit 31 raises SELF on the CPU the register acts for. */
function ipiSend(v: RegValue, ctx: Ctx, view: boolean): void {
  const cpu = actingCpu(ctx, view);
  const targets = cpuList(v.value);
  const self = ((v.value >>> 31) & 1) === 1;
  const parts = [...(targets.length ? [`OTHER → ${targets.map((c) => `cpu${c}`).join(', ')}`] : []), ...(self ? ['SELF'] : [])];
  if (parts.length === 0) return;
  ctx.log(`cpu${cpu} IPI send ${parts.join('; ')}${from(ctx, cpu)}`, { kind: 'ipi-send', fields: { cpu, by: ctx.event.cpu, targets, self } });
}

export default definePlugin({
  name: 'aic',
  description: 'AIC1 interrupts and IPIs per CPU (apple-devices §2.9)',
  attach: { compatible: 'aic,1' },
  regmap: aicRegs,
  mode: 'unbuffered',
  verbosity: 0,
  state: (): AicState => ({
    irqNames: {},
    topology: { byClusterCore: {}, clusterOf: {}, count: 0 },
    nrIrq: undefined,
    irqsTaken: {},
    ipisTaken: {},
    lastIrq: {},
    masked: {},
    targets: {},
    fastIpisSent: 0,
  }),
  setup(ctx) {
    ctx.state.irqNames = irqNames(ctx.adt, ctx.device.node);
    ctx.state.topology = cpuTopology(ctx.adt);
  },
  sysregs: Object.values(FastIpiReg),
  handlers: {
    EVENT: { read: (v, ctx) => eventRead(v, ctx, false) },
    CPU_EVENT: { read: (v, ctx) => eventRead(v, ctx, true) },
    MASK_SET: { write: (v, ctx) => irqWordWrite('mask', v, ctx), read: (v, ctx) => irqWordRead('MASK_SET', v, ctx) },
    MASK_CLR: { write: (v, ctx) => irqWordWrite('unmask', v, ctx), read: (v, ctx) => irqWordRead('MASK_CLR', v, ctx) },
    SW_SET: { write: (v, ctx) => irqWordWrite('sw set', v, ctx) },
    SW_CLR: { write: (v, ctx) => irqWordWrite('sw clear', v, ctx) },
    HW_STATE: { read: (v, ctx) => irqWordRead('HW_STATE', v, ctx) },
    TARGET_CPU: {
      write(v, ctx) {
        const irq = ctx.index;
        const cpus = cpuList(v.value, 32);
        ctx.state.targets[irq] = v.value;
        const device = ctx.state.irqNames[irq];
        ctx.log(`cpu${ctx.event.cpu} target IRQ ${irq}${device ? ` (${device})` : ''} → ${cpus.length ? cpus.map((c) => `cpu${c}`).join(', ') : 'none'}`, {
          kind: 'target',
          fields: { cpu: ctx.event.cpu, irq, device, targets: cpus },
        });
      },
    },
    IPI_SEND: { write: (v, ctx) => ipiSend(v, ctx, false) },
    CPU_IPI_SEND: { write: (v, ctx) => ipiSend(v, ctx, true) },
    IPI_ACK: { write: (v, ctx) => ipiFlags('ack', v, ctx, false) },
    CPU_IPI_ACK: { write: (v, ctx) => ipiFlags('ack', v, ctx, true) },
    IPI_MASK_SET: { write: (v, ctx) => ipiFlags('mask', v, ctx, false) },
    CPU_IPI_MASK_SET: { write: (v, ctx) => ipiFlags('mask', v, ctx, true) },
    IPI_MASK_CLR: { write: (v, ctx) => ipiFlags('unmask', v, ctx, false) },
    CPU_IPI_MASK_CLR: { write: (v, ctx) => ipiFlags('unmask', v, ctx, true) },
    INFO: {
      read(v, ctx) {
        ctx.state.nrIrq = v.fields.NR_IRQ;
        ctx.log(`cpu${ctx.event.cpu} INFO: ${v.fields.NR_IRQ} IRQs`, { kind: 'info', level: 1, fields: { nrIrq: v.fields.NR_IRQ } });
      },
    },
    WHOAMI: {
      read: (v, ctx) => ctx.log(`cpu${ctx.event.cpu} WHOAMI = ${v.value}`, { kind: 'whoami', level: 1, fields: { cpu: ctx.event.cpu, aicCpu: v.value } }),
    },
  },
  onSysreg(ev, ctx) {
    const s = ctx.state;
    const cpu = ev.cpu;
    if ((ev.key === FastIpiReg.IPI_RR_LOCAL_EL1 || ev.key === FastIpiReg.IPI_RR_GLOBAL_EL1) && ev.write) {
      const global = ev.key === FastIpiReg.IPI_RR_GLOBAL_EL1;
      const f = decodeReg(R_IPI_RR, ev.value).fields;
      // §2.5: RR_LOCAL targets a core of the writer's own cluster; RR_GLOBAL names the cluster.
      const cluster = global ? f.CLUSTER : s.topology.clusterOf[cpu];
      const target = cluster === undefined ? undefined : s.topology.byClusterCore[`${cluster}:${f.CPU}`];
      const type = ['IMMEDIATE', 'RETRACT', 'DEFERRED', 'NOWAKE'][f.TYPE]!;
      s.fastIpisSent++;
      const where = `${target === undefined ? '' : `cpu${target} `}(cluster ${cluster ?? '?'}, core ${f.CPU})`;
      ctx.log(`cpu${cpu} fast IPI → ${where}${type === 'IMMEDIATE' ? '' : ` ${type}`}`, {
        kind: 'fast-ipi-send',
        fields: { cpu, target, cluster, core: f.CPU, type, register: global ? 'IPI_RR_GLOBAL_EL1' : 'IPI_RR_LOCAL_EL1' },
      });
    } else if (ev.key === FastIpiReg.IPI_SR_EL1) {
      const pending = Number(ev.value & 1n);
      if (ev.write && pending) ctx.log(`cpu${cpu} fast IPI ack`, { kind: 'fast-ipi-ack', fields: { cpu } });
      else if (!ev.write) ctx.log(`cpu${cpu} IPI_SR PENDING=${pending}`, { kind: 'fast-ipi-status', level: 2, fields: { cpu, pending } });
    } else if (ev.key === FastIpiReg.IPI_CR_EL1 && ev.write) {
      ctx.log(`cpu${cpu} IPI_CR = ${hex(ev.value)}`, { kind: 'fast-ipi-countdown', level: 1, fields: { cpu, value: ev.value } });
    }
  },
});
