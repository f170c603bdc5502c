// Layer: sim/hypervisor. Where the hypervisor keeps its structures in m1n1's image (model
// choices: m1n1 allocates them on its heap or stacks; the host only needs stable addresses it
// can MEMREAD/MEMWRITE, §16.2). Imports nothing.

export interface HvLayout {
  /** `exc_info` of CPU n (512 bytes reserved, §9.2) = excInfo + n × 0x200. */
  readonly excInfo: bigint;
  /** `hv_vm_proxy_hook_data` of CPU n (80 bytes, §10.6) = hookData + n × 0x80. */
  readonly hookData: bigint;
  /** 16 KiB-aligned arena the stage-2 tables are allocated from (§10.1). */
  readonly stage2Arena: { readonly base: bigint; readonly size: bigint };
  /** "Handler addresses" of the firmware's own hooks (stored in HOOK descriptors, §10.2). */
  readonly hooks: { readonly vuart: bigint; readonly aic: bigint; readonly virtio: bigint };
  /** The VIRTIO callback's `extra` of CPU n (§12) = virtioInfo + n × 0x20. */
  readonly virtioInfo: bigint;
}

export function hvLayout(m1n1Base: bigint): HvLayout {
  return {
    excInfo: m1n1Base + 0x10000n,
    hookData: m1n1Base + 0x14000n,
    stage2Arena: { base: m1n1Base + 0x80_0000n, size: 0x100_0000n },
    hooks: { vuart: m1n1Base + 0x20000n, aic: m1n1Base + 0x20100n, virtio: m1n1Base + 0x21000n },
    virtioInfo: m1n1Base + 0x15000n,
  };
}
