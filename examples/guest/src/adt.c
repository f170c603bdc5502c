/*
 * A minimal Apple Device Tree reader (m1n1-protocol.md §8.4, apple-devices §9.1): enough to find
 * the device bases (/arm-io/{uart0,aic,gpio,pmgr} reg[0] through /arm-io ranges), the CPUs
 * (/cpus/cpuN: cpu-id, reg, cpu-impl-reg, state) and the DCP with its DARTs — as a real OS would, instead of trusting
 * j274.h. Every read is bounds-checked: a bad ADT makes the guest fall back to the constants.
 * Reads are byte-wise: ADT values are only 4-byte aligned and the MMU is off (Device memory).
 */
#include "types.h"
#include "kprintf.h"
#include "platform.h"

#define ADT_NAME_LEN    32
#define ADT_MAX_DEPTH   16
#define ADT_MAX_SIZE    0x1000000UL /* 16 MiB */

static const u8 *adt_base, *adt_end;

static u32 rd32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 rd64(const u8 *p)
{
    return (u64)rd32(p) | (u64)rd32(p + 4) << 32;
}

static bool in_adt(const u8 *p, u64 len)
{
    return p >= adt_base && p <= adt_end && len <= (u64)(adt_end - p);
}

/* The first property of `node`, or NULL. */
static const u8 *first_prop(const u8 *node)
{
    return in_adt(node, 8) ? node + 8 : NULL;
}

/* The property after `prop` (value padded to 4 bytes). */
static const u8 *next_prop(const u8 *prop)
{
    if (!in_adt(prop, ADT_NAME_LEN + 4))
        return NULL;
    u32 len = rd32(prop + ADT_NAME_LEN) & 0x7fffffff; /* bit 31: template flag (§9.1) */
    u64 step = ADT_NAME_LEN + 4 + (((u64)len + 3) & ~3UL);
    return in_adt(prop, step) ? prop + step : NULL;
}

/* Where `node`'s children start (after its properties), or NULL. */
static const u8 *children_of(const u8 *node)
{
    const u8 *p = first_prop(node);
    u32 nprops = rd32(node);
    for (u32 i = 0; p && i < nprops; i++)
        p = next_prop(p);
    return p;
}

/* The byte after `node` and all its descendants, or NULL. */
static const u8 *node_end(const u8 *node, int depth)
{
    if (depth > ADT_MAX_DEPTH)
        return NULL;
    const u8 *p = children_of(node);
    u32 nchildren = p ? rd32(node + 4) : 0;
    for (u32 i = 0; p && i < nchildren; i++)
        p = node_end(p, depth + 1);
    return p;
}

static bool name_is(const u8 *prop, const char *name)
{
    for (u32 i = 0; i < ADT_NAME_LEN; i++) {
        if (prop[i] != (u8)name[i])
            return false;
        if (!name[i])
            return true;
    }
    return false;
}

/* A property's value and length, or NULL. */
static const u8 *get_prop(const u8 *node, const char *name, u32 *len)
{
    const u8 *p = first_prop(node);
    u32 nprops = in_adt(node, 8) ? rd32(node) : 0;
    for (u32 i = 0; p && i < nprops; i++, p = next_prop(p)) {
        if (!in_adt(p, ADT_NAME_LEN + 4))
            return NULL;
        u32 l = rd32(p + ADT_NAME_LEN) & 0x7fffffff;
        if (name_is(p, name) && in_adt(p + ADT_NAME_LEN + 4, l)) {
            *len = l;
            return p + ADT_NAME_LEN + 4;
        }
    }
    return NULL;
}

static bool prop_string_is(const u8 *node, const char *prop, const char *value)
{
    u32 len;
    const u8 *v = get_prop(node, prop, &len);
    size_t want = strlen(value) + 1;
    return v && len >= want && strncmp((const char *)v, value, want) == 0;
}

static u32 prop_u32(const u8 *node, const char *prop, u32 fallback)
{
    u32 len;
    const u8 *v = get_prop(node, prop, &len);
    return v && len >= 4 ? rd32(v) : fallback;
}

