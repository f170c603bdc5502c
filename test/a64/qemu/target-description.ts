// The register layout a gdb stub describes in its target XML (qXfer:features:read:target.xml
// and the files it xi:includes), as data: which register has which number and size. Nothing
// about qemu's layout is assumed here; qemu-runner.ts checks what it needs against this.
import { RspError, type RspClient } from './rsp-client.ts';

export interface RegisterInfo {
  readonly name: string;
  readonly bitsize: number;
  /** The number `p`/`P` use; registers are numbered in XML order unless `regnum` says otherwise. */
  readonly regnum: number;
  /** The <feature name="…"> it belongs to, e.g. org.gnu.gdb.aarch64.core. */
  readonly feature: string;
}

export interface TargetDescription {
  readonly architecture: string | undefined;
  readonly registers: readonly RegisterInfo[];
  byName(name: string): RegisterInfo | undefined;
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** Registers of one feature file, numbered from `next`. */
export function parseFeature(xml: string, next: number): RegisterInfo[] {
  const feature = /<feature\b[^>]*\bname="([^"]*)"/.exec(xml)?.[1] ?? '';
  const regs: RegisterInfo[] = [];
  for (const m of xml.matchAll(/<reg\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    const bitsize = Number(attr(tag, 'bitsize'));
    if (!name || !Number.isInteger(bitsize)) throw new RspError('RSP_BAD_TARGET_XML', `malformed <reg> in feature ${feature}: ${tag}`);
    const regnum = attr(tag, 'regnum') === undefined ? next : Number(attr(tag, 'regnum'));
    regs.push({ name, bitsize, regnum, feature });
    next = regnum + 1;
  }
  return regs;
}

export async function readTargetDescription(client: RspClient): Promise<TargetDescription> {
  const top = await client.readFeature('target.xml');
  const architecture = /<architecture>([^<]*)<\/architecture>/.exec(top)?.[1];
  const registers: RegisterInfo[] = [];
  const files = [...top.matchAll(/<xi:include\b[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  const own = parseFeature(top, 0);
  registers.push(...own);
  for (const file of files) {
    const next = registers.length === 0 ? 0 : registers[registers.length - 1]!.regnum + 1;
    registers.push(...parseFeature(await client.readFeature(file), next));
  }
  const map = new Map(registers.map((r) => [r.name, r]));
  return { architecture, registers, byName: (name) => map.get(name) };
}
