// Layer: gdbstub/rsp. Imports gdbstub/target.ts and this folder only.
//
// What a packet handler may use: the target, the per-stop register cache, the stub's own
// bookkeeping (selected threads, inserted breakpoints, last stop) and a few connection actions.
// Handlers get the packet body after its name and return the reply body, or NO_REPLY when the
// reply comes later (a stop reply after c/s/vCont) or never (k).

import type { GdbTarget, ResumePlan, StopEvent, ThreadId } from '../target.ts';
import type { InsertedPoints } from './inserted-points.ts';
import type { RegisterCache } from './register-cache.ts';

export const NO_REPLY = Symbol('no reply');
export type HandlerResult = string | typeof NO_REPLY;
export type Handler = (ctx: RspContext, args: string) => Promise<HandlerResult> | HandlerResult;

/** What gdb said it understands in its qSupported (stop-reply reasons are opt-in). */
export interface PeerFeatures {
  swbreak: boolean;
  hwbreak: boolean;
}

export interface RspContext {
  readonly target: GdbTarget;
  readonly registers: RegisterCache;
  readonly points: InsertedPoints;
  readonly peer: PeerFeatures;
  /** Body size limit we advertise as PacketSize. */
  readonly maxPacketBytes: number;
  /** Our qSupported features, from the packet table (plus PacketSize). */
  readonly supportedFeatures: readonly string[];
  /** Thread for g/G/p/P/m/M/X (`Hg`); 'any' until gdb picks one. */
  gThread: ThreadId | 'any';
  /** Thread for legacy c/s (`Hc`). */
  cThread: ThreadId | 'any' | 'all';
  readonly lastStop: StopEvent | undefined;

  /** The thread a request means when gdb said "any": the last one to stop, else the first. */
  resolveThread(which: ThreadId | 'any' | 'all'): ThreadId;
  /** Sends an `O` packet (console output; valid during qRcmd and while running). */
  print(text: string): void;
  /** Invalidates caches, starts the target; the stop reply is sent when it stops. */
  resume(plan: ResumePlan): Promise<void>;
  /** Makes sure the guest is stopped (interrupting it if needed) and gives the stop reply to send. */
  currentStopReply(): Promise<string>;
  /** Stops sending and expecting acks after the current reply (QStartNoAckMode). */
  enableNoAck(): void;
  /** Closes the connection after the current reply has been sent (D, k). */
  closeAfterReply(): void;
}
