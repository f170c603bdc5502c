// Layer: core/proxy. What the typed client needs from the host-side uartproxy client
// (core/uartproxy/client.ts implements it). Types only.
//
// Ordering contract: requests go on the wire in call order and replies are matched in that
// order, so a caller may issue several `proxy()` calls without awaiting in between
// (pipelining) — the width-generic helpers rely on this (§7.2).

export interface ProxyCallOptions {
  /** Reply timeout; null waits forever. Omitted: the client's default. */
  timeoutMs?: number | null;
  /** Do not wait for a reply (P_REBOOT, P_SLEEP, §4.2); resolves once sent. */
  noReply?: boolean;
  /** The op runs the guest (P_HV_START): callbacks and events are served until its reply. */
  runsGuest?: boolean;
  /** For logs and errors, e.g. `P_READ32`. */
  label?: string;
}

export interface MemTransferOptions {
  onProgress?(done: number, total: number): void;
}

export interface ProxyTransport {
  /** Sends one REQ_PROXY; resolves with the raw u64 retval (proxy status −1 rejects there). */
  proxy(opcode: number, args?: readonly bigint[], opts?: ProxyCallOptions): Promise<bigint>;
  /** REQ_MEMREAD. */
  memRead(addr: bigint, size: number, opts?: MemTransferOptions): Promise<Uint8Array>;
  /** REQ_MEMWRITE. */
  memWrite(addr: bigint, data: Uint8Array, opts?: MemTransferOptions): Promise<void>;
}
