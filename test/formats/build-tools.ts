// Builds the DWARF and Mach-O fixtures of the format tests at test time, into a temporary folder
// removed when the process exits: C with Debian's aarch64-linux-gnu-gcc (DWARF 4 and 5 as gcc
// 12 emits them), assembly with llvm-mc-16 (DWARF 5 as LLVM emits it, with MD5 and
// .debug_line_str; Mach-O objects). Nothing is checked in as a binary.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../helpers/external-tool.ts';

export const GCC = { names: ['aarch64-linux-gnu-gcc'], debianPackage: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' } as const;
export const DWARFDUMP = { names: ['llvm-dwarfdump-16'], debianPackage: 'llvm-16' } as const;
export const NM = { names: ['llvm-nm-16'], debianPackage: 'llvm-16' } as const;
export const OBJDUMP = { names: ['llvm-objdump-16'], debianPackage: 'llvm-16' } as const;
export const LLVM_MC = { names: ['llvm-mc-16'], debianPackage: 'llvm-16' } as const;
export const READELF = { names: ['llvm-readelf-16'], debianPackage: 'llvm-16' } as const;

let dir: string | undefined;
let serial = 0;

/** A fresh path in this process's temporary folder. */
export function scratch(name: string): string {
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'hvdbg-formats-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return join(dir, `${serial++}-${name}`);
}

/** Writes `sources` (name → text) into one folder and returns that folder's paths for them. */
export function writeSources(sources: Record<string, string>): Record<string, string> {
  const folder = scratch('src');
  execFileSync('mkdir', ['-p', folder]);
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(sources)) {
    out[name] = join(folder, name);
    writeFileSync(out[name], text);
  }
  return out;
}

export function run(tool: { names: readonly string[] }, args: readonly string[], cwd?: string): string {
  return execFileSync(which(tool.names)!, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Compiles and links C files with aarch64-linux-gnu-gcc; returns the output path. */
export function gcc(files: readonly string[], flags: readonly string[], name = 'a.out'): string {
  const out = scratch(name);
  run(GCC, [...flags, '-o', out, ...files]);
  return out;
}

/** Like run, but a non-zero exit (llvm-dwarfdump --lookup finding nothing exits 1) still returns stdout. */
export function runAnyStatus(tool: { names: readonly string[] }, args: readonly string[]): string {
  try {
    return run(tool, args);
  } catch (e) {
    const out = (e as { stdout?: unknown }).stdout;
    if (typeof out === 'string') return out;
    throw e;
  }
}
