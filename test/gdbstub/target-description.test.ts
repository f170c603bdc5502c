// The target description and the g packet come from one register table; gdb's aarch64 support
// requires the core and FPU features to use its register names (gdb manual, "AArch64 Features").
import test from 'ava';
import { AARCH64_REGISTERS, EXPEDITED_REGISTERS, G_PACKET_REGISTERS, registerByName } from '../../gdbstub/registers.ts';
import { targetDescriptionFiles } from '../../gdbstub/target-description.ts';

const files = targetDescriptionFiles();

function regs(xml: string): Array<{ name: string; bitsize: number; regnum: number }> {
  return [...xml.matchAll(/<reg name="([^"]+)" bitsize="(\d+)" type="[^"]+" regnum="(\d+)"/g)].map((m) => ({ name: m[1]!, bitsize: Number(m[2]), regnum: Number(m[3]) }));
}

test('target.xml names aarch64 and includes exactly the three feature documents', (t) => {
  const target = files.get('target.xml')!;
  t.regex(target, /<architecture>aarch64<\/architecture>/);
  const includes = [...target.matchAll(/<xi:include href="([^"]+)"\/>/g)].map((m) => m[1]);
  t.deepEqual(includes, ['aarch64-core.xml', 'aarch64-fpu.xml', 'hvdbg-sysregs.xml']);
  for (const f of includes) t.true(files.has(f!), f);
});

test('core feature: x0–x30, sp, pc (64-bit) and cpsr (32-bit) as regnums 0–33', (t) => {
  const core = files.get('aarch64-core.xml')!;
  t.regex(core, /<feature name="org.gnu.gdb.aarch64.core">/);
  const names = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'cpsr'];
  t.deepEqual(regs(core), names.map((name, regnum) => ({ name, regnum, bitsize: name === 'cpsr' ? 32 : 64 })));
});

test('FPU feature: v0–v31 (128-bit) then fpsr, fpcr as regnums 34–67, with the vector union type', (t) => {
  const fpu = files.get('aarch64-fpu.xml')!;
  t.regex(fpu, /<feature name="org.gnu.gdb.aarch64.fpu">/);
  t.regex(fpu, /<union id="aarch64v">/);
  const names = [...Array.from({ length: 32 }, (_, i) => `v${i}`), 'fpsr', 'fpcr'];
  t.deepEqual(regs(fpu), names.map((name, i) => ({ name, regnum: 34 + i, bitsize: i < 32 ? 128 : 32 })));
});

test('system registers feature: the EL1 set from regnum 68, group system, not restored by gdb', (t) => {
  const sys = files.get('hvdbg-sysregs.xml')!;
  const names = regs(sys).map((r) => r.name);
  for (const n of ['sctlr_el1', 'tcr_el1', 'ttbr0_el1', 'ttbr1_el1', 'mair_el1', 'vbar_el1', 'esr_el1', 'far_el1', 'elr_el1', 'spsr_el1', 'sp_el0', 'sp_el1', 'currentel']) {
    t.true(names.includes(n), n);
  }
  t.is(regs(sys)[0]!.regnum, 68);
  t.is([...sys.matchAll(/group="system" save-restore="no"/g)].length, names.length);
});

test('the g packet is regnums 0–67 in order; system registers are fetched with p', (t) => {
  t.deepEqual(G_PACKET_REGISTERS.map((r) => r.regnum), Array.from({ length: 68 }, (_, i) => i));
  t.is(AARCH64_REGISTERS.length, 68 + regs(files.get('hvdbg-sysregs.xml')!).length);
  t.deepEqual(EXPEDITED_REGISTERS.map((n) => registerByName(n).regnum), [32, 31, 29, 30, 33]);
});
