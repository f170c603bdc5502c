// Damaged Mach-O files: cut at every offset, every header and load-command byte overwritten,
// and the specific errors a user meets (not Mach-O, a fat or x86_64 file, a bad cmdsize, a
// symbol table past the end). Each must be a typed FormatError naming the structure and its
// file offset; no RangeError, no hang. The images are the hand-built ones of macho-fixtures.ts.
import test, { type ExecutionContext } from 'ava';
import { FormatError } from '../../core/formats/format-error.ts';
import { MachoFile } from '../../core/formats/macho/index.ts';
import { EXEC_SIZE, handExecutable, handFileset } from './macho-fixtures.ts';

/** Parses and uses everything a loader uses; a throw must be a MACHO_* FormatError with an offset. */
function useOrTypedError(t: ExecutionContext, bytes: Uint8Array, what: string): 'ok' | 'error' {
  try {
    const m = MachoFile.parse(bytes);
    void m.entry;
    void m.symbolizer.symbolize(0x100003f04n);
    void m.dwarfSections();
    try {
      m.loadPlan();
    } catch (e) {
      if (!(e instanceof FormatError) || !/^MACHO_/.test(e.code)) throw e;
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof FormatError)) {
      t.fail(`${what}: ${String(e)} is not a FormatError`);
      return 'error';
    }
    if (!/^MACHO_/.test(e.code) || e.where === undefined) t.fail(`${what}: ${e.code} ${e.message}`);
    return 'error';
  }
}

test('an MH_EXECUTE cut at every offset of its headers, and every 61st byte after, is a typed error', (t) => {
  const bytes = handExecutable('unixthread');
  let errors = 0;
  for (let n = 0; n < EXEC_SIZE; n += n < 0x400 ? 1 : 61) if (useOrTypedError(t, bytes.subarray(0, n), `cut at ${n}`) === 'error') errors++;
  t.is(useOrTypedError(t, bytes, 'whole'), 'ok');
  t.true(errors > 0);
  const e = t.throws(() => MachoFile.parse(bytes.subarray(0, 0x100)), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_TRUNCATED');
  t.regex(e!.message, /sizeofcmds/);
});

test('every byte of the header and load commands overwritten gives a file or a typed error', (t) => {
  for (const bytes of [handExecutable('unixthread'), handExecutable('main'), handFileset()]) {
    const m = MachoFile.parse(bytes);
    const end = 32 + m.header.sizeofcmds;
    let ok = 0;
    for (let at = 0; at < end; at++) {
      for (const v of [0x00, 0xff, 0x80, bytes[at]! ^ 0x21]) {
        const bad = bytes.slice();
        bad[at] = v;
        if (useOrTypedError(t, bad, `byte ${at} = 0x${v.toString(16)}`) === 'ok') ok++;
      }
    }
    t.true(ok > 0);
  }
});

test('the errors a user meets say what the file is and where it is wrong', (t) => {
  const exec = handExecutable('unixthread');
  const patched = (at: number, bytes: number[]) => {
    const b = exec.slice();
    b.set(bytes, at);
    return b;
  };
  const elf = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(56).fill(0)]);
  let e = t.throws(() => MachoFile.parse(elf), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_BAD_MAGIC');
  t.regex(e!.message, /0x464c457f is not MH_MAGIC_64/);
  e = t.throws(() => MachoFile.parse(patched(0, [0xca, 0xfe, 0xba, 0xbe])), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_UNSUPPORTED');
  t.regex(e!.message, /fat/);
  t.regex(e!.hint!, /lipo/);
  // cputype x86_64 (0x01000007).
  e = t.throws(() => MachoFile.parse(patched(4, [0x07, 0, 0, 0x01])), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_UNSUPPORTED');
  t.regex(e!.message, /cputype 0x1000007/);
  // Load command 0's cmdsize (file offset 36) = 4.
  e = t.throws(() => MachoFile.parse(patched(36, [4, 0, 0, 0])), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_MALFORMED');
  t.regex(e!.message, /^load command 0 \(LC_SEGMENT_64\) at offset 0x20: cmdsize 4/);
  t.is(e?.where?.offset, 0x20);
  // LC_SYMTAB's symoff: the symtab is command 4, after 72 + 152 + 232 + 72 bytes of segments.
  const symtabAt = 32 + 72 + 152 + 232 + 72;
  e = t.throws(() => MachoFile.parse(patched(symtabAt + 8, [0, 0, 0, 0x10])), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_OUT_OF_RANGE');
  t.regex(e!.message, /LC_SYMTAB.*symoff/);
  e = t.throws(() => MachoFile.parse(new Uint8Array(0)), { instanceOf: FormatError });
  t.is(e?.code, 'MACHO_TRUNCATED');
});
