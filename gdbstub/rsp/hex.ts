// Layer: gdbstub/rsp. Imports nothing. Hex forms the RSP uses: byte strings, big-endian
// numbers (addresses, lengths, thread ids) and target-order (little-endian) register values.

const HEX_RE = /^[0-9a-fA-F]*$/;

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** undefined for odd length or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !HEX_RE.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A big-endian hex number as in `m addr,len`; undefined unless it is 1+ hex digits. */
export function parseHexBig(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 32 || !HEX_RE.test(text)) return undefined;
  return BigInt(`0x${text}`);
}

export function parseHexNum(text: string): number | undefined {
  if (text.length === 0 || text.length > 8 || !HEX_RE.test(text)) return undefined;
  return Number.parseInt(text, 16);
}

/** `value` as `bytes` bytes little-endian (AArch64 target order), in hex. */
export function leHex(value: bigint, bytes: number): string {
  let v = BigInt.asUintN(bytes * 8, value);
  let out = '';
  for (let i = 0; i < bytes; i++) {
    out += Number(v & 0xffn).toString(16).padStart(2, '0');
    v >>= 8n;
  }
  return out;
}

/** Inverse of leHex; undefined unless exactly 2*bytes hex digits. */
export function parseLeHex(hex: string, bytes: number): bigint | undefined {
  if (hex.length !== bytes * 2 || !HEX_RE.test(hex)) return undefined;
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return v;
}

export function textToHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

export function hexToText(hex: string): string | undefined {
  const bytes = hexToBytes(hex);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}
