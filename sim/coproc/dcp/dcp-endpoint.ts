// Layer: sim/coproc/dcp. The virtual DCP firmware's RTKit application endpoint 0x37 "dcpep"
// (apple-devices.md §7.2, §7.14): shared-memory set-up, then the RPC of rpc-engine.ts with the
// behaviours of dcp-behaviours.ts. Imports core/dcp, sim/coproc/rtkit (the endpoint interface)
// and this folder.
//
// Messages that arrive while one is being handled (an io.send that loops straight back) are
// queued and handled in order, so handlers never re-enter.

import { DCP_SHMEM_SIZE } from '../../../core/dcp/channels.ts';
import { decodeDcpMessage, DCP_ENDPOINT, encodeDcpMessage, SET_SHMEM_FLAG } from '../../../core/dcp/messages.ts';
import type { RtkitAppEndpoint, RtkitEndpointIo } from '../rtkit/endpoint.ts';
import type { DcpDisplayConfig, DcpFirmwareState, DcpMethodBehaviour } from './dcp-behaviour-types.ts';
import { DCP_BEHAVIOURS } from './dcp-behaviours.ts';
import { DcpRpcEngine, type DcpDiagnostic, type DcpDiagnosticCode } from './rpc-engine.ts';

export interface DcpEndpointOptions {
  /** Stripped from DVAs the AP sends (§5.4); default 0xf00000000 (M1 DCP). */
  readonly ascDramMask?: bigint;
  /** The panel the firmware reports; default 1920×1080 at 60 Hz. */
  readonly display?: Partial<DcpDisplayConfig>;
  /** Ticks (24 MHz) from A408 to its D589 completion; default one 60 Hz frame (400000). */
  readonly swapCompleteDelayTicks?: bigint;
  /** Replace or add behaviours by tag (tests, experiments). */
  readonly behaviours?: Readonly<Record<string, DcpMethodBehaviour>>;
}

export interface DcpFirmwareSnapshot {
  readonly started: boolean;
  readonly initialized: boolean;
  /** The shared memory's IOVA (DVA with asc-dram-mask removed). */
  readonly shmemIova: bigint | undefined;
  readonly outstanding: Record<string, number[]>;
  readonly swapsSubmitted: number;
  readonly swapsCompleted: number;
  readonly supportsPower: boolean | undefined;
}

export interface DcpEndpoint extends RtkitAppEndpoint {
  /** Protocol problems the firmware saw (also logged through io.log), oldest first. */
  readonly diagnostics: readonly DcpDiagnostic[];
  snapshot(): DcpFirmwareSnapshot;
}

export function createDcpEndpoint(options: DcpEndpointOptions = {}): DcpEndpoint {
  const mask = options.ascDramMask ?? 0xf00000000n;
  const diagnostics: DcpDiagnostic[] = [];
  let io: RtkitEndpointIo | undefined;
  let shmemIova: bigint | undefined;
  let busy = false;

  const report = (code: DcpDiagnosticCode, message: string): void => {
    diagnostics.push({ code, message });
    io?.log(`${code}: ${message}`);
  };

  const fw: DcpFirmwareState = {
    display: { width: 1920, height: 1080, refreshHz: 60, ...options.display },
    swapCompleteDelayTicks: options.swapCompleteDelayTicks ?? 400_000n,
    nextSwapId: 1,
    swapsSubmitted: 0,
    swapsCompleted: 0,
    supportsPower: undefined,
    powerState: 0n,
    bandwidthConfig: undefined,
    minimumFrequency: undefined,
    clockFrequency: undefined,
    queueAsync(request, delayTicks, onDone) {
      const target = io;
      if (!target) return;
      target.schedule(target.now() + delayTicks, () => {
        if (io !== target || shmemIova === undefined) return; // restarted meanwhile
        deliver(() => engine.queueAsync(request, onDone));
      });
    },
  };

  const engine = new DcpRpcEngine(
    {
      memory: {
        read: (offset, length) => requireIo().readIova(requireShmem() + BigInt(offset), length),
        write: (offset, bytes) => requireIo().writeIova(requireShmem() + BigInt(offset), bytes),
      },
      send: (msg0) => requireIo().send(msg0),
      report,
    },
    { ...DCP_BEHAVIOURS, ...options.behaviours },
    fw,
  );

  function requireIo(): RtkitEndpointIo {
    if (!io) throw new Error('dcpep used before start');
    return io;
  }
  function requireShmem(): bigint {
    if (shmemIova === undefined) throw new Error('dcpep shared memory not set');
    return shmemIova;
  }

  /** Runs `work` now, or after the message being handled if called from inside one. */
  function deliver(work: () => void): void {
    pending.push(work);
    if (busy) return;
    busy = true;
    try {
      for (let job = pending.shift(); job; job = pending.shift()) job();
    } finally {
      busy = false;
    }
  }
  const pending: Array<() => void> = [];

  function handle(msg0: bigint): void {
    let m;
    try {
      m = decodeDcpMessage(msg0);
    } catch (err) {
      report('DCP_FW_BAD_MESSAGE', (err as Error).message);
      return;
    }
    switch (m.type) {
      case 'setShmem': {
        // §7.14 item 2: record the DVA, strip asc-dram-mask, answer INITIALIZED (msg0 = 1).
        if (m.flag !== SET_SHMEM_FLAG) io?.log(`SET_SHMEM with FLAG ${m.flag} (Linux and m1n1 2021-08 send 4); accepted`);
        engine.reset();
        shmemIova = m.dva & ~mask;
        io?.log(`shared memory at DVA 0x${m.dva.toString(16)} (IOVA 0x${shmemIova.toString(16)}, 0x${DCP_SHMEM_SIZE.toString(16)} bytes)`);
        requireIo().send(encodeDcpMessage({ type: 'initialized' }));
        return;
      }
      case 'initialized':
        report('DCP_FW_BAD_MESSAGE', 'INITIALIZED is sent by the DCP, not the AP; ignored');
        return;
      case 'msg':
        if (shmemIova === undefined) {
          report('DCP_FW_NO_SHMEM', `MSG 0x${msg0.toString(16)} before SET_SHMEM; ignored`);
          return;
        }
        if (m.ack) engine.handleApAck(m.ctx, m.off);
        else engine.handleApCall(m.ctx, m.off, m.len);
        return;
    }
  }

  return {
    endpoint: DCP_ENDPOINT,
    name: 'dcpep',
    diagnostics,
    start(newIo: RtkitEndpointIo): void {
      // START_EP (again): wait for SET_SHMEM afresh (§7.14 item 2).
      io = newIo;
      shmemIova = undefined;
      pending.length = 0;
      engine.reset();
    },
    receive(msg0: bigint): void {
      if (!io) return; // the RTKit model only forwards to started endpoints
      deliver(() => handle(msg0));
    },
    snapshot(): DcpFirmwareSnapshot {
      return {
        started: io !== undefined,
        initialized: shmemIova !== undefined,
        shmemIova,
        outstanding: engine.outstanding(),
        swapsSubmitted: fw.swapsSubmitted,
        swapsCompleted: fw.swapsCompleted,
        supportsPower: fw.supportsPower,
      };
    },
  };
}
