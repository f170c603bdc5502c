// Request frames against the worked examples of m1n1-protocol.md §2.5 (golden bytes quoted
// from the spec, never produced by the code under test).
import test from 'ava';
import {
  encodeMemRead,
  encodeMemWrite,
  encodeNop,
  encodeProxy,
  encodeRequest,
  RequestWriter,
} from '../../core/uartproxy/frame-encoder.ts';
import { UartProxyError } from '../../core/uartproxy/errors.ts';
import { CHECKSUM_SENTINEL, FrameType } from '../../core/uartproxy/constants.ts';
import { cat, hex, toHex as show, zeros } from '../helpers/bytes.ts';

const GOLDEN = {
  nop1: hex(`ff 55 aa 00 01 00 00 00 00 00 00 00 00 00 00 00
             00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
             00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
             00 00 00 00 00 00 00 00 00 00 00 00 f3 d9 03 1c`),
  nop0: cat(hex('ff 55 aa 00'), zeros(56), hex('68 39 97 4b')),
  pNop: cat(hex('ff 55 aa 01'), zeros(56), hex('2b 19 6e 2f')),
  pGetBootargs: cat(hex('ff 55 aa 01 03'), zeros(55), hex('40 79 c3 1a')),
  pExit2: cat(hex('ff 55 aa 01 01 00 00 00 00 00 00 00 02'), zeros(47), hex('c0 68 5b 88')),
  memRead: cat(hex('ff 55 aa 02 00 00 00 00 08 00 00 00 10'), zeros(47), hex('46 ba 7c 23')),
  memWriteOn: cat(hex('ff 55 aa 03 00 00 00 00 08 00 00 00 10 00 00 00 00 00 00 00 ca 10 dc 58'), zeros(36), hex('bb 45 a3 52')),
  memWriteOff: cat(hex('ff 55 aa 03 00 00 00 00 08 00 00 00 10 00 00 00 00 00 00 00 de ca de d0'), zeros(36), hex('6b c5 ad 94')),
};

test('NOP requests match §2.5 (features 1 and 0)', (t) => {
  t.is(show(encodeNop(1n)), show(GOLDEN.nop1));
  t.is(show(encodeNop(0n)), show(GOLDEN.nop0));
});

test('PROXY requests match §2.5 (P_NOP, P_GET_BOOTARGS, P_EXIT(2))', (t) => {
  t.is(show(encodeProxy(0x000)), show(GOLDEN.pNop));
  t.is(show(encodeProxy(0x003, [])), show(GOLDEN.pGetBootargs));
  t.is(show(encodeProxy(0x001, [2n])), show(GOLDEN.pExit2));
});

test('MEMREAD request for 16 bytes at 0x800000000 matches §2.5', (t) => {
  t.is(show(encodeMemRead(0x800000000n, 16)), show(GOLDEN.memRead));
});

test('MEMWRITE requests match §2.5 with data checksums on and off', (t) => {
  t.is(show(encodeMemWrite(0x800000000n, 16, 0x58dc10ca)), show(GOLDEN.memWriteOn));
  t.is(show(encodeMemWrite(0x800000000n, 16, CHECKSUM_SENTINEL)), show(GOLDEN.memWriteOff));
});

test('encodeRequest with explicit body words equals the helpers', (t) => {
  t.is(show(encodeRequest(FrameType.REQ_PROXY, [1n, 2n])), show(GOLDEN.pExit2));
  t.is(show(encodeRequest(FrameType.REQ_NOP)), show(GOLDEN.nop0));
});

test('proxy arguments land at 0x0C + 8·i; missing ones are zero; negatives are two\'s complement', (t) => {
  const f = encodeProxy(0x105, [0x23b100000n, -1n]);
  t.is(f.length, 64);
  t.is(show(f.subarray(0, 12)), 'ff 55 aa 01 05 01 00 00 00 00 00 00');
  t.is(show(f.subarray(0x0c, 0x14)), '00 00 10 3b 02 00 00 00');
  t.is(show(f.subarray(0x14, 0x1c)), 'ff ff ff ff ff ff ff ff');
  t.is(show(f.subarray(0x1c, 0x3c)), show(zeros(32)));
  const six = encodeProxy(0x002, [1n, 2n, 3n, 4n, 5n, (1n << 64n) - 1n]);
  t.is(six[0x34], 0xff);
  t.is(six[0x2c], 5);
});

test('bad arguments are refused with UARTPROXY_BAD_ARGUMENT', (t) => {
  const codeOf = (fn: () => unknown) => t.throws(fn, { instanceOf: UartProxyError })?.code;
  t.is(codeOf(() => encodeProxy(0x002, [1n, 2n, 3n, 4n, 5n, 6n, 7n])), 'UARTPROXY_BAD_ARGUMENT');
  t.is(codeOf(() => encodeProxy(0x002, [1n << 64n])), 'UARTPROXY_BAD_ARGUMENT');
  t.is(codeOf(() => encodeProxy(0x002, [-(1n << 63n) - 1n])), 'UARTPROXY_BAD_ARGUMENT');
  t.is(codeOf(() => encodeMemRead(0n, -1)), 'UARTPROXY_BAD_ARGUMENT');
  t.is(codeOf(() => encodeMemRead(0n, 1.5)), 'UARTPROXY_BAD_ARGUMENT');
  t.is(codeOf(() => encodeProxy(-1)), 'UARTPROXY_BAD_ARGUMENT');
});

test('RequestWriter produces the golden frames and never overwrites a frame it handed out', (t) => {
  const w = new RequestWriter();
  const first = w.nop(1n);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) frames.push(w.proxy(0x001, [2n])); // crosses several slabs
  const last = w.memWrite(0x800000000n, 16, 0x58dc10ca);
  t.is(show(first), show(GOLDEN.nop1));
  t.true(frames.every((f) => show(f) === show(GOLDEN.pExit2)));
  t.is(show(last), show(GOLDEN.memWriteOn));
  t.is(show(w.memRead(0x800000000n, 16)), show(GOLDEN.memRead));
});
