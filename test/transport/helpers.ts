// Helpers shared by the transport tests: receivers, senders, close watchers. Data patterns and
// byte comparison are in test/helpers/bytes.ts.
import type { ByteTransport } from '../../core/transport/transport.ts';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** FNV-1a, 32-bit: cheap, and any reordered, lost or changed byte shows. */
export function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

/** Resolves with exactly `sizeBytes` received bytes (rejects on close before that). */
export function collect(t: ByteTransport, sizeBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const out = new Uint8Array(sizeBytes);
    let got = 0;
    const data = t.onData((chunk) => {
      if (got + chunk.length > sizeBytes) {
        cleanup();
        reject(new Error(`${t.description}: got ${got + chunk.length} bytes, expected ${sizeBytes}`));
        return;
      }
      out.set(chunk, got);
      got += chunk.length;
      if (got === sizeBytes) {
        cleanup();
        resolve(out);
      }
    });
    const close = t.onClose((err) => (cleanup(), reject(err ?? new Error(`${t.description} closed after ${got} bytes`))));
    const cleanup = () => (data.dispose(), close.dispose());
  });
}

/** Receives `sizeBytes` bytes, hashing as they come (no 16 MiB copy). */
export function receiveHashed(t: ByteTransport, sizeBytes: number): Promise<{ count: number; hash: number }> {
  return new Promise((resolve, reject) => {
    let count = 0;
    let hash = 0x811c9dc5;
    const data = t.onData((chunk) => {
      count += chunk.length;
      hash = fnv1a(chunk, hash);
      if (count >= sizeBytes) {
        cleanup();
        resolve({ count, hash });
      }
    });
    const close = t.onClose((err) => (cleanup(), reject(err ?? new Error(`${t.description} closed after ${count} bytes`))));
    const cleanup = () => (data.dispose(), close.dispose());
  });
}

/** Writes all of `data` in chunks, waiting for drain whenever write() says so. */
export async function sendAll(t: ByteTransport, data: Uint8Array, chunkBytes = 64 * 1024): Promise<{ refusals: number }> {
  let refusals = 0;
  for (let offset = 0; offset < data.length; offset += chunkBytes) {
    if (!t.write(data.subarray(offset, offset + chunkBytes))) {
      refusals++;
      await drained(t);
    }
  }
  return { refusals };
}

/** Resolves at the next drain; rejects if the transport closes first. */
export function drained(t: ByteTransport): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const drain = t.onDrain(() => (cleanup(), resolve()));
    const close = t.onClose((err) => (cleanup(), reject(err ?? new Error(`${t.description} closed`))));
    const cleanup = () => (drain.dispose(), close.dispose());
  });
}

/** Counts onClose calls and remembers the first one's error. */
export function watchClose(t: ByteTransport): { count: () => number; closed: Promise<Error | undefined> } {
  let count = 0;
  let resolve!: (e: Error | undefined) => void;
  const closed = new Promise<Error | undefined>((r) => (resolve = r));
  t.onClose((err) => {
    count++;
    resolve(err);
  });
  return { count: () => count, closed };
}

/** Lets every pending immediate, timer-0 and I/O callback run a few times over. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await delay(20);
}
