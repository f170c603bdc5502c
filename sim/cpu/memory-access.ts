// Layer: sim/cpu. The slow path of a memory access: watchpoints, stage-1 walk, permissions,
// the stage-2 hook, the TLB fill, and the access itself (host page or PhysicalMemory).
// Imports this folder only (Core as a type).
//
// Core.read*/write* try the TLB first and come here on a miss, a page-crossing access, or a
// page that is not RAM. Faults raise the architecture's aborts (Appendix B ISS: WnR 6,
// S1PTW 7, DFSC 5:0; FAR = the VA; stage-2 aborts also set HPFAR_EL2) and unwind.

import { EC, FSC, ISS_DA_WNR, ISS_DA_S1PTW } from './constants.ts';
import { walkStage1, permits, isFault, ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC, type AccessKind } from './mmu.ts';
import { raiseSync, syncTargetEl } from './exceptions.ts';
import type { Core, Stage2Access } from './core.ts';
import type { AccessWidth } from '../memory/index.ts';
import type { TlbTable } from './tlb.ts';

const TEA = 1n << 37n;

interface Translated {
  readonly pa: number;
  readonly ipa: number;
  readonly emulate: boolean;
  readonly access: Stage2Access;
}

/** Loads `size` bytes at `va` (zero-extended bigint), faulting as the architecture says. */
export function memRead(core: Core, va: number, size: AccessWidth, kind: AccessKind = ACCESS_READ): bigint {
  if (kind === ACCESS_READ) checkWatchpoint(core, va, size, false);
  if ((va & 0xfff) + size > 4096) {
    if (kind === ACCESS_READ && crossingHit(core, core.tlb.read, va, size)) {
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(CROSS.bytes[i]![CROSS.offset[i]!]!);
      return v;
    }
    let v = 0n;
    for (let i = 0; i < size; i++) v |= memRead(core, va + i, 1, kind) << BigInt(8 * i);
    return v;
  }
  const t = translate(core, va, kind, size);
  if (t.emulate) {
    const emulate = core.stage2?.emulateRead;
    return emulate ? BigInt.asUintN(size * 8, emulate.call(core.stage2, t.ipa, t.access)) : 0n;
  }
  const page = core.bus.hostPage(t.pa);
  if (page) {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(page.bytes[page.offset + i]!);
    return v;
  }
  const v = core.bus.read(t.pa, size);
  if (v === undefined) externalAbort(core, va, kind);
  return v!;
}

export function memWrite(core: Core, va: number, size: AccessWidth, value: bigint): void {
  checkWatchpoint(core, va, size, true);
  if ((va & 0xfff) + size > 4096) {
    if (crossingHit(core, core.tlb.write, va, size)) {
      for (let i = 0; i < size; i++) CROSS.bytes[i]![CROSS.offset[i]!] = Number((value >> BigInt(8 * i)) & 0xffn);
      return;
    }
    // Translate every byte first so that a fault on the second page writes nothing.
    for (let i = 0; i < size; i++) translate(core, va + i, ACCESS_WRITE, 1);
    for (let i = 0; i < size; i++) memWrite(core, va + i, 1, (value >> BigInt(8 * i)) & 0xffn);
    return;
  }
  const t = translate(core, va, ACCESS_WRITE, size);
  if (t.emulate) {
    core.stage2?.emulateWrite?.(t.ipa, value, t.access);
    return;
  }
  if (core.codeCache.hasCode(t.pa - (t.pa % 4096))) {
    core.codeCache.written(t.pa, size);
    core.resync = true; // the run loop may be executing from this page
  }
  const page = core.bus.hostPage(t.pa);
  if (page) {
    let v = value;
    for (let i = 0; i < size; i++, v >>= 8n) page.bytes[page.offset + i] = Number(v & 0xffn);
    return;
  }
  if (!core.bus.write(t.pa, size, value)) externalAbort(core, va, ACCESS_WRITE);
}

/** Where each byte of a page-crossing access lives (filled by crossingHit). */
const CROSS = { bytes: new Array<Uint8Array | null>(16).fill(null), offset: new Int32Array(16) };

/**
 * Whether both pages of a page-crossing access hit RAM entries of the TLB `t` (then CROSS
 * holds each byte's place): such an access needs no walk. Write entries never exist for pages
 * holding code, and watchpoints were checked by the caller.
 */
function crossingHit(core: Core, t: TlbTable, va: number, size: number): boolean {
  const asid = core.currentAsid();
  const first = Math.floor(va / 4096);
  const i0 = t.lookup(first * 4 + core.el, asid);
  const i1 = t.lookup((first + 1) * 4 + core.el, asid);
  if (i0 < 0 || i1 < 0 || t.bytes[i0] === null || t.bytes[i1] === null) return false;
  for (let k = 0; k < size; k++) {
    const a = va + k;
    const i = Math.floor(a / 4096) === first ? i0 : i1;
    CROSS.bytes[k] = t.bytes[i]!;
    CROSS.offset[k] = t.offset[i]! + (a & 0xfff);
  }
  return true;
}

