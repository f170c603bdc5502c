/*
 * The DCP demo step (issue 5): boot the display coprocessor's RTKit, hand EP 0x37 its shared
 * memory, run the boot sequence macOS runs (A401 start_signal and the callbacks nested in it,
 * apple-devices §7.14 item 4), then submit a few swaps and wait for their completions
 * (A407 swap_start, A408 swap_submit_dcp → ASYNC D589, §7.14 item 5). All through the mailbox
 * registers, the DART page tables and shared memory.
 */
#include "dcp.h"
#include "demo.h"
#include "dma.h"
#include "kprintf.h"
#include "platform.h"

#define DEMO_SWAPS          3
#define MS(n)               ((u64)(n) * (TIMEBASE_HZ / 1000))

/* The driver's state: a global so a debugger can look at it (`print dcp_state`). */
struct dcp dcp_state;

/* §7.7 A407 swap_start(swap_id: inout* u32, client: inout* IOUserClient) → u32: in 0x18, out 0x18. */
static bool swap_start(struct dcp *d, u32 *swap_id)
{
    if (!dcp_prepare(d, "A407", 0x18, 0x18))
        return false;
    u64 out = dcp_call(d);
    if (!out || sm_r32(out + 0x14) != 0)
        return false;
    *swap_id = sm_r32(out);
    return true;
}

/*
 * §7.7 A408 swap_submit_dcp: in 0xb64 = swap_rec (0x320) + 4 surfaces (0x204 each) + surfAddr
 * u64[4] + unkBool + unkFloat f64 + unkInt u32 + 6 null flags + padding; out = unkOutBool + u32
 * ret + padding. This is a blank swap: no surfaces (all four null), every layer removed
 * (swap_enabled bit 31, §7.6), full-screen rects.
 */
static bool swap_submit(struct dcp *d, u32 swap_id)
{
    u64 in = dcp_prepare(d, "A408", 0xb64, 0x8);
    if (!in)
        return false;
    sm_w32(in + 0x50, swap_id);                    /* IOMFBSwapRec.swap_id */
    u32 rect[4] = {0, 0, d->display_width, d->display_height};
    for (u32 i = 0; i < 4; i++) {
        sm_w32(in + 0x64 + 4 * i, rect[i]);        /* src_rect[0] */
        sm_w32(in + 0xc4 + 4 * i, rect[i]);        /* dst_rect[0] */
    }
    sm_w32(in + 0x104, BIT(31));                   /* swap_enabled: remove missing layers */
    sm_w32(in + 0x108, BIT(31));                   /* swap_completed */
    u64 flags = in + 0xb5d;                        /* swap_rec, surfaces[4], unkOutBool */
    sm_w8(flags + 0, 0);
    for (u32 i = 1; i <= 4; i++)
        sm_w8(flags + i, 1);
    sm_w8(flags + 5, 0);
    u64 out = dcp_call(d);
    return out && sm_r8(out + 1) == 0; /* ret u32 right after the bool (no alignment, §7.6) */
}

static bool run_swaps(struct dcp *d)
{
    for (u32 n = 0; n < DEMO_SWAPS; n++) {
        u32 id;
        if (!swap_start(d, &id) || !swap_submit(d, id))
            return false;
        d->swaps_submitted++;
        /* One 60 Hz frame is 16.7 ms; allow 100 ms for the ASYNC D589. */
        if (!dcp_poll_until(d, &d->swaps_completed, d->swaps_submitted, MS(100)) || d->last_swap_completed != id) {
            kprintf("dcp: swap %u: no completion\n", id);
            return false;
        }
    }
    return true;
}

void dcp_demo(void)
{
    struct dcp *d = &dcp_state;
    const struct dcp_desc *p = &platform.dcp;
    if (!p->present) {
        kprintf("dcp: the ADT has no /arm-io/dcp; skipped\n");
        return;
    }
    kprintf("dcp: ASC at %lx (mailbox at +0x8000), dart-dcp %lx, asc-dram-mask %lx\n", p->asc_base, p->dart_base, p->dram_mask);
    if (!dcp_init(d)) {
        demo_step_failed("DCP: RTKit boot or shared-memory set-up");
        return;
    }
    d->display_width = 1920; /* until A103 says */
    d->display_height = 1080;
    if (!dcp_prepare(d, "A401", 0, 4)) {
        demo_step_failed("DCP: A401 start_signal");
        return;
    }
    u64 out = dcp_call(d);
    if (!out || sm_r32(out) != 0) {
        demo_step_failed("DCP: A401 start_signal");
        return;
    }
    kprintf("dcp: <C[0x0] A401 = 0: boot sequence done (%u call(s), %u callback(s), %u DCPAV propert(ies))\n", d->calls,
            d->callbacks, d->dcpav_props);
    if (!run_swaps(d))
        demo_step_failed("DCP: swaps");
    u64 addr;
    u32 err = dart_error(&d->dart, &addr);
    if (err & DART_ERROR_FLAG) {
        kprintf("dcp: dart-dcp fault %x at %lx\n", err, addr);
        demo_step_failed("DCP: DART fault");
    }
    if (d->errors || d->unknown_callbacks)
        demo_step_failed("DCP: protocol errors or unknown callbacks");
    demo_stats.dcp_swaps = d->swaps_completed;
    kprintf("dcp: %u swap(s) completed; %u syslog line(s), %u mailbox message(s) sent, %u received\n", d->swaps_completed,
            d->rk.syslog_lines, d->rk.messages_sent, d->rk.messages_received);
}
