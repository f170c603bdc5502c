// The plugin host on a real hypervisor session: the demo guest (examples/guest/README.md: pins 11
// and 12 toggled, pin 10's GPIO IRQ 190, the AIC's software IRQ 848, self and cross-CPU IPIs)
// under core/hv on the virtual M1, with the GPIO and AIC tracers loaded through PluginHost over
// HvTraceBackend. Expected lines follow apple-devices §2.9 and §3.5 and the guest's documented
// behaviour, never the tracers' code.
import test from 'ava';
import { disassembleWord } from '../../core/arch/a64/disassembler.ts';
import { adtRegPhys, findNode } from '../../core/formats/adt/index.ts';
import type { MmioEvent as PluginMmioEvent } from '../../core/plugin/backend.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import { HvTraceBackend } from '../../core/hv/trace-backend.ts';
import { consoleRecorder, DEMO_GUEST, hvRig, tracedHypervisor } from './helpers.ts';

test.serial('GPIO and AIC tracers on the demo guest: pin 11/12 toggles, IRQ 190 and 848, IPIs; one seq across every event', async (t) => {
  t.timeout(240_000);
  const { hv, backend, events, errors } = await tracedHypervisor(t);
  const host = new PluginHost(backend);
  await host.load('gpio');
  await host.load('aic');
  host.setVerbosity('gpio', 2); // pins 10-12 have no board name (§3.5: unnamed pins print at ≥ 2, as Pin-<n>)
  await hv.loadGuest(DEMO_GUEST);
  await backend.sync();
  const exit = await hv.start();
  await host.idle('gpio');
  await host.idle('aic');
  t.is(exit.status, 0n, 'the guest passed every step with the tracers on');
  const lines = events.map((e) => e.line);
  t.deepEqual(errors, []);
  t.deepEqual(events.filter((e) => e.severity === 'error').map((e) => e.line), []);
  t.true(lines.some((l) => l.startsWith('[gpio] loaded')) && lines.some((l) => l.startsWith('[aic] loaded')));

  // §3.5 pin line: name padded to 14, R/W, the raw value, every field high to low, a trailing space.
  const pin = (n: number, dir: 'R' | 'W', v: number): string => {
    const f = (name: string, lo: number, bits: number): string => `${name}=${(v >>> lo) & ((1 << bits) - 1)}`;
    const fields = [f('DRIVE_STRENGTH1', 22, 2), f('LOCK', 21, 1), f('GROUP', 16, 3), f('SCHMITT', 15, 1), f('DRIVE_STRENGTH0', 10, 2), f('INPUT_ENABLE', 9, 1), f('PULL', 7, 2), f('PERIPH', 5, 2), f('MODE', 1, 3), f('DATA', 0, 1)];
    return `[gpio] ${`Pin-${n}`.padEnd(14)} ${dir} 0x${v.toString(16)} (${fields.join(', ')}) `;
  };
  const writes = (n: number): string[] => lines.filter((l) => l.startsWith(`[gpio] Pin-${n} `) && l.includes(' W '));
  // README: pins 11 and 12 are outputs (MODE 1) toggled 4 times in opposite phase; pin 11 ends at config 3.
  t.deepEqual(writes(11), [0x2, 0x3, 0x2, 0x3].map((v) => pin(11, 'W', v)));
  t.deepEqual(writes(12), [0x3, 0x2, 0x3, 0x2].map((v) => pin(12, 'W', v)));
  // Pin 10: input (MODE 7 + INPUT_ENABLE), then IRQ on any edge (MODE 6), acknowledged by 1 << 10 in group 0.
  t.true(writes(10).includes(pin(10, 'W', 0x20e)));
  t.true(writes(10).includes(pin(10, 'W', 0x20c)));
  t.true(lines.includes("[gpio] IRQ[0] ACK ['Pin-10']"));
  t.true(lines.includes("[gpio] IRQ[0] ACT ['Pin-10']"));
  // §1.7: the GPIO node's parent IRQ 190 (group 0) delivered once, named by the node.
  t.deepEqual(lines.filter((l) => l.startsWith('[gpio] IRQ: ')), ['[gpio] IRQ: gpio: 190']);

  // §2.9 / README: software IRQ 848 raised while masked, unmasked, taken on cpu0, cleared.
  const order = (...want: string[]): void => {
    const at = want.map((w) => lines.indexOf(w));
    t.true(at.every((i) => i >= 0), `missing: ${want.filter((_, i) => at[i]! < 0).join(' | ')}`);
    t.deepEqual([...at].sort((a, b) => a - b), at, `out of order: ${want.join(' → ')}`);
  };
  order('[aic] cpu0 sw set 848', '[aic] cpu0 unmask 848', '[aic] cpu0 took IRQ 848', '[aic] cpu0 sw clear 848');
  // IPIs: a self IPI on cpu0, an "other" IPI to each secondary, each taken where it was sent.
  order('[aic] cpu0 IPI send SELF', '[aic] cpu0 took IPI SELF');
  for (let c = 1; c < 8; c++) order(`[aic] cpu0 IPI send OTHER → cpu${c}`, `[aic] cpu${c} took IPI OTHER`);
  order('[aic] cpu0 unmask 190 (gpio)', '[aic] cpu0 took IRQ 190 (gpio)');
  // §2.5 fast IPIs: the firmware serves their registers itself (m1n1-protocol §9.5), so the AIC
  // tracer's sysreg watch gets none of them; the backend says so once instead of staying silent.
  t.deepEqual(
    lines.filter((l) => l.includes('served by the m1n1 firmware')),
    ['[aic] IPI_RR_LOCAL_EL1, IPI_RR_GLOBAL_EL1, IPI_SR_EL1, IPI_CR_EL1: served by the m1n1 firmware without the host (m1n1-protocol §9.5); their accesses cannot be traced'],
  );
  t.deepEqual(lines.filter((l) => / fast IPI/.test(l)), []);

  // One seq counter: each plugin's events come in increasing order, no two plugins share one, and
  // the IRQ trace of 190 comes after the EVENT read that delivered it.
  const seqs = (plugin: string): number[] => events.filter((e) => e.plugin === plugin && e.seq !== undefined).map((e) => e.seq!);
  for (const p of ['gpio', 'aic']) t.deepEqual([...seqs(p)].sort((a, b) => a - b), seqs(p), `${p} events in seq order`);
  const gpioSeqs = new Set(seqs('gpio'));
  t.false(seqs('aic').some((s) => gpioSeqs.has(s)));
  const seqOf = (line: string): number | undefined => events.find((e) => e.line === line)?.seq;
  t.true(seqOf('[gpio] IRQ: gpio: 190')! > seqOf('[aic] cpu0 took IRQ 190 (gpio)')!);
  t.true(backend.seq >= Math.max(...seqs('gpio'), ...seqs('aic')));
  await host.close();
  backend.dispose();
});