static const u8 *child_named(const u8 *node, const char *name)
{
    const u8 *c = children_of(node);
    u32 nchildren = c ? rd32(node + 4) : 0;
    for (u32 i = 0; c && i < nchildren; i++, c = node_end(c, 1)) {
        if (prop_string_is(c, "name", name))
            return c;
    }
    return NULL;
}

/* reg[index] of /arm-io/<name>, translated through /arm-io's ranges to a physical address (§9.1). */
static u64 arm_io_reg(const u8 *root, const u8 *arm_io, const char *name, u32 index)
{
    const u8 *node = child_named(arm_io, name);
    u32 len, rlen;
    const u8 *reg = node ? get_prop(node, "reg", &len) : NULL;
    u32 ac = prop_u32(arm_io, "#address-cells", 2), sc = prop_u32(arm_io, "#size-cells", 2);
    u32 pac = prop_u32(root, "#address-cells", 2);
    if (!reg || ac < 1 || ac > 2 || sc > 2 || pac < 1 || pac > 2 || len < 4 * (ac + sc) * index + 4 * ac)
        return 0;
    reg += 4 * (ac + sc) * index;
    u64 addr = ac == 2 ? rd64(reg) : rd32(reg);
    const u8 *ranges = get_prop(arm_io, "ranges", &rlen);
    u32 entry = 4 * (ac + pac + sc);
    for (u32 off = 0; ranges && off + entry <= rlen; off += entry) {
        const u8 *r = ranges + off;
        u64 bus = ac == 2 ? rd64(r) : rd32(r);
        u64 parent = pac == 2 ? rd64(r + 4 * ac) : rd32(r + 4 * ac);
        u64 size = sc == 2 ? rd64(r + 4 * (ac + pac)) : sc == 1 ? rd32(r + 4 * (ac + pac)) : 0;
        if (addr >= bus && addr - bus < size)
            return addr - bus + parent;
    }
    return addr;
}

static u64 arm_io_reg0(const u8 *root, const u8 *arm_io, const char *name)
{
    return arm_io_reg(root, arm_io, name, 0);
}

/* A u32 or u64 property (e.g. asc-dram-mask, vm-base), or `fallback`. */
static u64 prop_u64(const u8 *node, const char *prop, u64 fallback)
{
    u32 len;
    const u8 *v = node ? get_prop(node, prop, &len) : NULL;
    return !v ? fallback : len >= 8 ? rd64(v) : len >= 4 ? rd32(v) : fallback;
}

/*
 * The display coprocessor (apple-devices §7, §9.4): /arm-io/dcp reg[0] and its first child's
 * asc-dram-mask, /arm-io/dart-dcp reg[0], vm-base and its mapper's reg (the SID), dart-disp0,
 * and disp0 reg[5]/reg[6] (the doorbell registers of rt_bw_config, §7.6). An ADT without a
 * dcp node means the machine has none: the guest then leaves it alone.
 */
static void read_dcp(const u8 *root, const u8 *arm_io)
{
    const u8 *dcp = child_named(arm_io, "dcp");
    const u8 *dart = child_named(arm_io, "dart-dcp");
    u64 asc = arm_io_reg0(root, arm_io, "dcp"), dart_base = arm_io_reg0(root, arm_io, "dart-dcp");
    platform.dcp.present = dcp && dart && asc && dart_base;
    if (!platform.dcp.present)
        return;
    platform.dcp.asc_base = asc;
    platform.dcp.dart_base = dart_base;
    const u8 *nub = children_of(dcp);
    if (nub && rd32(dcp + 4) > 0)
        platform.dcp.dram_mask = prop_u64(nub, "asc-dram-mask", platform.dcp.dram_mask);
    const u8 *mapper = children_of(dart);
    if (mapper && rd32(dart + 4) > 0)
        platform.dcp.sid = prop_u32(mapper, "reg", platform.dcp.sid);
    platform.dcp.vm_base = prop_u64(dart, "vm-base", 0);
    u64 disp0_dart = arm_io_reg0(root, arm_io, "dart-disp0");
    u64 reg5 = arm_io_reg(root, arm_io, "disp0", 5), reg6 = arm_io_reg(root, arm_io, "disp0", 6);
    if (disp0_dart)
        platform.dcp.disp0_dart_base = disp0_dart;
    if (reg5 && reg6) {
        platform.dcp.disp0_reg5 = reg5;
        platform.dcp.disp0_reg6 = reg6;
    }
}

