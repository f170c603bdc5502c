// Layer: gdbstub/rsp/handlers. The packet table: every packet the stub implements.

import type { PacketDef } from '../dispatch.ts';
import { breakpointPackets } from './breakpoints.ts';
import { generalPackets } from './general.ts';
import { memoryPackets } from './memory.ts';
import { registerPackets } from './registers.ts';
import { resumePackets } from './resume.ts';
import { threadPackets } from './threads.ts';

export const PACKET_TABLE: readonly PacketDef[] = [
  ...generalPackets,
  ...threadPackets,
  ...registerPackets,
  ...memoryPackets,
  ...breakpointPackets,
  ...resumePackets,
];
