// Shared by the host and gdb benchmarks: assembles the small guests of test/bench/guest/ at bench
// time with GNU binutils for aarch64 (Debian binutils-aarch64-linux-gnu), into a temporary
// directory. A bare guest is linked where it runs (the virtual M1 enters it at EL1 with the MMU
// off at its link address, like the demo guest); a Linux one is a plain static executable for
// qemu-aarch64.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from '../helpers/which.ts';

export const GUEST_DIR = fileURLToPath(new URL('./guest/', import.meta.url));
/** Inside the virtual M1's DRAM, where the demo guest goes too (examples/guest/link.ld). */
export const BARE_LOAD_ADDRESS = 0x8_1000_0000n;

export interface Toolchain {
  readonly as: string;
  readonly ld: string;
}

/** The assembler and linker, or a "skipped: …" reason. */
export function findToolchain(): Toolchain | string {
  const as = which(['aarch64-linux-gnu-as']);
  const ld = which(['aarch64-linux-gnu-ld']);
  if (!as || !ld) return 'skipped: needs aarch64-linux-gnu-as and aarch64-linux-gnu-ld (Debian binutils-aarch64-linux-gnu)';
  return { as, ld };
}

export type Defsyms = Readonly<Record<string, bigint | number>>;

/**
 * Assembles `source` (a file in test/bench/guest/) and links it. 'bare': one RWX segment at
 * BARE_LOAD_ADDRESS, no headers loaded (-N); 'linux': a static executable at ld's default place.
 */
export function buildGuest(tc: Toolchain, dir: string, source: string, kind: 'bare' | 'linux', defsyms: Defsyms = {}): string {
  const base = source.replace(/\.S$/, '');
  const obj = join(dir, `${base}-${kind}.o`);
  const out = join(dir, `${base}-${kind}.elf`);
  const syms = Object.entries(defsyms).flatMap(([k, v]) => ['--defsym', `${k}=0x${v.toString(16)}`]);
  execFileSync(tc.as, ['-g', '-I', GUEST_DIR, ...syms, '-o', obj, join(GUEST_DIR, source)]);
  const layout = kind === 'bare' ? ['-N', `-Ttext=0x${BARE_LOAD_ADDRESS.toString(16)}`, '--no-warn-rwx-segments'] : ['-static'];
  execFileSync(tc.ld, [...layout, '-e', '_start', '-o', out, obj]);
  return out;
}

/** A scratch directory removed after `body`, even when it throws. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-bench-'));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