test.serial('hook replies answer guest reads, sync handlers are awaited, readMmio/readMemory work while the guest waits', async (t) => {
  t.timeout(240_000);
  const hv = await (await hvRig(t)).hypervisor();
  const con = consoleRecorder(hv);
  const errors: string[] = [];
  hv.onError((e) => errors.push(e.message));
  const backend = new HvTraceBackend(hv, () => undefined);
  backend.onError((e) => errors.push(e.message));
  const gpio = adtRegPhys(findNode(backend.adt, '/arm-io/gpio')!, 0).addr;
  const pin = (n: number): bigint => gpio + BigInt(4 * n);
  const loaded = await hv.loadGuest(DEMO_GUEST);
  const seen: PluginMmioEvent[] = [];
  const probes: { mmio?: bigint; memory?: Uint8Array } = {};
  // Pin 11 hooked: every read answered with DATA flipped (README: the guest reads DATA back and
  // counts a failed step on a mismatch); writes go to the hardware (no reply).
  backend.traceRange({
    owner: 'test@pin11', base: pin(11), size: 4n, mode: 'hook', read: true, write: true,
    async onAccess(ev) {
      seen.push(ev);
      if (ev.write) return undefined;
      if (probes.mmio === undefined) {
        probes.mmio = await backend.readMmio(pin(11), 4);
        probes.memory = await backend.readMemory(loaded.layout.entry, 8);
      }
      return { value: ev.value ^ 1n };
    },
  });
  // Pin 12 in sync mode: writes only, the guest waits for each (slow) handler.
  backend.traceRange({
    owner: 'test@pin12', base: pin(12), size: 4n, mode: 'sync', read: false, write: true,
    async onAccess(ev) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(ev);
      return undefined;
    },
  });
  await backend.sync();
  const exit = await hv.start();
  t.deepEqual(errors, []);
  const pin11 = seen.filter((e) => e.addr === pin(11));
  const pin12 = seen.filter((e) => e.addr === pin(12));
  // Each of the 4 toggles reads pin 11 twice (read-modify-write, then the read-back).
  t.deepEqual(pin11.filter((e) => e.write).map((e) => e.value), [0x2n, 0x3n, 0x2n, 0x3n], 'writes reached the hook with the guest values');
  t.true(pin11.filter((e) => !e.write).length >= 8);
  t.deepEqual(pin12.map((e) => e.value), [0x3n, 0x2n, 0x3n, 0x2n]);
  t.true(pin12.every((e) => e.write && e.width === 4 && e.cpu === 0 && e.pc >= loaded.layout.entry));
  // The flipped reads: 4 failed read-backs, the last config read as 2 instead of 3, status 4.
  t.is(con.vuart().match(/demo: FAILED: gpio output read-back/g)?.length, 4, con.vuart());
  t.regex(con.vuart(), /gpio: toggled pins 11 and 12 4 times \(read back: pin 11 config 2\)/);
  t.is(exit.status, 4n);
  // Probes made inside the hook: the hardware register (not the hooked value) and guest RAM.
  t.is(probes.mmio, pin11.find((e) => !e.write)!.value);
  const elf = loaded.image.kind === 'elf' ? loaded.image.elf : undefined;
  // Hook-mode events name the CPU and the PC of the guest's own 32-bit load or store (§10.6: ELR
  // before the firmware steps past it), in the guest's GPIO accessors (examples/guest src/gpio.c).
  t.true(pin11.every((e) => e.cpu === 0), `cpus ${pin11.map((e) => e.cpu).join(' ')}`);
  for (const e of pin11) {
    const code = elf!.read(e.pc, 4);
    const word = new DataView(code.buffer, code.byteOffset, 4).getUint32(0, true);
    const insn = disassembleWord(word, { pc: e.pc });
    t.regex(insn, e.write ? /^str\s+w\d+, \[x\d+/ : /^ldr\s+w\d+, \[x\d+/, `${elf!.symbolize(e.pc) ?? e.pc.toString(16)}: ${insn}`);
    t.regex(elf!.symbolize(e.pc) ?? '', /^gpio_\w+\+0x/);
  }
  t.deepEqual([...probes.memory!], [...elf!.read(loaded.layout.entry, 8)], 'guest RAM holds the ELF code at the entry');
  // One counter, strictly increasing in delivery order.
  const seqs = seen.map((e) => e.seq);
  t.deepEqual([...seqs].sort((a, b) => a - b), seqs);
  t.is(new Set(seqs).size, seqs.length);
  backend.dispose();
});

test.serial('readMmio while the guest runs (not waiting in a callback) is refused with a typed error', async (t) => {
  t.timeout(120_000);
  const hv = await (await hvRig(t)).hypervisor();
  const backend = new HvTraceBackend(hv, () => undefined);
  await hv.loadGuest(DEMO_GUEST);
  const running = hv.start();
  await new Promise<void>((resolve) => {
    const tick = (): void => void (hv.state === 'running' && !hv.loop.inCallback ? resolve() : setTimeout(tick, 1));
    tick();
  });
  const err = await t.throwsAsync(backend.readMmio(0x2_3c10_0000n, 4));
  t.regex(err!.message, /the target is running/);
  t.is((await running).status, 0n);
  backend.dispose();
});

test.serial('hook replies to writes: { drop } swallows one, { value } writes another value instead', async (t) => {
  t.timeout(240_000);
  const hv = await (await hvRig(t)).hypervisor();
  const con = consoleRecorder(hv);
  const backend = new HvTraceBackend(hv, () => undefined);
  const pin12 = adtRegPhys(findNode(backend.adt, '/arm-io/gpio')!, 0).addr + 4n * 12n;
  await hv.loadGuest(DEMO_GUEST);
  let writes = 0;
  backend.traceRange({
    owner: 'test@pin12', base: pin12, size: 4n, mode: 'hook', read: false, write: true,
    // The first write (output high, 0x3) is dropped; the others get INPUT_ENABLE (bit 9) added.
    onAccess: (ev) => (writes++ === 0 ? { drop: true } : { value: ev.value | 0x200n }),
  });
  await backend.sync();
  const exit = await hv.start();
  t.is(writes, 4);
  // Only the dropped write shows in the guest's read-back (reads are not hooked): one failed step.
  t.is(con.vuart().match(/demo: FAILED: gpio output read-back/g)?.length, 1, con.vuart());
  t.is(exit.status, 1n);
  // After the exit the guest no longer runs: the register holds the last altered write (0x2 | 0x200).
  t.is(await backend.readMmio(pin12, 4), 0x202n);
  backend.dispose();
});
