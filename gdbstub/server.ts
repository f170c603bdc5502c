// Layer: gdbstub, the TCP front door. Imports core/transport (listenTcp, ByteTransport),
// core/util, gdbstub/errors.ts, gdbstub/target.ts and gdbstub/rsp.
//
// One gdb at a time: a second connection gets one `E.` reply to its first packet — gdb
// prints it as "Remote failure reply: E.…" — and is closed; the first gdb is not disturbed.
// Listens on 127.0.0.1 unless told otherwise: the stub can read and write guest memory, so it
// must not be reachable from the network by accident.

import { formatHostPort, listenTcp, type TcpListener } from '../core/transport/tcp.ts';
import type { ByteTransport } from '../core/transport/transport.ts';
import { Listeners, type Disposable } from '../core/util/disposable.ts';
import { GdbStubError } from './errors.ts';
import { GdbConnection, type GdbConnectionOptions } from './rsp/connection.ts';
import { ACK, encodePacket, PacketDecoder } from './rsp/packet-codec.ts';
import type { GdbTarget } from './target.ts';

export type GdbServerOptions = GdbConnectionOptions;

export class GdbServer {
  private listener: TcpListener | undefined;
  private active: GdbConnection | undefined;
  private readonly connected = new Listeners<[description: string]>();
  private readonly disconnected = new Listeners<[description: string]>();

  constructor(
    private readonly target: GdbTarget,
    private readonly options: GdbServerOptions = {},
  ) {}

  /** Starts listening; port 0 picks a free one. Resolves with where it listens. */
  async listen(host = '127.0.0.1', port = 1234): Promise<{ host: string; port: number }> {
    if (this.listener !== undefined) return this.listener.address;
    try {
      this.listener = await listenTcp(host, port, (t) => this.accept(t));
    } catch (err) {
      throw new GdbStubError('GDB_LISTEN_FAILED', `gdb stub cannot listen on ${formatHostPort(host, port)}`, {
        hint: err instanceof Error && 'hint' in err && typeof err.hint === 'string' ? err.hint : 'pick another port',
        cause: err,
      });
    }
    return this.listener.address;
  }

  get address(): { host: string; port: number } | undefined {
    return this.listener?.address;
  }

  /** The connection gdb is on, if any (its register cache and breakpoints are per connection). */
  get connection(): GdbConnection | undefined {
    return this.active;
  }

  /** The command a user types to attach, with the guest ELF for symbols when there is one. */
  gdbCommand(elfPath?: string, sourceDirs: readonly string[] = []): string {
    const where = this.listener === undefined ? 'HOST:PORT' : formatHostPort(this.listener.address.host, this.listener.address.port);
    const elf = elfPath === undefined ? '' : ` ${elfPath}`;
    const dirs = sourceDirs.map((d) => ` -ex 'directory ${d}'`).join('');
    return `gdb-multiarch -q${dirs} -ex 'target remote ${where}'${elf}`;
  }

  onConnected(listener: (description: string) => void): Disposable {
    return this.connected.add(listener);
  }

  /** Fires once a gdb has gone and the cleanup after it is done. */
  onDisconnected(listener: (description: string) => void): Disposable {
    return this.disconnected.add(listener);
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
    await this.active?.finished;
  }

  private accept(transport: ByteTransport): void {
    if (this.active !== undefined) {
      this.refuse(transport);
      return;
    }
    const conn = new GdbConnection(transport, this.target, this.options);
    this.active = conn;
    this.connected.emit(transport.description);
    void conn.finished.then(() => {
      if (this.active === conn) this.active = undefined;
      this.disconnected.emit(transport.description);
    });
  }

  private refuse(transport: ByteTransport): void {
    const decoder = new PacketDecoder(0x4000);
    const message = 'E.hvdbg: another gdb is already attached to this stub; detach it (or quit it) first';
    this.options.log?.(`refused a second gdb (${transport.description}): one gdb at a time`);
    transport.onData((chunk) => {
      if (!decoder.feed(chunk).some((item) => item.kind === 'packet' || item.kind === 'oversized')) return;
      transport.write(ACK);
      transport.write(encodePacket(message));
      void transport.close();
    });
  }
}
