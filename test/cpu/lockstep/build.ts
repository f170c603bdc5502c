// Builds the lockstep programs of test/fixtures/a64/ with Debian's AArch64 cross gcc at test
// time, into a temporary folder removed when the process exits: C as static glibc programs
// (libraries after the source, as static linking needs), assembly (`*.S`) with -nostdlib.
// Test code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../helpers/external-tool.ts';
import { FIXTURES, GCC } from '../../formats/cross-compile.ts';

let dir: string | undefined;
const built = new Map<string, string>();

function outDir(): string {
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'hvdbg-lockstep-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

function gcc(source: string, name: string, args: readonly string[]): string {
  const key = `${source} ${args.join(' ')}`;
  const done = built.get(key);
  if (done) return done;
  const out = join(outDir(), `${name}-${built.size}`);
  const flags = args.filter((a) => !a.startsWith('-l'));
  const libs = args.filter((a) => a.startsWith('-l'));
  execFileSync(which(GCC.names)!, [...flags, '-o', out, source, ...libs], { stdio: ['ignore', 'ignore', 'pipe'] });
  built.set(key, out);
  return out;
}

/** `test/fixtures/a64/NAME.c` as a static program (-O2 -static, then `extra`, e.g. ['-lm']). */
export function buildC(name: string, extra: readonly string[] = []): string {
  return gcc(join(FIXTURES, `${name}.c`), name, ['-O2', '-static', ...extra]);
}

/** `test/fixtures/a64/NAME.S` as a static program without the C library (entry `_start`). */
export function buildAsm(name: string): string {
  return gcc(join(FIXTURES, `${name}.S`), name, ['-nostdlib', '-static']);
}

/** The assembly fixtures present (names without `.S`), sorted. */
export function asmFixtures(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.S'))
    .map((f) => f.slice(0, -2))
    .sort();
}
