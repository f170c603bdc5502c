/*
 * j274 (Mac mini M1 2020, t8103) physical addresses the demo guest uses.
 *
 * A real OS reads these from the Apple Device Tree that boot_args points at; the demo does too
 * (adt.c: /arm-io/uart0, /arm-io/aic, /arm-io/gpio, /arm-io/pmgr and /cpus) and falls back to
 * these constants when there is no usable ADT (e.g. when run on a bare CPU model).
 * Sources: apple-devices.md §2.1 (AIC), §3.1 (GPIO), §8.1–8.3 (CPU start), §9.4 (device nodes).
 */
#ifndef J274_H
#define J274_H

/* Guest-physical DRAM (M1 DRAM base) and where the image is linked (see link.ld, README). */
#define J274_DRAM_BASE          0x800000000UL
#define J274_DRAM_SIZE          0x200000000UL /* 8 GiB Mac mini */

/* §9.4 /arm-io/uart0: Samsung-style UART, the console (the hypervisor's vuart, m1n1 §11). */
#define J274_UART0_BASE         0x235200000UL
#define J274_UART0_IRQ          605
#define UART_UTRSTAT            0x10
#define UART_UTRSTAT_TXBE       (1u << 1)
#define UART_UTXH               0x20

/* §2.1, §2.2 /arm-io/aic: AIC1. */
#define J274_AIC_BASE           0x23b100000UL

/* §3.1 /arm-io/gpio: the AP GPIO, 212 pins, IRQ groups 0..6 → AIC IRQs 190..196. */
#define J274_GPIO_BASE          0x23c100000UL
#define J274_GPIO_PINS          212
#define J274_GPIO_IRQ_BASE      190
#define J274_GPIO_GROUPS        7

/* §8.2 /arm-io/pmgr reg[0]; the CPU-start block is at +0x54000 on T8103. */
#define J274_PMGR_BASE          0x23b700000UL
#define PMGR_CPU_START_OFFSET   0x54000UL
#define CPU_START_CORE_ENABLE   0x4   /* 1 << (4*cluster + core): "core enabled" */
#define CPU_START_CLUSTER(c)    (0x8 + 4 * (c)) /* 1 << core: start that core */

/* §8.1, §8.3: per-core implementation register block; RVBAR at +0 (bit 0 = LOCK). */
#define J274_CPU_IMPL_BASE      0x210050000UL
#define J274_CPU_IMPL(cluster, core) (J274_CPU_IMPL_BASE | ((unsigned long)(cluster) << 24) | ((unsigned long)(core) << 20))
#define CPU_IMPL_RVBAR          0x0
#define RVBAR_LOCK              1UL

/* §7, §9.4: the DCP (an ASC; mailbox at +0x8000), its DART (stream 0) and the display pipe's. */
#define J274_DCP_BASE           0x231c00000UL
#define J274_DART_DCP_BASE      0x23130c000UL
#define J274_DART_DISP0_BASE    0x231304000UL
#define J274_DCP_ASC_DRAM_MASK  0xf00000000UL
#define J274_DCP_SID            0
#define J274_DISP0_REG5         0x23b738000UL /* disp0 reg[5]: + 0x14 is rt_bw_config's scratch (§7.6) */
#define J274_DISP0_REG6         0x23bc3c000UL /* disp0 reg[6]: the doorbell */

#define J274_CPUS               8   /* cluster 0: E-cores 0-3, cluster 1: P-cores 4-7 (§8.1) */

/*
 * Demo pins on the AP GPIO. GPIO_DEMO_INPUT_PIN is an input the virtual M1 toggles over time
 * (see README "What the guest expects"); the outputs are pins the j274 pin table (§3.4) does
 * not name, so nothing real is driven.
 */
#define GPIO_DEMO_INPUT_PIN     10
#define GPIO_DEMO_OUTPUT_PIN_A  11
#define GPIO_DEMO_OUTPUT_PIN_B  12

/* An IRQ number no j274 device uses, raised by software (AIC SW_SET) to show mask/unmask. */
#define AIC_DEMO_SW_IRQ         848

#endif
