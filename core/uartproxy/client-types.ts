// Layer: core/uartproxy. Public option and message types of UartProxyClient (client.ts).

export interface UartProxyClientOptions {
  /** Silence (ms) after which a request times out; a request's own `timeoutMs` overrides. Default 3000. */
  timeoutMs?: number;
  /** Names opcodes in messages (supplied by core/proxy), e.g. 0x105 → "P_READ32". */
  label?: (opcode: number) => string | undefined;
  /** MEMREAD/MEMWRITE chunk size in bytes. Default 1 MiB. */
  chunkBytes?: number;
  /** Chunk requests of one transfer in flight at once. Default 4. */
  pipelineDepth?: number;
  /** Event frames announcing a longer payload are treated as corruption. Default 64 KiB. */
  maxEventPayload?: number;
}

export interface ProxyOptions {
  /** Silence timeout for this request; null = wait forever. Default: the client's, or null with runsGuest. */
  timeoutMs?: number | null;
  /** The op never replies (P_REBOOT, P_SLEEP): resolve with 0 once written. */
  noReply?: boolean;
  /** The op runs the guest (P_HV_START…): its reply comes when the guest exits; callbacks arrive meanwhile. */
  runsGuest?: boolean;
  /** Name for messages instead of the client's `label(opcode)`, e.g. "P_READ32". */
  label?: string;
}

export interface ProxyReply {
  /** The opcode echoed by the target. */
  opcode: number;
  /** Proxy status: 0 = S_OK, -1 = S_BADCMD (§2.7). */
  proxyStatus: bigint;
  retval: bigint;
}

/** A REQ_BOOT start message (§2.3, §9.3). */
export interface BootMessage {
  reason: number;
  code: number;
  /** Target address of `struct exc_info` (0 for START_BOOT and WDT_BARK). */
  info: bigint;
  /** Depth of the session this message opened (0 for START_BOOT). */
  depth: number;
  /** Synthesised because the transport re-enumerated (USB never carries START_BOOT, §3.1). */
  reconnected?: boolean;
}

export type CallbackHandler = (message: BootMessage) => void | Promise<void>;

export interface MemReadOptions {
  /** Destination of at least `size` bytes; the result is a view of it. */
  into?: Uint8Array;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  chunkBytes?: number;
  timeoutMs?: number | null;
}

export interface MemWriteOptions {
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  chunkBytes?: number;
  timeoutMs?: number | null;
}

export interface RecoverOptions {
  /** Quiet time that counts as "the target has finished sending". Default 100 ms. */
  quietMs?: number;
  /** Zero bytes sent to complete a request the target may be half-way through. Default 64. */
  padBytes?: number;
  /** Stop waiting for quiet after this long and go on. Default max(timeoutMs, 1000). */
  maxWaitMs?: number;
}
