// Builds the C fixtures of test/fixtures/a64/ with Debian's AArch64 cross gcc, once per test
// process, into a temporary folder removed when the process exits. Nothing is checked in as a
// binary: every image a test reads is compiled from source here, at test time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from '../helpers/external-tool.ts';

export const GCC = { names: ['aarch64-linux-gnu-gcc'], debianPackage: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' } as const;
export const READELF = { names: ['llvm-readelf-16', 'llvm-readelf'], debianPackage: 'llvm-16' } as const;
export const OBJDUMP = { names: ['llvm-objdump-16', 'llvm-objdump'], debianPackage: 'llvm-16' } as const;

export const FIXTURES = fileURLToPath(new URL('../fixtures/a64/', import.meta.url));

let dir: string | undefined;
const built = new Map<string, string>();

/** Path of `test/fixtures/a64/NAME.c` compiled with `flags` (e.g. ['-O2', '-static']). */
export function buildFixture(name: string, flags: readonly string[]): string {
  const key = `${name} ${flags.join(' ')}`;
  const done = built.get(key);
  if (done) return done;
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'hvdbg-a64-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  const out = join(dir, `${name}-${built.size}`);
  execFileSync(which(GCC.names)!, [...flags, '-o', out, join(FIXTURES, `${name}.c`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  built.set(key, out);
  return out;
}

/** Runs one of the tools above and returns what it printed. */
export function runTool(tool: { names: readonly string[] }, args: readonly string[]): string {
  return execFileSync(which(tool.names)!, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}
