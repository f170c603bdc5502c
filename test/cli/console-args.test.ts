// The words of `hvdbg run`'s stdin commands, without a guest: numbers, address expressions
// (number, symbol[+off], $register[+off]) resolved against the demo guest's symbols, counts,
// watch access words; and PSTATE as the console decodes it. Addresses come from the ELF's
// symbol table (core/formats/elf); PSTATE bit positions from the Arm ARM (SPSR_EL2: M[3:0],
// DAIF at 9..6, NZCV at 31..28).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ConsoleError, parseAddressExpr, parseCount, parseNumber, resolveAddress, watchAccess, words } from '../../core/cli/console-args.ts';
import { describeCpsr, hexDump } from '../../core/cli/console-format.ts';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { detectGuestImage } from '../../core/formats/guest-image.ts';
import { SessionSymbols } from '../../core/session/index.ts';

const bytes = readFileSync(new URL('../../examples/guest/build/demo.elf', import.meta.url));
const elf = ElfFile.parse(bytes);
const symbols = SessionSymbols.fromImage(detectGuestImage(new Uint8Array(bytes), 'demo.elf'));
const ctx = {
  resolveSymbol: (name: string) => symbols.resolve(name),
  readRegister: async (name: string) => (name === 'sp' ? 0x8_1001_0400n : Promise.reject(new Error(`no ${name}`))),
};

test('numbers: 0x… hex and decimal, below 2^64; anything else is a bad argument', (t) => {
  t.is(parseNumber('0x810000000', 'address'), 0x8_1000_0000n);
  t.is(parseNumber('0XFF', 'address'), 255n);
  t.is(parseNumber('1234', 'address'), 1234n);
  t.is(parseNumber('0xffffffffffffffff', 'address'), (1n << 64n) - 1n);
  for (const bad of ['', '-1', '0x', '12a', '0x1g', '1.5', ' 1', '0x10000000000000000']) {
    const e = t.throws(() => parseNumber(bad, 'LEN'), { instanceOf: ConsoleError }, bad);
    t.is(e?.code, 'CONSOLE_BAD_ARGUMENT');
    t.regex(e!.message, /^LEN: /);
  }
});

test('counts: bounds and the default when absent', (t) => {
  const b = { min: 1, max: 8, fallback: 4 };
  t.is(parseCount(undefined, 'watch LEN', b), 4);
  t.is(parseCount('8', 'watch LEN', b), 8);
  t.is(parseCount('0x1', 'watch LEN', b), 1);
  t.throws(() => parseCount('0', 'watch LEN', b), { message: /watch LEN: 0 is out of range/ });
  t.throws(() => parseCount('9', 'watch LEN', b), { message: /out of range/ });
  t.throws(() => parseCount('four', 'watch LEN', b), { message: /'four' is not a number/ });
});

test('address expressions: number, symbol, symbol+off / symbol-off, $register+off', (t) => {
  t.deepEqual(parseAddressExpr('0x8100039c0'), { kind: 'number', value: 0x8_1000_39c0n });
  t.deepEqual(parseAddressExpr('4096'), { kind: 'number', value: 4096n });
  t.deepEqual(parseAddressExpr('visit_leaf'), { kind: 'symbol', name: 'visit_leaf', offset: 0n });
  t.deepEqual(parseAddressExpr('visit_leaf+0x8'), { kind: 'symbol', name: 'visit_leaf', offset: 8n });
  t.deepEqual(parseAddressExpr('fib+12'), { kind: 'symbol', name: 'fib', offset: 12n });
  t.deepEqual(parseAddressExpr('fib-4'), { kind: 'symbol', name: 'fib', offset: -4n });
  t.deepEqual(parseAddressExpr('$sp+16'), { kind: 'register', name: 'sp', offset: 16n });
  t.deepEqual(parseAddressExpr('$PC'), { kind: 'register', name: 'pc', offset: 0n });
  for (const bad of ['', 'visit_leaf+', 'visit_leaf+zz', '+4', 'a b', '$', '$1x', 'fib+-4', '0x12z']) {
    t.throws(() => parseAddressExpr(bad), { instanceOf: ConsoleError }, bad);
  }
});

test('addresses resolve against the guest symbols (values from the ELF symbol table) and registers', async (t) => {
  const leaf = elf.requireSymbol('visit_leaf').value;
  t.is(await resolveAddress(parseAddressExpr('visit_leaf'), ctx), leaf);
  t.is(await resolveAddress(parseAddressExpr('visit_leaf+0x10'), ctx), leaf + 16n);
  t.is(await resolveAddress(parseAddressExpr('demo_counter'), ctx), elf.requireSymbol('demo_counter').value);
  t.is(await resolveAddress(parseAddressExpr('$sp+16'), ctx), 0x8_1001_0410n);
  t.is(await resolveAddress(parseAddressExpr('0x810000000'), ctx), 0x8_1000_0000n);
  await t.throwsAsync(resolveAddress(parseAddressExpr('no_such_symbol'), ctx), { code: 'SESSION_NO_SYMBOL', message: "no symbol 'no_such_symbol'" });
  await t.throwsAsync(resolveAddress(parseAddressExpr('$x99'), ctx), { message: 'no x99' });
});

test('watch access words and command words', (t) => {
  t.is(watchAccess('r'), 'read');
  t.is(watchAccess('w'), 'write');
  t.is(watchAccess('rw'), 'access');
  t.is(watchAccess('WRITE'), 'write');
  t.is(watchAccess('x'), undefined);
  t.deepEqual(words('  mem   -p 0x10  16 '), ['mem', '-p', '0x10', '16']);
  t.deepEqual(words('   '), []);
});

test('PSTATE: mode, NZCV and DAIF as the Arm ARM lays them out', (t) => {
  t.is(describeCpsr(0x3c5n), 'EL1h nzcv DAIF'); // EL1h (M = 0b0101), all of DAIF masked
  t.is(describeCpsr(0x3c4n), 'EL1t nzcv DAIF');
  t.is(describeCpsr(0x0n), 'EL0t nzcv daif');
  t.is(describeCpsr(0x6000_0009n), 'EL2h nZCv daif');
  t.is(describeCpsr(0x8000_0305n), 'EL1h Nzcv DAif');
  t.is(describeCpsr(0x10n), 'AArch32 nzcv daif');
});

test('hex dump: 16 bytes a line, address, hex, ASCII with dots', (t) => {
  const data = new TextEncoder().encode('hello from the hvdbg demo guest\0\x01');
  t.deepEqual(hexDump(0x8_1000_0000n, data), [
    '0000000810000000  68 65 6c 6c 6f 20 66 72 6f 6d 20 74 68 65 20 68  hello from the h',
    '0000000810000010  76 64 62 67 20 64 65 6d 6f 20 67 75 65 73 74 00  vdbg demo guest.',
    '0000000810000020  01                                               .',
  ]);
});
