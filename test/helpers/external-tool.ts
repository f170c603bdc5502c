// Tests that need an outside program (llvm-objdump, qemu-aarch64, gdb-multiarch, …) are declared
// through `testWithTool`: on a developer's machine without the program they are skipped with a
// loud reason; under CI=true a missing program fails them, since .ci/run installs every program
// the suite needs.
import test, { type ExecutionContext } from 'ava';
import { which } from './which.ts';

export { which };

type Body = (t: ExecutionContext) => void | Promise<void>;

/** `test`, `test.skip` (loudly) or a failing test, depending on whether all of `tools` are on PATH. */
export function testWithTool(tools: ReadonlyArray<{ names: readonly string[]; debianPackage: string }>): (title: string, body: Body) => void {
  const missing = tools.filter((tool) => which(tool.names) === undefined);
  if (missing.length === 0) return (title, body) => test(title, body);
  const reason = `needs ${missing.map((m) => `${m.names[0]} (Debian package ${m.debianPackage})`).join(', ')}; .ci/run installs them`;
  if (process.env.CI === 'true') return (title) => test(title, (t) => t.fail(`${reason} — missing under CI`));
  console.warn(`\n*** SKIPPING tests: ${reason} ***\n`);
  return (title, body) => test.skip(title, body);
}
