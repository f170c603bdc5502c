// Smoke test of the committed demo guest on bare CPU-model cores (no machine, no hypervisor):
// cores at EL1h with the MMU off, the boot CPU entered at the ELF entry with x0 = boot_args → a
// tiny ADT (tiny-adt.ts), RAM plus the MMIO stubs of stub-devices.ts. The PMGR stub starts a
// secondary at EL1h from its RVBAR, as the hypervisor's P_HV_START_SECONDARY would
// (m1n1-protocol §9.6). The test toggles GPIO pin 10 as the virtual M1 must (README), or leaves
// it still to see the guest report the missing IRQ. Without a hypervisor the guest's own vectors take `brk #0x4242` (hvcall.h).
// The end-to-end run on the virtual M1 comes with the machine.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { AddressSpace, SparseRam } from '../../sim/memory/index.ts';
import { CodeCache, Core, PhysicalBus, Scheduler } from '../../sim/cpu/index.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { bootArgs, j274Adt } from './tiny-adt.ts';
import { AicStub, GpioStub, PmgrStub, StorageStub, UartStub, type Access } from './stub-devices.ts';

const ELF_PATH = fileURLToPath(new URL('../../examples/guest/build/demo.elf', import.meta.url));
const DRAM = 0x8_0000_0000n;
const BOOT_ARGS = DRAM + 0x0800_0000n;
const ADT = DRAM + 0x0900_0000n;
const CPU_IMPL = 0x2_1000_0000n;
const DEMO_SW_IRQ = 848;
const MASKED = 0xf << 6; // DAIF all set, as a core enters at EL1h

interface Run {
  readonly out: string;
  readonly log: Access[];
  readonly cores: Core[];
  readonly elf: ElfFile;
}

/** Boots the guest on `cpus` cores (the ADT lists as many) and runs until the boot CPU parks. */
/** `poke` runs between scheduler slices, as a debugger's memory write would land while the guest runs. */
type Poke = (write: (pa: bigint, bytes: Uint8Array) => void, console: string) => void;

function runGuest(cpus: number, togglePin10: boolean, poke?: Poke): Run {
  const elf = ElfFile.parse(new Uint8Array(readFileSync(ELF_PATH)));
  const ram = new SparseRam({ base: DRAM, sizeBytes: 0x2_0000_0000n });
  const put = (pa: bigint, bytes: Uint8Array): void => ram.writeAt(Number(pa - DRAM), bytes, 0, bytes.length);
  for (const seg of elf.loadSegments) put(seg.paddr, elf.read(seg.vaddr, Number(seg.memsz)));
  const adt = j274Adt(cpus);
  put(ADT, adt);
  put(BOOT_ARGS, bootArgs(DRAM, ADT, adt.length));

  const log: Access[] = [];
  const cores: Core[] = [];
  const uart = new UartStub(log);
  const impl = new StorageStub('cpu-impl', log);
  const aic = new AicStub(cpus, (cpu, level) => cores[cpu]?.setIrq(level), log);
  const gpio = new GpioStub(log, (irq, level) => aic.setLine(irq, level));
  const sched: { scheduler?: Scheduler } = {}; // made once the cores exist
  const pmgr = new PmgrStub(log, (cpu) => {
    const core = cores[cpu];
    if (!core || sched.scheduler!.started[cpu]) return;
    const rvbar = impl.read64(Number(0x5_0000n | (BigInt(cpu >> 2) << 24n) | (BigInt(cpu & 3) << 20n)));
    core.selectStack(1, 1);
    core.daif = MASKED;
    core.pc = Number(rvbar & 0xffff_ffff_f000n); // apple-devices §8.6
    core.setX(0, 0n); // x0..x3 = 0 from m1n1's host (§9.6)
    core.contextChanged();
    sched.scheduler!.start(cpu);
  });
  for (let cpu = 0; cpu < cpus; cpu++) {
    const space = new AddressSpace()
      .addRam(ram)
      .addMmio(0x2_3520_0000n, 0x4000, uart, 'uart0')
      .addMmio(0x2_3b10_0000n, 0x8000, aic.view(cpu), 'aic')
      .addMmio(0x2_3c10_0000n, 0x10_0000, gpio, 'gpio')
      .addMmio(0x2_3b70_0000n, 0x8_0000, pmgr, 'pmgr')
      .addMmio(CPU_IMPL, 0x200_0000, impl, 'cpu-impl');
    const codeCache = new CodeCache();
    // 64 ticks per instruction: the guest's 1 s GPIO timeout costs 375 000 instructions, not 24 M.
    cores.push(new Core({ cpu, bus: new PhysicalBus(codeCache.watch(space), [ram]), executors: createExecutorRegistry(), codeCache, instructionsPerTick: 1 / 64 }));
  }
  const scheduler = (sched.scheduler = new Scheduler(cores));
  const boot = cores[0]!;
  boot.selectStack(1, 1); // EL1h, as m1n1's P_HV_START enters a guest (§9.1)
  boot.daif = MASKED;
  boot.pc = Number(elf.entry);
  boot.setX(0, BOOT_ARGS);
  boot.contextChanged();
  for (let i = 0; i < 5000 && !uart.text.includes('parked)'); i++) {
    scheduler.run(10);
    if (togglePin10) gpio.setInput(10, i % 2 === 1); // an edge every 10 000 instructions
    poke?.(put, uart.text);
  }
  return { out: uart.text.replace(/\r\n/g, '\n'), log, cores, elf };
}

