// Shared by the benchmarks: run a body repeatedly and report the best rate, so one slow run
// (another process on the 2 cores) does not decide the figure.

export function bestRate(runs: number, work: () => number): number {
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const units = work();
    best = Math.max(best, units / ((performance.now() - t0) / 1000));
  }
  return best;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
