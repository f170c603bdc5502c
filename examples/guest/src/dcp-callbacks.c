/*
 * How the guest answers the DCP's callbacks, as macOS does in the seed trace (apple-devices
 * §7.13, §7.14 item 4) with the byte layouts of §7.8: the boot-time service creations say yes,
 * D116 start_hardware_boot makes the nested calls A357 … A460, D003 fills rt_bw_config from
 * disp0's registers, D561/D563 accept properties, D122–D124 take a DCPAV property in chunks and
 * D589 (ASYNC) completes a swap. Anything else keeps its zeroed output (every ret 0/False).
 */
#include "dcp.h"
#include "dma.h"
#include "kprintf.h"
#include "platform.h"

/* The seed's A103 input: cmd u64 0, arg u32 0xaaaa0000 (§7.7 notes). */
static const u8 seed_a103_input[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xaa};
/* sr_getClockFrequency(PROV, 0): a clock the guest reports (model choice, 533.33 MHz). */
#define DCP_PROV_CLOCK_HZ 533333328UL

static bool tag_is(const char *tag, const char *want)
{
    return tag[0] == want[0] && tag[1] == want[1] && tag[2] == want[2] && tag[3] == want[3];
}

static void ret_bool(u64 out, u32 out_len, bool v)
{
    if (out_len >= 1)
        sm_w8(out, v);
}

/* One nested call with a fixed input; prints its u32/u64 result if it has one. */
static void nested(struct dcp *d, const char *tag, const u8 *in, u32 in_len, u32 out_len)
{
    u64 at = dcp_prepare(d, tag, in_len, out_len);
    if (!at) {
        d->errors++;
        return;
    }
    for (u32 i = 0; i < in_len; i++)
        sm_w8(at + i, in[i]);
    u64 out = dcp_call(d);
    if (!out) {
        d->errors++;
        return;
    }
    if (tag_is(tag, "A103")) {
        d->display_width = sm_r32(out);
        d->display_height = sm_r32(out + 4);
    }
    if (out_len == 8) {
        dcp_log_prefix(d, false);
        kprintf("<C %s = %lu\n", tag, sm_r64(out));
    }
}

/* D116: macOS answers start_hardware_boot with these calls, in this order (§7.14 item 4.2). */
static void start_hardware_boot(struct dcp *d)
{
    static const u8 flush_supports_power[4] = {1, 0, 0, 0};
    nested(d, "A357", NULL, 0, 0);
    nested(d, "A443", NULL, 0, 4);
    nested(d, "A103", seed_a103_input, sizeof(seed_a103_input), 8);
    nested(d, "A029", NULL, 0, 0);
    nested(d, "A463", flush_supports_power, sizeof(flush_supports_power), 0);
    nested(d, "A036", NULL, 0, 4);
    nested(d, "A000", NULL, 0, 4);
    nested(d, "A460", NULL, 0, 4);
}

/* D003 rt_bandwidth_setup_ap: rt_bw_config (§7.6), as m1n1 answers on t8103. */
static void rt_bandwidth_setup(u64 out, u32 out_len)
{
    if (out_len < 0x3c)
        return;
    sm_w64(out + 8, platform.dcp.disp0_reg5 + 0x14); /* reg_scratch */
    sm_w64(out + 16, platform.dcp.disp0_reg6);       /* reg_doorbell */
    sm_w32(out + 28, 2);                              /* doorbell_bit */
}

void dcp_callback(struct dcp *d, const char *tag, u64 in, u32 in_len, u64 out, u32 out_len)
{
    char key[0x41];
    /* The indent shows the nesting; the callback is one level deeper than its caller. */
    dcp_log_prefix(d, true);
    kprintf("<%s", tag);

    if (tag_is(tag, "D598") || tag_is(tag, "D300")) {
        /* find_swap_function_gated, pr_publish: void */
    } else if (tag_is(tag, "D000") || tag_is(tag, "D001") || tag_is(tag, "D107") || tag_is(tag, "D108")
               || tag_is(tag, "D109") || tag_is(tag, "D110") || tag_is(tag, "D111")) {
        ret_bool(out, out_len, true); /* did_boot/did_power_on, create_*_service */
    } else if (tag_is(tag, "D116")) {
        kprintf(" start_hardware_boot\n");
        start_hardware_boot(d);
        ret_bool(out, out_len, true);
        return;
    } else if (tag_is(tag, "D401") && in_len >= 0x44) {
        dcp_read_str(in + 4, 0x40, key, sizeof(key));
        kprintf(" sr_get_uint_prop('%s')", key); /* value 0, ret False, as in the seed */
    } else if (tag_is(tag, "D408") && out_len >= 8) {
        sm_w64(out, DCP_PROV_CLOCK_HZ);
    } else if ((tag_is(tag, "D563") || tag_is(tag, "D561")) && in_len >= 0x40) {
        dcp_read_str(in, 0x40, key, sizeof(key));
        kprintf(" setProperty('%s')", key);
        ret_bool(out, out_len, true);
    } else if (tag_is(tag, "D003")) {
        rt_bandwidth_setup(out, out_len);
    } else if (tag_is(tag, "D122") && in_len >= 4) {
        d->dcpav_bytes = 0;
        kprintf(" setDCPAVPropStart(%u)", sm_r32(in));
        ret_bool(out, out_len, true);
    } else if (tag_is(tag, "D123") && in_len >= 0x1008) {
        d->dcpav_bytes += sm_r32(in + 0x1004);
        ret_bool(out, out_len, true);
    } else if (tag_is(tag, "D124") && in_len >= 0x40) {
        dcp_read_str(in, 0x40, key, sizeof(key));
        kprintf(" setDCPAVPropEnd('%s'): %u bytes", key, d->dcpav_bytes);
        d->dcpav_props++;
        ret_bool(out, out_len, true);
    } else if (tag_is(tag, "D589") && in_len >= 4) {
        d->last_swap_completed = sm_r32(in);
        d->swaps_completed++;
        kprintf(" swap_complete_ap_gated(swap %u)", d->last_swap_completed);
    } else {
        d->unknown_callbacks++;
        kprintf(" (not known here: 0x%x/0x%x, answered with zeros)", in_len, out_len);
    }
    kprintf("\n");
}
