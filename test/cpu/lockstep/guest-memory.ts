// Reading qemu's guest memory for the lockstep driver: chunked `m` reads that fail loudly on an
// error reply (`E14`: not mapped), and the copy of the initial
// stack that makes the model start from exactly the bytes Linux/qemu put there (argc, argv,
// envp, auxv with AT_RANDOM's 16 bytes, the strings). Test code.
import { RspError } from '../../a64/qemu/rsp-client.ts';
import type { QemuRunner } from '../../a64/qemu/qemu-runner.ts';
import type { UserMachine } from '../../../sim/cpu/user/index.ts';

/** Bytes per `m` request: qemu's PacketSize is 0x1000 characters of hex. */
const CHUNK = 1024;
const PAGE = 0x1000n;
/** The initial stack holds a few KiB at most (strings, auxv); more means a runaway probe. */
const STACK_COPY_LIMIT = 256 * 1024;

async function readOnce(runner: QemuRunner, address: bigint, length: number): Promise<Uint8Array | undefined> {
  let reply: string;
  try {
    reply = await runner.client.command(`m${address.toString(16)},${length.toString(16)}`);
  } catch (err) {
    if (err instanceof RspError && err.code === 'RSP_ERROR_REPLY') return undefined; // E14: not mapped
    throw err;
  }
  if (reply.length !== length * 2) return undefined;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(reply.substr(i * 2, 2), 16);
  return out;
}

/** `length` bytes of guest memory at `address`; throws when qemu cannot read them. */
export async function readGuest(runner: QemuRunner, address: bigint, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let off = 0; off < length; off += CHUNK) {
    const n = Math.min(CHUNK, length - off);
    const bytes = await readOnce(runner, address + BigInt(off), n);
    if (!bytes) throw new RspError('QEMU_READ_MEMORY', `qemu could not read ${n} bytes at 0x${(address + BigInt(off)).toString(16)}`);
    out.set(bytes, off);
  }
  return out;
}

/**
 * Copies the stack from the page holding `sp` up to the end of the mapping (the first page
 * qemu cannot read) into the model; returns the bytes copied.
 */
export async function copyInitialStack(runner: QemuRunner, machine: UserMachine, sp: bigint): Promise<number> {
  let at = sp - (sp % PAGE);
  let copied = 0;
  while (copied < STACK_COPY_LIMIT) {
    const page = await readPage(runner, at);
    if (!page) break;
    machine.write(at, page);
    copied += page.length;
    at += PAGE;
  }
  if (copied === 0) throw new RspError('QEMU_READ_MEMORY', `qemu could not read the stack page at 0x${at.toString(16)}`);
  return copied;
}

async function readPage(runner: QemuRunner, address: bigint): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(Number(PAGE));
  for (let off = 0; off < out.length; off += CHUNK) {
    const bytes = await readOnce(runner, address + BigInt(off), CHUNK);
    if (!bytes) return undefined;
    out.set(bytes, off);
  }
  return out;
}
