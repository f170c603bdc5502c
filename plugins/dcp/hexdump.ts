// Layer: plugins/dcp. m1n1's "chexdump" as spec apple-devices §7.12 describes it: 16 bytes a line,
// `%08x  <8 bytes, ljust 23>  <8 bytes, ljust 23>  |<ASCII, ljust 16>|`, a repeated line shown
// once as `%08x  *`. Pure; imports nothing.

const h2 = (c: number): string => c.toString(16).padStart(2, '0');
const ascii = (c: number): string => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.');

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function chexdump(bytes: Uint8Array, start = 0): string[] {
  const out: string[] = [];
  let last: Uint8Array | undefined;
  let skip = false;
  for (let i = 0; i < bytes.length; i += 16) {
    const v = bytes.subarray(i, i + 16);
    const off = (i + start).toString(16).padStart(8, '0');
    if (same(last, v)) {
      if (!skip) out.push(`${off}  *`);
      skip = true;
      continue;
    }
    const g1 = [...v.subarray(0, 8)].map(h2).join(' ').padEnd(23);
    const g2 = [...v.subarray(8)].map(h2).join(' ').padEnd(23);
    out.push(`${off}  ${g1}  ${g2}  |${[...v].map(ascii).join('').padEnd(16)}|`);
    last = v;
    skip = false;
  }
  return out;
}