function checkCommon(t: import('ava').ExecutionContext, run: Run, cpus: number, gpioIrq: boolean): void {
  const { out, log, cores, elf } = run;
  // The first device access is a UART status poll, then a byte to UTXH (apple-devices §9.4).
  t.deepEqual(log.find((a) => a.dev === 'uart'), { dev: 'uart', cpu: -1, write: false, offset: 0x10, value: 0n });
  t.deepEqual(log.find((a) => a.dev === 'uart' && a.write), { dev: 'uart', cpu: -1, write: true, offset: 0x20, value: 0x0dn });

  t.regex(out, /^hvdbg demo guest: cpu0 at EL1, MPIDR 80000000, boot_args 0x808000000$/m);
  t.regex(out, /^devices from the ADT: uart0 235200000, aic 23b100000, gpio 23c100000, pmgr 23b700000$/m);
  t.regex(out, /^aic: 896 IRQs, all masked and routed to cpu0$/m);
  t.regex(out, new RegExp(`^cpu0: took software IRQ ${DEMO_SW_IRQ} \\(EVENT 0x${(0x10000 | DEMO_SW_IRQ).toString(16)}\\)$`, 'm'));
  t.regex(out, /^cpu0: took an AIC self IPI \(EVENT 0x40002\)$/m);
  t.regex(out, /^cpu0: took a fast IPI \(FIQ, IPI_SR_EL1.PENDING\)$/m);
  t.regex(out, new RegExp(`^smp: ${cpus} CPU\\(s\\) described; starting the others through PMGR at 23b754000$`, 'm'));
  t.regex(out, new RegExp(`^smp: ${cpus - 1} secondary CPU\\(s\\) running$`, 'm'));
  t.regex(out, /^debug: tree sum 175, fib\(12\) = 144$/m);
  t.regex(out, /^float: sqrt\(2.000000\) ~ 1.414213$/m);

  // GPIO: outputs toggled through pin registers 11 and 12 (§3.2: MODE = 1 in bits 3:1), pin 10 armed.
  const mode = (a: Access): number => Number((a.value >> 1n) & 7n);
  const outputs = log.filter((a) => a.dev === 'gpio' && (a.offset === 4 * 11 || a.offset === 4 * 12));
  t.true(outputs.length >= 8 && outputs.every((a) => mode(a) === 1));
  t.true(log.some((a) => a.dev === 'gpio' && a.offset === 4 * 10 && mode(a) === 6), 'pin 10 armed for any-edge IRQs (MODE 6)');

  if (gpioIrq) {
    t.regex(out, /^cpu0: GPIO IRQ 190 \(group 0\): pin 10 is now (high|low)$/m);
    t.regex(out, /^gpio: took 1 GPIO IRQ\(s\), last from pin 10$/m);
    // §3.3: acknowledged by writing 1 << 10 to IRQ_GROUP[0][0].
    t.true(log.some((a) => a.dev === 'gpio' && a.write && a.offset === 0x800 && a.value === 1n << 10n));
  }
  // With pin 10 still, the GPIO step is the one that fails; otherwise none does.
  const status = gpioIrq ? 0 : 1;
  t.deepEqual(out.match(/^demo: FAILED: .*$/gm), gpioIrq ? null : ['demo: FAILED: no GPIO IRQ within 1 s (does the machine toggle pin 10?)']);
  t.regex(out, new RegExp(`^demo: powering off with status ${status} \\(hypercall POWER_OFF: brk #0x4242, x0 = 0\\)$`, 'm'));
  t.regex(out, new RegExp(`^\\(no hypervisor host took the power-off hypercall; status ${status}; parked\\)$`, 'm'));
  const exit = elf.requireSymbol('guest_exit');
  const elr = cores[0]!.sysregs.get('ELR_EL1');
  t.true(elr >= exit.value && elr < exit.value + exit.size, 'the brk #0x4242 is in guest_exit');
}

