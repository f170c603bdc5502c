// Layer: sim/coproc (RTKit). The application endpoints (EP 0x20–0xff, apple-devices §5.10)
// plugged into the RTKit model: which exist, which the AP started, and message delivery.
// Imports this folder only.

import type { RtkitAppEndpoint, RtkitEndpointIo } from './endpoint.ts';
import { EP } from './messages.ts';

export class AppEndpoints {
  private readonly apps = new Map<number, RtkitAppEndpoint>();
  private readonly started = new Set<number>();

  constructor(
    list: readonly RtkitAppEndpoint[],
    private readonly makeIo: (app: RtkitAppEndpoint) => RtkitEndpointIo,
    private readonly log: (line: string) => void,
  ) {
    for (const ep of list) {
      if (!Number.isInteger(ep.endpoint) || ep.endpoint < EP.APP_FIRST || ep.endpoint > 0xff) {
        throw new RangeError(`application endpoint 0x${ep.endpoint.toString(16)} outside 0x20..0xff`);
      }
      if (this.apps.has(ep.endpoint)) throw new RangeError(`application endpoint 0x${ep.endpoint.toString(16)} given twice`);
      this.apps.set(ep.endpoint, ep);
    }
  }

  numbers(): number[] {
    return [...this.apps.keys()];
  }

  name(ep: number): string | undefined {
    return this.apps.get(ep)?.name;
  }

  has(ep: number): boolean {
    return this.apps.has(ep);
  }

  /** START_EP (§5.3 step 6): `start(io)` each time the AP starts it. */
  start(ep: number): void {
    const app = this.apps.get(ep)!;
    this.started.add(ep);
    app.start(this.makeIo(app));
  }

  stop(ep: number): void {
    this.started.delete(ep);
  }

  /** Cold boot: no endpoint is started any more. */
  clear(): void {
    this.started.clear();
  }

  deliver(ep: number, msg0: bigint): void {
    const app = this.apps.get(ep);
    const hex = `0x${msg0.toString(16).padStart(16, '0')}`;
    if (!app) return this.log(`message ${hex} for endpoint 0x${ep.toString(16)} which was not announced, dropped`);
    if (!this.started.has(ep)) return this.log(`message ${hex} for ${app.name} before START_EP, dropped`);
    app.receive(msg0);
  }
}
