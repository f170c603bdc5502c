// Layer: core/arch/a64. Apple's implementation-defined system registers (op0 = 3, CRn = 15) that
// the specs name, with their encodings. Imports nothing.
//
// LLVM has no names for these and prints `S3_<op1>_C15_C<m>_<op2>`; hvdbg prints the names below
// instead, because the specs and every M1 reverse-engineering note refer to them by name (the one
// deliberate difference from LLVM, listed in test/a64/alias-choices.ts).
//
// Names follow the specs: m1n1-protocol.md §9.1, §9.5, §9.12, §13.2 and Appendix B;
// apple-devices.md §2.5. Where the specs name a register without its encoding, the encoding is the
// one m1n1's register list (tools/apple_regs.json, src/cpu_regs.h) gives — facts, not code. Where
// the specs and m1n1's list spell a name differently, the specs win (AMX_CONFIG_EL1, not AMX_CTL_EL1;
// VMKEYLO_EL2, not APVMKEYLO_EL2; KERNKEYLO_EL1, not KERNELKEYLO_EL1).

export interface AppleSysRegRow {
  readonly name: string;
  readonly op0: 3;
  readonly op1: number;
  readonly crn: 15;
  readonly crm: number;
  readonly op2: number;
}

const r = (name: string, op1: number, crm: number, op2: number): AppleSysRegRow => ({ name, op0: 3, op1, crn: 15, crm, op2 });