static void read_cpus(const u8 *cpus)
{
    const u8 *c = children_of(cpus);
    u32 nchildren = c ? rd32(cpus + 4) : 0, n = 0;
    for (u32 i = 0; c && i < nchildren && n < J274_CPUS; i++, c = node_end(c, 1)) {
        u32 len;
        u32 reg = prop_u32(c, "reg", 0xffffffff);
        const u8 *impl = get_prop(c, "cpu-impl-reg", &len);
        if (reg == 0xffffffff || !impl || len < 8)
            continue;
        struct cpu_desc *d = &platform.cpus[n++];
        d->cpu_id = prop_u32(c, "cpu-id", reg);
        d->core = reg & 0xff;
        d->cluster = (reg >> 8) & 0x7;
        d->impl_base = rd64(impl);
        d->boot = prop_string_is(c, "state", "running");
    }
    if (n)
        platform.ncpus = n;
}

bool platform_from_adt(const struct boot_args *ba)
{
    u64 bap = (u64)ba;
    if (bap < J274_DRAM_BASE || bap >= J274_DRAM_BASE + J274_DRAM_SIZE || (bap & 7))
        return false;
    if (ba->revision < 1 || ba->revision > 3)
        return false;
    u64 phys = ba->devtree - ba->virt_base + ba->phys_base; /* m1n1-protocol §8.1 */
    u64 size = ba->devtree_size;
    if (phys < J274_DRAM_BASE || phys >= J274_DRAM_BASE + J274_DRAM_SIZE || size < 8 || size > ADT_MAX_SIZE)
        return false;
    adt_base = (const u8 *)phys;
    adt_end = adt_base + size;
    const u8 *root = adt_base;
    if (!prop_string_is(root, "name", "device-tree") || node_end(root, 0) == NULL)
        return false;

    const u8 *arm_io = child_named(root, "arm-io");
    if (!arm_io)
        return false;
    u64 uart = arm_io_reg0(root, arm_io, "uart0"), aic = arm_io_reg0(root, arm_io, "aic");
    u64 gpio = arm_io_reg0(root, arm_io, "gpio"), pmgr = arm_io_reg0(root, arm_io, "pmgr");
    if (!gpio)
        gpio = arm_io_reg0(root, arm_io, "gpio0"); /* newer SoCs' name (§3.1) */
    if (!uart || !aic)
        return false;
    platform.uart_base = uart;
    platform.aic_base = aic;
    if (gpio)
        platform.gpio_base = gpio;
    if (pmgr)
        platform.pmgr_base = pmgr;
    const u8 *cpus = child_named(root, "cpus");
    if (cpus)
        read_cpus(cpus);
    read_dcp(root, arm_io);
    platform.from_adt = true;
    return true;
}

/* The j274 constants (j274.h), used until and unless the ADT says otherwise. */
void platform_defaults(void)
{
    platform.from_adt = false;
    platform.uart_base = J274_UART0_BASE;
    platform.aic_base = J274_AIC_BASE;
    platform.gpio_base = J274_GPIO_BASE;
    platform.pmgr_base = J274_PMGR_BASE;
    platform.ncpus = J274_CPUS;
    platform.dcp.present = true; /* no ADT to say otherwise: j274 has one */
    platform.dcp.asc_base = J274_DCP_BASE;
    platform.dcp.dart_base = J274_DART_DCP_BASE;
    platform.dcp.disp0_dart_base = J274_DART_DISP0_BASE;
    platform.dcp.dram_mask = J274_DCP_ASC_DRAM_MASK;
    platform.dcp.sid = J274_DCP_SID;
    platform.dcp.vm_base = 0;
    platform.dcp.disp0_reg5 = J274_DISP0_REG5;
    platform.dcp.disp0_reg6 = J274_DISP0_REG6;
    for (u32 i = 0; i < J274_CPUS; i++) {
        platform.cpus[i].cpu_id = i;
        platform.cpus[i].cluster = i >> 2;
        platform.cpus[i].core = i & 3;
        platform.cpus[i].impl_base = J274_CPU_IMPL(i >> 2, i & 3);
        platform.cpus[i].boot = i == 0;
    }
}
