// Test helper (not a test): a recording fake ProxyTransport, the "fake at the bottom" for
// core/proxy. It records every request in issue order and answers with scripted values.

import type { MemTransferOptions, ProxyCallOptions, ProxyTransport } from '../../core/proxy/transport.ts';

export type RecordedCall =
  | { kind: 'proxy'; opcode: number; args: bigint[]; opts: ProxyCallOptions | undefined }
  | { kind: 'memWrite'; addr: bigint; data: Uint8Array }
  | { kind: 'memRead'; addr: bigint; size: number };

type Reply = bigint | Error;

export class RecordingTransport implements ProxyTransport {
  readonly calls: RecordedCall[] = [];
  /** Replies per opcode, consumed in order; when empty, `defaultReply`. */
  private readonly scripted = new Map<number, Reply[]>();
  defaultReply = 0n;
  /** When set, replies are held until `release()` (to observe what was issued before any reply). */
  gated = false;
  private held: Array<() => void> = [];
  /** Bytes written with memWrite, by address. */
  readonly memory = new Map<bigint, Uint8Array>();
  memWriteError: Error | undefined;

  /** Queues replies (values or errors to reject with) for `opcode`. */
  reply(opcode: number, ...values: Reply[]): this {
    this.scripted.set(opcode, [...(this.scripted.get(opcode) ?? []), ...values]);
    return this;
  }

  proxy(opcode: number, args: readonly bigint[] = [], opts?: ProxyCallOptions): Promise<bigint> {
    this.calls.push({ kind: 'proxy', opcode, args: [...args], opts: opts === undefined ? undefined : { ...opts } });
    const value = this.scripted.get(opcode)?.shift() ?? this.defaultReply;
    const settle = (): Promise<bigint> => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value));
    if (!this.gated) return settle();
    return new Promise<bigint>((resolve, reject) => this.held.push(() => settle().then(resolve, reject)));
  }

  memWrite(addr: bigint, data: Uint8Array, _opts?: MemTransferOptions): Promise<void> {
    this.calls.push({ kind: 'memWrite', addr, data: data.slice() });
    if (this.memWriteError) return Promise.reject(this.memWriteError);
    this.memory.set(addr, data.slice());
    return Promise.resolve();
  }

  memRead(addr: bigint, size: number, _opts?: MemTransferOptions): Promise<Uint8Array> {
    this.calls.push({ kind: 'memRead', addr, size });
    return Promise.resolve(new Uint8Array(size));
  }

  /** Lets every held reply through, in issue order. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h();
  }

  get proxyCalls(): Array<{ opcode: number; args: bigint[]; opts: ProxyCallOptions | undefined }> {
    return this.calls.filter((c) => c.kind === 'proxy');
  }

  get memWrites(): Array<{ addr: bigint; data: Uint8Array }> {
    return this.calls.filter((c) => c.kind === 'memWrite');
  }
}
