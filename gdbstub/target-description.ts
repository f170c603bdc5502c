// Layer: gdbstub. Imports gdbstub/registers.ts only.
//
// The target description gdb reads with `qXfer:features:read` (gdb manual, "Target
// Descriptions"): `target.xml` names the architecture and includes one document per feature.
// gdb's aarch64 support recognises the core and FPU features by name and checks their register
// names; our own `org.hvdbg.aarch64.sysregs` is shown as-is. Everything is generated from the
// register table, so the XML and the `g`/`p` encodings cannot disagree.

import { AARCH64_REGISTERS, CPSR_FIELDS, type FeatureName, type RegisterDef } from './registers.ts';

const FEATURE_FILES: ReadonlyArray<{ feature: FeatureName; file: string }> = [
  { feature: 'org.gnu.gdb.aarch64.core', file: 'aarch64-core.xml' },
  { feature: 'org.gnu.gdb.aarch64.fpu', file: 'aarch64-fpu.xml' },
  { feature: 'org.hvdbg.aarch64.sysregs', file: 'hvdbg-sysregs.xml' },
];

/** Vector lanes of one 128-bit V register (types gdb predefines: ieee_*, intN, uintN). */
const LANES: ReadonlyArray<{ union: string; field: string; views: ReadonlyArray<[string, string, number]> }> = [
  { union: 'vnd', field: 'd', views: [['f', 'ieee_double', 2], ['u', 'uint64', 2], ['s', 'int64', 2]] },
  { union: 'vns', field: 's', views: [['f', 'ieee_single', 4], ['u', 'uint32', 4], ['s', 'int32', 4]] },
  { union: 'vnh', field: 'h', views: [['f', 'ieee_half', 8], ['u', 'uint16', 8], ['s', 'int16', 8]] },
  { union: 'vnb', field: 'b', views: [['u', 'uint8', 16], ['s', 'int8', 16]] },
  { union: 'vnq', field: 'q', views: [['u', 'uint128', 1], ['s', 'int128', 1]] },
];

function fpuTypes(): string[] {
  const lines: string[] = [];
  for (const lane of LANES) {
    for (const [view, type, count] of lane.views) lines.push(`  <vector id="${lane.union}_${view}" type="${type}" count="${count}"/>`);
    lines.push(`  <union id="${lane.union}">`);
    for (const [view] of lane.views) lines.push(`    <field name="${view}" type="${lane.union}_${view}"/>`);
    lines.push('  </union>');
  }
  lines.push('  <union id="aarch64v">');
  for (const lane of LANES) lines.push(`    <field name="${lane.field}" type="${lane.union}"/>`);
  lines.push('  </union>');
  return lines;
}

function coreTypes(): string[] {
  const fields = CPSR_FIELDS.map(
    (f) => `    <field name="${f.name}" start="${f.start}" end="${f.end}" type="${f.start === f.end ? 'bool' : 'uint32'}"/>`,
  );
  return ['  <flags id="cpsr_flags" size="4">', ...fields, '  </flags>'];
}

function regXml(r: RegisterDef): string {
  const group = r.group === undefined ? '' : ` group="${r.group}"`;
  const save = r.saveRestore ? '' : ' save-restore="no"';
  return `  <reg name="${r.name}" bitsize="${r.bitsize}" type="${r.type}" regnum="${r.regnum}"${group}${save}/>`;
}

function featureXml(feature: FeatureName): string {
  const types = feature === 'org.gnu.gdb.aarch64.core' ? coreTypes() : feature === 'org.gnu.gdb.aarch64.fpu' ? fpuTypes() : [];
  const regs = AARCH64_REGISTERS.filter((r) => r.feature === feature).map(regXml);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE feature SYSTEM "gdb-target.dtd">',
    `<feature name="${feature}">`,
    ...types,
    ...regs,
    '</feature>',
    '',
  ].join('\n');
}

function targetXml(): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>aarch64</architecture>',
    ...FEATURE_FILES.map((f) => `  <xi:include href="${f.file}"/>`),
    '</target>',
    '',
  ].join('\n');
}

/** Annex name (as in `qXfer:features:read:<annex>:…`) → document. */
export function targetDescriptionFiles(): ReadonlyMap<string, string> {
  const files = new Map<string, string>([['target.xml', targetXml()]]);
  for (const f of FEATURE_FILES) files.set(f.file, featureXml(f.feature));
  return files;
}
