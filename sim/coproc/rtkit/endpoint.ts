// Layer: sim/coproc (RTKit). The plug-in interface of RTKit application endpoints (EP ≥ 0x20,
// apple-devices §5.10): the RTKit model forwards the endpoint's messages and gives it a way to
// answer and to reach AP memory through the coprocessor's DART. Imports nothing.
//
// Contract details the model guarantees:
// - `start(io)` is called each time the AP sends START_EP for this endpoint (§5.3 step 6).
// - `receive(msg)` gets msg0 of each AP → coprocessor message on this endpoint while started.
// - `io.send` queues msg0 to the AP on this endpoint (the RTKit model waits for room in the
//   outbox if it is full; order is preserved).
// - `io.readIova`/`io.writeIova` accept an IOVA or a DVA: asc-dram-mask bits are stripped first
//   (§5.4); a bad address throws DartFaultError (sim/coproc/dart/dart-fault-error.ts).
// - `io.schedule` callbacks run only while the coprocessor runs (CPU_CONTROL.RUN = 1); a
//   callback due while it is halted runs when it is started again.

export interface RtkitEndpointIo {
  send(msg: bigint): void;                              // coprocessor → AP on this endpoint
  readIova(iova: bigint, length: number): Uint8Array;   // AP memory through the DART; throws DartFaultError on a bad IOVA
  writeIova(iova: bigint, bytes: Uint8Array): void;
  now(): bigint;
  schedule(atTick: bigint, fn: () => void): { cancel(): void };
  log(line: string): void;
}
export interface RtkitAppEndpoint {
  readonly endpoint: number;                 // e.g. 0x37
  readonly name: string;                     // e.g. 'dcpep'
  start(io: RtkitEndpointIo): void;          // the AP started this endpoint
  receive(msg: bigint): void;                // AP → coprocessor message
}
