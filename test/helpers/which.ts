// Finds a program on PATH. Kept apart from external-tool.ts (which needs ava) so benchmarks,
// which run outside ava, can use it.
import { execFileSync } from 'node:child_process';

export function which(names: readonly string[]): string | undefined {
  for (const name of names) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}
