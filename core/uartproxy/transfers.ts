// Layer: core/uartproxy. Splits a memory read or write of any size into MEMREAD/MEMWRITE
// chunks and keeps up to `depth` of them in flight (§4.3, §4.4): the target serves requests in
// order, so the next request may go out before the previous reply. Imports this folder only.

import { UartProxyError } from './errors.ts';
import { hex, type ChunkOwner, type Pending } from './in-flight.ts';

/** What a transfer needs from the client. */
export interface TransferLink {
  /**
   * Queues and writes one MEMREAD chunk; throws a UartProxyError when the request is refused.
   * The link calls `owner.chunkQueued()` before writing, so even a reply delivered synchronously
   * by the transport finds the chunk registered.
   */
  sendMemRead(owner: ChunkOwner, addr: bigint, size: number, into: Uint8Array, offset: number, timeoutMs: number | null): void;
  /**
   * Queues and writes one MEMWRITE chunk (request, data, and trailer when data checksums are
   * off) in one go; resolves when the transport can take more. Throws when refused.
   */
  sendMemWrite(owner: ChunkOwner, addr: bigint, data: Uint8Array, timeoutMs: number | null): Promise<void>;
  /** Resolves when no NOP is in flight (a NOP may change how MEMWRITE data is framed, §2.6). */
  featuresSettled(): Promise<void> | null;
}

export interface TransferOptions {
  chunkBytes: number;
  depth: number;
  timeoutMs: number | null;
  onProgress: ((doneBytes: number, totalBytes: number) => void) | undefined;
}

abstract class Transfer implements ChunkOwner {
  protected next = 0;
  protected done = 0;
  protected inFlight: Pending[] = [];
  protected error: UartProxyError | null = null;

  constructor(
    protected readonly link: TransferLink,
    protected readonly addr: bigint,
    protected readonly size: number,
    protected readonly options: TransferOptions,
    private readonly verb: string,
  ) {}

  abstract chunkDone(chunk: Pending): void;

  chunkQueued(chunk: Pending): void {
    this.inFlight.push(chunk);
  }

  chunkFailed(chunk: Pending, error: UartProxyError): void {
    this.forget(chunk);
    this.fail(error);
  }

  chunkProgress(_chunk: Pending, receivedBytes: number): void {
    this.progress(this.done + receivedBytes);
  }

  describeChunk(chunk: Pending): string {
    const { chunkBytes } = this.options;
    const index = Number(chunk.addr - this.addr) / chunkBytes;
    const count = Math.ceil(this.size / chunkBytes);
    return `chunk ${index + 1}/${count} of a ${hex(this.size)}-byte ${this.verb} at ${hex(this.addr)}`;
  }

  protected forget(chunk: Pending): void {
    const i = this.inFlight.indexOf(chunk);
    if (i >= 0) this.inFlight.splice(i, 1);
  }

  protected progress(doneBytes: number): void {
    const { onProgress } = this.options;
    if (onProgress === undefined || this.error !== null) return;
    try {
      onProgress(doneBytes, this.size);
    } catch (cause) {
      this.fail(new UartProxyError('UARTPROXY_CALLBACK_FAILED', `the onProgress callback of a ${this.verb} at ${hex(this.addr)} threw`, { cause }));
    }
  }

  protected fail(error: UartProxyError): void {
    if (this.error !== null) return;
    this.error = error;
    // Chunks still in flight will be answered and consumed in order, but their bytes must not
    // land in a buffer the caller owns again once we have rejected.
    for (const chunk of this.inFlight) chunk.into = null;
    this.settle();
  }

  protected abstract settle(): void;
}

export class ReadTransfer extends Transfer {
  private resolve: (data: Uint8Array) => void = () => {};
  private reject: (error: UartProxyError) => void = () => {};

  constructor(
    link: TransferLink,
    addr: bigint,
    size: number,
    private readonly into: Uint8Array,
    options: TransferOptions,
  ) {
    super(link, addr, size, options, 'read');
  }

  start(): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.fill();
    });
  }

  chunkDone(chunk: Pending): void {
    this.forget(chunk);
    if (this.error !== null) return;
    this.done += chunk.size;
    this.progress(this.done);
    if (this.done === this.size) this.settle();
    else this.fill();
  }

  private fill(): void {
    const { chunkBytes, depth, timeoutMs } = this.options;
    while (this.error === null && this.inFlight.length < depth && this.next < this.size) {
      // Advance first: with a synchronous transport the chunk may complete inside the send.
      const offset = this.next;
      const length = Math.min(chunkBytes, this.size - offset);
      this.next += length;
      try {
        this.link.sendMemRead(this, this.addr + BigInt(offset), length, this.into, offset, timeoutMs);
      } catch (error) {
        this.fail(asUartProxyError(error));
        return;
      }
    }
  }

  protected settle(): void {
    if (this.error !== null) this.reject(this.error);
    else this.resolve(this.into.length === this.size ? this.into : this.into.subarray(0, this.size));
  }
}

export class WriteTransfer extends Transfer {
  private wake: (() => void) | null = null;

  constructor(
    link: TransferLink,
    addr: bigint,
    private readonly data: Uint8Array,
    options: TransferOptions,
  ) {
    super(link, addr, data.length, options, 'write');
  }

  async run(): Promise<void> {
    const { chunkBytes, depth, timeoutMs } = this.options;
    try {
      while (this.error === null && this.next < this.size) {
        if (this.inFlight.length >= depth) {
          await this.slot();
          continue;
        }
        const barrier = this.link.featuresSettled();
        if (barrier !== null) {
          await barrier;
          continue;
        }
        const length = Math.min(chunkBytes, this.size - this.next);
        const piece = this.data.subarray(this.next, this.next + length);
        this.next += length;
        let drained: Promise<void> | undefined;
        try {
          drained = this.link.sendMemWrite(this, this.addr + BigInt(this.next - length), piece, timeoutMs);
        } catch (error) {
          this.fail(asUartProxyError(error));
          break;
        }
        await drained;
      }
      while (this.error === null && this.inFlight.length > 0) await this.slot();
    } catch (error) {
      this.fail(asUartProxyError(error));
    }
    if (this.error !== null) throw this.error;
  }

  chunkDone(chunk: Pending): void {
    this.forget(chunk);
    if (this.error !== null) return;
    this.done += chunk.size;
    this.progress(this.done);
    this.settle();
  }

  private slot(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  protected settle(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function asUartProxyError(error: unknown): UartProxyError {
  if (error instanceof UartProxyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UartProxyError('UARTPROXY_LINK_CLOSED', `transfer stopped: ${message}`, { cause: error });
}
