// Golden values quoted from m1n1-protocol.md §2.5 ("verified against a C build of the firmware
// routine"); none of them is produced by the code under test.
import test from 'ava';
import { checksum, checksumUpdate, checksumFinish, CHECKSUM_INIT } from '../../core/uartproxy/checksum.ts';
import { cat, hex, zeros } from '../helpers/bytes.ts';

test('checksum of the empty input is 0x73736542', (t) => {
  t.is(checksum(new Uint8Array(0)), 0x73736542);
});

test('running state over the first bytes of a NOP request matches the spec', (t) => {
  const steps = [0x224136ac, 0x20cd649b, 0x56302283, 0x4a309615];
  let s = CHECKSUM_INIT;
  hex('ff 55 aa 00').forEach((b, i) => {
    s = checksumUpdate(s, Uint8Array.of(b));
    t.is(s, steps[i]!, `after byte ${i}`);
  });
});

test('NOP request checksums (features 1 and 0)', (t) => {
  t.is(checksum(cat(hex('ff 55 aa 00 01'), zeros(55))), 0x1c03d9f3);
  t.is(checksum(cat(hex('ff 55 aa 00'), zeros(56))), 0x4b973968);
});

test('reply checksums from the worked examples', (t) => {
  t.is(checksum(cat(hex('ff 55 aa 00 00 00 00 00 01'), zeros(23))), 0x34ec2b2b);
  t.is(checksum(cat(hex('ff 55 aa 00'), zeros(28))), 0x90b64a40);
  t.is(checksum(cat(hex('ff 55 aa 00 fc ff ff ff'), zeros(24))), 0x1f35b70f);
  t.is(checksum(cat(hex('ff 55 aa 01'), zeros(56))), 0x2f6e192b);
});

test('data checksum of bytes 00..0f is 0x58DC10CA', (t) => {
  t.is(checksum(Uint8Array.from({ length: 16 }, (_, i) => i)), 0x58dc10ca);
});

test('incremental checksum equals checksum of the concatenation at every split', (t) => {
  const data = Uint8Array.from({ length: 37 }, (_, i) => (i * 73 + 11) & 0xff);
  const whole = checksum(data);
  for (let cut = 0; cut <= data.length; cut++) {
    const s = checksumUpdate(checksumUpdate(CHECKSUM_INIT, data, 0, cut), data, cut);
    t.is(checksumFinish(s), whole, `split at ${cut}`);
  }
});