function checkWatchpoint(core: Core, va: number, size: number, write: boolean): void {
  if (core.debug.wpCount === 0 || !core.debugEnabledAt(core.el)) return;
  if (core.debug.watchpointHit(va, size, write, core.el)) {
    raiseSync(core, EC.WATCHPOINT_LOWER, FSC.DEBUG | (write ? ISS_DA_WNR : 0), { far: va });
  }
}

function abortEc(kind: AccessKind): number {
  return kind === ACCESS_EXEC ? EC.IABORT_LOWER : EC.DABORT_LOWER;
}

function externalAbort(core: Core, va: number, kind: AccessKind): never {
  const ec = abortEc(kind);
  const target = (core.sysregs.get('HCR_EL2') & TEA) !== 0n ? 2 : syncTargetEl(core, ec);
  return raiseSync(core, ec, FSC.SYNC_EXTERNAL | (kind === ACCESS_WRITE ? ISS_DA_WNR : 0), { far: va, target });
}

function translate(core: Core, va: number, kind: AccessKind, size: number): Translated {
  const el = core.el;
  const write = kind === ACCESS_WRITE;
  const fetch = kind === ACCESS_EXEC;
  const regime = core.inEl2Regime() ? core.regime2 : core.regime10;
  const hook = core.stage2;
  const access = (s1ptw: boolean): Stage2Access => ({ va, write: write && !s1ptw, size: s1ptw ? 8 : size, el, pc: core.pc, fetch, s1ptw });

  const stage2Fault = (ipa: number, fsc: number | undefined, s1ptw: boolean): never =>
    raiseSync(core, abortEc(kind), (fsc ?? FSC.TRANSLATION + 3) | (s1ptw ? ISS_DA_S1PTW : write ? ISS_DA_WNR : 0), { far: va, ipa, target: 2 });

  const walk = walkStage1(regime, va, (ipa) => {
    let pa = ipa;
    if (hook) {
      const acc = access(true);
      const r = hook.translate(ipa, acc);
      if ('fault' in r) stage2Fault(ipa, r.fault.fsc, true);
      if ('emulate' in r) return hook.emulateRead ? BigInt.asUintN(64, hook.emulateRead(ipa, acc)) : undefined;
      pa = (r as { pa: number }).pa;
    }
    return core.bus.read(pa, 8);
  });
  const ec = abortEc(kind);
  if (isFault(walk)) raiseSync(core, ec, walk.fsc | (write ? ISS_DA_WNR : 0), { far: va, target: syncTargetEl(core, ec) });
  if (isFault(walk)) throw new Error('unreachable');
  if (!permits(walk.perm, kind, el !== 0, core.pan === 1)) {
    raiseSync(core, ec, (FSC.PERMISSION + walk.level) | (write ? ISS_DA_WNR : 0), { far: va, target: syncTargetEl(core, ec) });
  }
  const ipa = walk.oa;
  const acc = access(false);
  let pa = ipa;
  let cacheable = true;
  if (hook) {
    const r = hook.translate(ipa, acc);
    if ('fault' in r) stage2Fault(ipa, r.fault.fsc, false);
    if ('emulate' in r) return { pa: ipa, ipa, emulate: true, access: acc };
    const ok = r as { pa: number; trace?: boolean };
    pa = ok.pa;
    cacheable = !ok.trace;
  }
  if (cacheable) fill(core, va, kind, pa, ipa, walk.global ? -1 : walk.asid, walk.sizeLog2);
  return { pa, ipa, emulate: false, access: acc };
}

function fill(core: Core, va: number, kind: AccessKind, pa: number, ipa: number, asid: number, sizeLog2: number): void {
  const off = va & 0xfff;
  const pageVa = va - off;
  const paPage = pa - off;
  if (kind !== ACCESS_EXEC && core.debug.wpCount > 0 && core.debug.watchesPage(pageVa)) return;
  if (kind === ACCESS_WRITE && core.codeCache.hasCode(paPage)) return;
  const host = core.bus.hostPage(paPage);
  const table = kind === ACCESS_READ ? core.tlb.read : kind === ACCESS_WRITE ? core.tlb.write : core.tlb.exec;
  const size = 2 ** Math.max(sizeLog2, 12);
  const blockLo = va - (((va % size) + size) % size);
  const key = Math.floor(va / 4096) * 4 + core.el;
  table.fill(key, asid, paPage, ipa - off, host ? host.view : null, host ? host.bytes : null, host ? host.offset : 0, blockLo, blockLo + size);
}
