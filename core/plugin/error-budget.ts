// Layer: core/plugin. "A plugin that keeps failing is disabled": at most `max` errors within
// `windowMs`; the clock is injectable so tests need no timing. Imports nothing.

export interface ErrorBudgetOptions {
  /** Errors tolerated within the window; the next one exhausts the budget (default 5). */
  readonly max?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_MAX_ERRORS = 5;
export const DEFAULT_ERROR_WINDOW_MS = 10_000;

export class ErrorBudget {
  readonly max: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private times: number[] = [];

  constructor(options: ErrorBudgetOptions = {}) {
    this.max = options.max ?? DEFAULT_MAX_ERRORS;
    this.windowMs = options.windowMs ?? DEFAULT_ERROR_WINDOW_MS;
    this.now = options.now ?? Date.now;
  }

  /** Records one error; true when `max` errors now fall within the window. */
  record(): boolean {
    const t = this.now();
    this.times = this.times.filter((x) => t - x < this.windowMs);
    this.times.push(t);
    return this.times.length >= this.max;
  }

  /** Errors within the window. */
  get count(): number {
    const t = this.now();
    return this.times.filter((x) => t - x < this.windowMs).length;
  }

  reset(): void {
    this.times = [];
  }
}
