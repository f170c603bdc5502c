// Where hvdbg's disassembly may differ from llvm-objdump-16 on purpose, with the reason. The
// vs-LLVM test accepts exactly these differences and reports how many words each one covers.
// Keep this list short: every entry is a place a user would see something LLVM does not print.
export interface AliasChoice {
  /** Spec id the difference belongs to. */
  readonly id: string;
  /** Matches LLVM's text… */
  readonly llvm: RegExp;
  /** …and ours for the same word. */
  readonly ours: RegExp;
  readonly why: string;
}

export const ALIAS_CHOICES: readonly AliasChoice[] = [
  // One choice, on both system-register moves (MRS and MSR (register) are separate rows).
  ...(['MRS', 'MSR_reg'] as const).map(
    (id): AliasChoice => ({
      id,
      llvm: /^(mrs\t[wx]\w+, S3_[0-7]_C15_C\d+_[0-7]|msr\tS3_[0-7]_C15_C\d+_[0-7], [wx]\w+)$/,
      ours: /^(mrs\t[wx]\w+, [A-Z][A-Za-z0-9_]*_[EG]L\d+|msr\t[A-Z][A-Za-z0-9_]*_[EG]L\d+, [wx]\w+)$/,
      why:
        "Apple's implementation-defined registers (op0 3, CRn 15) print by the name the specs give them " +
        '(HID4_EL1, SPRR_CONFIG_EL1, CYC_OVRD_EL1, …; core/arch/a64/sysregs-apple.ts) where LLVM prints ' +
        'S3_<op1>_C15_C<m>_<op2>: the specs and reverse-engineering notes use the names, and the encoder accepts them',
    }),
  ),
];