export const APPLE_SYSREGS: readonly AppleSysRegRow[] = [
  // Hardware implementation-dependent registers (P-core HIDn, E-core EHIDn); §9.5 traps HID4/EHID4.
  r('HID0_EL1', 0, 0, 0), r('EHID0_EL1', 0, 0, 1), r('HID1_EL1', 0, 1, 0), r('EHID1_EL1', 0, 1, 1),
  r('EHID20_EL1', 0, 1, 2), r('HID21_EL1', 0, 1, 3), r('HID2_EL1', 0, 2, 0), r('EHID2_EL1', 0, 2, 1),
  r('HID3_EL1', 0, 3, 0), r('EHID3_EL1', 0, 3, 1), r('HID4_EL1', 0, 4, 0), r('EHID4_EL1', 0, 4, 1),
  r('HID5_EL1', 0, 5, 0), r('EHID5_EL1', 0, 5, 1), r('HID6_EL1', 0, 6, 0), r('HID7_EL1', 0, 7, 0),
  r('EHID7_EL1', 0, 7, 1), r('HID8_EL1', 0, 8, 0), r('HID9_EL1', 0, 9, 0), r('EHID9_EL1', 0, 9, 1),
  r('HID10_EL1', 0, 10, 0), r('EHID10_EL1', 0, 10, 1), r('HID11_EL1', 0, 11, 0), r('EHID11_EL1', 0, 11, 1),
  r('HID18_EL1', 0, 11, 2), r('HID13_EL1', 0, 14, 0), r('HID14_EL1', 0, 15, 0), r('HID16_EL1', 0, 15, 2),
  r('HID17_EL1', 0, 15, 5),
  // Core PMU (§9.5: PMCR1–4, PMESR0/1, PMSR, PMC0–9 pass through; apple-devices §2.5: PMCR0 IMODE/IACT).
  r('PMCR0_EL1', 1, 0, 0), r('PMCR1_EL1', 1, 1, 0), r('PMCR2_EL1', 1, 2, 0), r('PMCR3_EL1', 1, 3, 0),
  r('PMCR4_EL1', 1, 4, 0), r('PMESR0_EL1', 1, 5, 0), r('PMESR1_EL1', 1, 6, 0), r('PMSR_EL1', 1, 13, 0),
  r('PMC0_EL1', 2, 0, 0), r('PMC1_EL1', 2, 1, 0), r('PMC2_EL1', 2, 2, 0), r('PMC3_EL1', 2, 3, 0),
  r('PMC4_EL1', 2, 4, 0), r('PMC5_EL1', 2, 5, 0), r('PMC6_EL1', 2, 6, 0), r('PMC7_EL1', 2, 7, 0),
  r('PMC8_EL1', 2, 9, 0), r('PMC9_EL1', 2, 10, 0),
  // Pointer authentication control, kernel and VM keys (§9.1: VMKEYLO/HI_EL2, APSTS_EL12; §9.12).
  r('APCTL_EL1', 4, 0, 4), r('KERNKEYLO_EL1', 4, 1, 0), r('KERNKEYHI_EL1', 4, 1, 1),
  r('KERNKEYLO_EL12', 6, 2, 3), r('KERNKEYHI_EL12', 6, 2, 4), r('APCTL_EL2', 6, 12, 2), r('APSTS_EL1', 6, 12, 4),
  r('VMKEYLO_EL2', 6, 14, 4), r('VMKEYHI_EL2', 6, 14, 5), r('APSTS_EL12', 6, 14, 7), r('APCTL_EL12', 6, 15, 0),
  r('APIAKeyLo_EL12', 6, 7, 0), r('APIAKeyHi_EL12', 6, 7, 1), r('APIBKeyLo_EL12', 6, 7, 2), r('APIBKeyHi_EL12', 6, 7, 3),
  r('APDAKeyLo_EL12', 6, 7, 4), r('APDAKeyHi_EL12', 6, 7, 5), r('APDBKeyLo_EL12', 6, 7, 6), r('APDBKeyHi_EL12', 6, 7, 7),
  r('APGAKeyLo_EL12', 6, 2, 1), r('APGAKeyHi_EL12', 6, 2, 2),
  // Memory-system locks and the CTRR read-only region (§9.12 (b): VMSA_LOCK_EL1; HACR_EL2 bit 14 traps CTRR).
  r('VMSA_LOCK_EL1', 4, 1, 2), r('CTRR_LOCK_EL1', 4, 2, 2), r('CTRR_A_LWR_EL1', 4, 2, 3), r('CTRR_A_UPR_EL1', 4, 2, 4),
  r('CTRR_CTL_EL1', 4, 2, 5), r('CTRR_A_LWR_EL2', 4, 11, 0), r('CTRR_A_UPR_EL2', 4, 11, 1), r('CTRR_CTL_EL2', 4, 11, 4),
  r('CTRR_LOCK_EL2', 4, 11, 5),
  // AMX coprocessor control (Appendix B: AMX_CONFIG_EL1; §13.2 sets EN_EL1 through the EL2 view).
  r('AMX_CONFIG_EL1', 4, 1, 4), r('AMX_CONFIG_EL12', 4, 4, 6), r('AMX_CONFIG_EL2', 4, 4, 7),
  // §9.5 "counter alias".
  r('CNTVCT_ALIAS_EL0', 4, 10, 6),
  // Fast IPIs and the guest-timer FIQ gate (apple-devices §2.5).
  r('IPI_RR_LOCAL_EL1', 5, 0, 0), r('IPI_RR_GLOBAL_EL1', 5, 0, 1), r('IPI_SR_EL1', 5, 1, 1),
  r('VM_TMR_FIQ_ENA_EL2', 5, 1, 3), r('IPI_CR_EL1', 5, 3, 1),
  // Cluster configuration and the cycle override (§9.12 (a), (c); Appendix B: CYC_OVRD_EL1).
  r('ACC_CFG_EL1', 5, 4, 0), r('CYC_OVRD_EL1', 5, 5, 0), r('ACC_OVRD_EL1', 5, 6, 0),
  // SPRR permissions and GXF guarded levels (Appendix B; §9.12 (d); §13.5 step 6).
  r('SPRR_CONFIG_EL1', 6, 1, 0), r('GXF_CONFIG_EL1', 6, 1, 2), r('SPRR_PERM_EL0', 6, 1, 5), r('SPRR_PERM_EL1', 6, 1, 6),
  r('SPRR_PERM_EL2', 6, 1, 7), r('SPRR_PERM_EL02', 4, 5, 2), r('SPRR_CONFIG_EL2', 6, 14, 2), r('SPRR_CONFIG_EL12', 6, 15, 4),
  r('SPRR_PERM_EL12', 6, 15, 7), r('GXF_STATUS_EL1', 6, 8, 0), r('GXF_ENTER_EL1', 6, 8, 1), r('GXF_ABORT_EL1', 6, 8, 2),
  r('GXF_ENTER_EL12', 6, 15, 2), r('GXF_ABORT_EL12', 6, 15, 3), r('VBAR_GL12', 6, 9, 2), r('SP_GL12', 6, 10, 0),
  r('TPIDR_GL1', 6, 10, 1), r('VBAR_GL1', 6, 10, 2), r('SPSR_GL1', 6, 10, 3), r('ASPSR_GL1', 6, 10, 4),
  r('ESR_GL1', 6, 10, 5), r('ELR_GL1', 6, 10, 6), r('FAR_GL1', 6, 10, 7), r('TPIDR_GL2', 6, 11, 1),
  r('VBAR_GL2', 6, 11, 2), r('SPSR_GL2', 6, 11, 3), r('ASPSR_GL2', 6, 11, 4), r('ESR_GL2', 6, 11, 5),
  r('ELR_GL2', 6, 11, 6), r('FAR_GL2', 6, 11, 7),
  // M1's ACTLR_EL12 variant (§9.1 sets EnMDSB, bit 12; §13.2 step 9).
  r('ACTLR_EL12', 6, 14, 6),
  // Uncore PMU (apple-devices §2.5: UPMCR0 IMODE, UPMSR IACT).
  r('UPMCR0_EL1', 7, 0, 4), r('UPMSR_EL1', 7, 6, 4),
];