test('one CPU: the demo guest boots, drives AIC, GPIO and UART, and ends in the power-off hypercall', (t) => {
  const run = runGuest(1, true);
  checkCommon(t, run, 1, true);
  t.false(run.log.some((a) => a.dev === 'pmgr'), 'no CPU to start');
});

test('eight CPUs: each secondary starts through PMGR, says hello, takes an AIC IPI and a fast IPI, and parks', (t) => {
  const run = runGuest(8, true);
  checkCommon(t, run, 8, true);
  const { out, log, cores, elf } = run;
  const start = elf.requireSymbol('_start').value;
  for (let cpu = 1; cpu < 8; cpu++) {
    const cluster = cpu >> 2;
    const core = cpu & 3;
    // §8.4: RVBAR (plain address), then the core-enable bit, then the cluster's start register.
    const writes = log.filter((a) => (a.dev === 'pmgr' || a.dev === 'cpu-impl') && a.write);
    const rvbar = writes.findIndex((a) => a.dev === 'cpu-impl' && a.offset === (0x5_0000 | (cluster << 24) | (core << 20)) && a.value === start);
    const enable = writes.findIndex((a, i) => i > rvbar && a.dev === 'pmgr' && a.offset === 0x54004 && a.value === BigInt(1 << (4 * cluster + core)));
    const go = writes.findIndex((a, i) => i > enable && a.dev === 'pmgr' && a.offset === 0x54008 + 4 * cluster && a.value === BigInt(1 << core));
    t.true(rvbar >= 0 && enable > rvbar && go > enable, `cpu${cpu} start sequence`);
    const mpidr = ((0x8000_0000 | (cluster << 16) | (cluster << 8) | core) >>> 0).toString(16); // apple-devices §8.1
    t.regex(out, new RegExp(`^cpu${cpu}: hello from MPIDR ${mpidr} \\(${cluster ? 'P' : 'E'}-core ${core} of cluster ${cluster}\\)$`, 'm'));
    t.regex(out, new RegExp(`^cpu${cpu}: took an AIC IPI \\(EVENT 0x40001\\)$`, 'm'));
    t.regex(out, new RegExp(`^cpu${cpu}: took a fast IPI \\(FIQ, IPI_SR_EL1.PENDING\\)$`, 'm'));
    t.true(log.some((a) => a.dev === 'aic' && a.cpu === cpu && a.offset === 0x2000), `cpu${cpu} checked WHOAMI`);
    t.is(cores[cpu]!.waiting, 1, `cpu${cpu} parked in WFI`);
  }
  t.regex(out, /^demo: summary: 7 secondary CPU\(s\), 7 AIC IPI\(s\) and 8 fast IPI\(s\) sent, /m);
});

test('a GPIO input that never changes: the guest reports the missing IRQ and powers off with status 1', (t) => {
  checkCommon(t, runGuest(1, false), 1, false);
});

test('memory writes a debugger makes while the guest runs change what it does (demo_flag, demo_message)', (t) => {
  const elf = ElfFile.parse(new Uint8Array(readFileSync(ELF_PATH)));
  const flag = elf.requireSymbol('demo_flag').value;
  const message = elf.requireSymbol('demo_message').value;
  let poked = false;
  const { out } = runGuest(1, true, (write, text) => {
    if (poked || !text.includes('gpio: took')) return; // after .bss is cleared, before run_debug_demo reads them
    write(flag, new Uint8Array([7, 0, 0, 0]));
    write(message, new TextEncoder().encode('written by the debugger\0'));
    poked = true;
  });
  t.true(poked);
  t.regex(out, /^debug: demo_flag = 7: a debugger changed my path \(detour taken\)$/m);
  t.regex(out, /^debug: demo_message = "written by the debugger"$/m);
  t.regex(out, /, 1 detour\(s\), 0 failure\(s\)$/m);
});
