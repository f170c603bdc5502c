// Layer: core/plugin. Checks that a module's default export is a usable plugin definition before
// the host swaps it in: a bad edit is reported and the running version stays (issue 8 item 2).
// Imports core/plugin only.

import type { AnyPluginDefinition } from './api.ts';
import { TRACE_MODES } from './backend.ts';
import { PluginError, PluginErrorCode } from './errors.ts';
import { compileRegMap, type CompiledRegMap } from './regmap.ts';

export const PLUGIN_NAME = /^[a-z][a-z0-9_-]*$/;

const HINT = 'export default definePlugin({ name, attach: { path: "/arm-io/…" }, regmap, handlers, … }) (core/plugin/api.ts)';

function invalid(message: string, where: string): PluginError {
  return new PluginError(PluginErrorCode.INVALID_DEFINITION, `${where}: ${message}`, { hint: HINT });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isFn = (v: unknown): boolean => typeof v === 'function';

/** `def` (a module's default export) checked, with its compiled map. */
export function validateDefinition(def: unknown, where: string): { def: AnyPluginDefinition; map: CompiledRegMap | undefined } {
  if (!isObject(def)) throw invalid('the default export is not an object', where);
  if (typeof def.name !== 'string' || !PLUGIN_NAME.test(def.name)) throw invalid(`name ${JSON.stringify(def.name)} must match ${PLUGIN_NAME}`, where);
  const name = def.name;
  const at = `${where} (${name})`;
  const selectors = Array.isArray(def.attach) ? def.attach : [def.attach];
  if (selectors.length === 0) throw invalid('attach names no device', at);
  for (const s of selectors) {
    if (!isObject(s) || (typeof s.path !== 'string' && typeof s.compatible !== 'string')) throw invalid('attach entries are { path } or { compatible }', at);
  }
  if (def.needs !== undefined && (!Array.isArray(def.needs) || def.needs.some((n) => typeof n !== 'string'))) throw invalid('needs must be a list of plugin names', at);
  if (def.mode !== undefined && !TRACE_MODES.includes(def.mode as never)) throw invalid(`mode ${String(def.mode)} is not one of ${TRACE_MODES.join(', ')}`, at);
  if (def.ranges !== undefined) {
    if (!Array.isArray(def.ranges)) throw invalid('ranges must be a list', at);
    for (const r of def.ranges) {
      if (!isObject(r) || !Number.isInteger(r.reg) || (r.reg as number) < 0) throw invalid('each range needs a reg index', at);
      if (r.mode !== undefined && !TRACE_MODES.includes(r.mode as never)) throw invalid(`range mode ${String(r.mode)} is not one of ${TRACE_MODES.join(', ')}`, at);
    }
  }
  if (def.verbosity !== undefined && !Number.isInteger(def.verbosity)) throw invalid('verbosity must be an integer', at);
  for (const key of ['state', 'migrate', 'setup', 'onAccess', 'onIrq', 'onSysreg', 'api'] as const) {
    if (def[key] !== undefined && !isFn(def[key])) throw invalid(`${key} must be a function`, at);
  }
  let map: CompiledRegMap | undefined;
  if (def.regmap !== undefined) {
    if (!isObject(def.regmap) || def.regmap.kind !== 'regmap' || !isObject(def.regmap.entries)) throw invalid('regmap must come from regmap({...})', at);
    map = compileRegMap(def.regmap as never);
  }
  if (def.handlers !== undefined) {
    if (!isObject(def.handlers)) throw invalid('handlers must be an object keyed by register name', at);
    const names = map ? new Set(map.all().map((h) => h.name)) : new Set<string>();
    for (const [reg, h] of Object.entries(def.handlers)) {
      if (!names.has(reg)) throw invalid(`handler for ${reg}, which the regmap does not have`, at);
      if (!isObject(h) || Object.keys(h).some((k) => k !== 'read' && k !== 'write') || Object.values(h).some((f) => f !== undefined && !isFn(f))) {
        throw invalid(`handlers.${reg} must be { read?(v, ctx), write?(v, ctx) }`, at);
      }
    }
  }
  return { def: def as unknown as AnyPluginDefinition, map };
}
