/*
 * The DCP's RPC transport, AP side: apple-devices §7.2–§7.5. Calls go into the AP's CMD buffer
 * as a strict stack; the DCP's callbacks arrive in its CB / ASYNC buffers and are answered
 * (dcp-callbacks.c) while the AP's call waits, which is how nested calls made inside a callback
 * (D116 → A357 …) end up at the next aligned offset of the CMD buffer with CTX CB.
 */
#include "dcp.h"
#include "dma.h"
#include "kprintf.h"
#include "platform.h"

#define MS(n) ((u64)(n) * (TIMEBASE_HZ / 1000))
#define DCP_REPLY_TIMEOUT MS(1000)

static u32 align_pkt(u32 len)
{
    return (len + DCP_PKT_ALIGN - 1) & ~(DCP_PKT_ALIGN - 1);
}

void dcp_read_tag(u64 pkt, char tag[5])
{
    for (u32 i = 0; i < 4; i++)
        tag[i] = (char)sm_r8(pkt + 3 - i); /* stored reversed: "A401" is 31 30 34 41 */
    tag[4] = 0;
}

void dcp_read_str(u64 at, u32 max, char *buf, u32 bufsize)
{
    u32 i;
    for (i = 0; i < max && i + 1 < bufsize && (buf[i] = (char)sm_r8(at + i)); i++)
        ;
    buf[i] = 0;
}

void dcp_log_prefix(const struct dcp *d, bool callback)
{
    /* The seed's nesting: a callback is one level below the call it interrupts (§7.13). */
    u32 level = 2 * d->cb_depth - (callback ? 1 : 0);
    kprintf("dcp: ");
    for (u32 i = 0; i < level; i++)
        kprintf("  ");
}

static u32 channel_base(u32 ctx)
{
    switch (ctx) {
    case DCP_CTX_CB: return DCP_CHAN_CB;
    case DCP_CTX_ASYNC: return DCP_CHAN_ASYNC;
    case DCP_CTX_OOBCB: return DCP_CHAN_OOBCB;
    case DCP_CTX_OOBASYNC: return DCP_CHAN_OOBASYNC;
    default: return 0xffffffff;
    }
}

/* A DCP → AP call (§7.5 b, c): read it where its CTX says, answer, acknowledge with OFF 0. */
static bool handle_callback(struct dcp *d, u64 msg0)
{
    u32 ctx = DCP_MSG_CTX(msg0), off = DCP_MSG_OFF(msg0), len = DCP_MSG_LEN(msg0);
    u32 base = channel_base(ctx);
    if (base == 0xffffffff || off + len > 0x8000 || len < DCP_PKT_HDR) {
        kprintf("dcp: bad callback message %lx\n", msg0);
        d->errors++;
        return asc_send(&d->rk, DCP_EP, DCP_MSG(ctx, 0, 0, 1));
    }
    u64 pkt = d->shmem_pa + base + off;
    char tag[5];
    dcp_read_tag(pkt, tag);
    u32 in_len = sm_r32(pkt + 4), out_len = sm_r32(pkt + 8);
    if (DCP_PKT_HDR + in_len + out_len > len) {
        kprintf("dcp: callback %s: sizes 0x%x/0x%x exceed LEN 0x%x\n", tag, in_len, out_len, len);
        d->errors++;
        return asc_send(&d->rk, DCP_EP, DCP_MSG(ctx, 0, 0, 1));
    }
    u64 in = pkt + DCP_PKT_HDR, out = in + in_len;
    for (u32 i = 0; i < out_len; i++)
        sm_w8(out + i, 0); /* Linux zero-fills the output area first */
    d->callbacks++;
    if (ctx == DCP_CTX_ASYNC || ctx == DCP_CTX_OOBASYNC)
        d->async_callbacks++;
    d->cb_depth++;
    dcp_callback(d, tag, in, in_len, out, out_len);
    d->cb_depth--;
    dsb();
    return asc_send(&d->rk, DCP_EP, DCP_MSG(ctx, 0, 0, 1));
}

u64 dcp_prepare(struct dcp *d, const char *tag, u32 in_len, u32 out_len)
{
    u32 len = DCP_PKT_HDR + in_len + out_len;
    d->prep_off = d->cmd_top;
    d->prep_in = in_len;
    d->prep_out = out_len;
    for (u32 i = 0; i < 4; i++)
        d->prep_tag[i] = tag[i];
    d->prep_tag[4] = 0;
    if (d->prep_off + len > 0x8000)
        return 0;
    u64 pkt = d->shmem_pa + DCP_CHAN_CMD + d->prep_off;
    for (u32 i = 0; i < 4; i++)
        sm_w8(pkt + i, (u8)tag[3 - i]);
    sm_w32(pkt + 4, in_len);
    sm_w32(pkt + 8, out_len);
    for (u32 i = 0; i < in_len + out_len; i++)
        sm_w8(pkt + DCP_PKT_HDR + i, 0);
    return pkt + DCP_PKT_HDR;
}

u64 dcp_call(struct dcp *d)
{
    u32 off = d->prep_off, in_len = d->prep_in, out_len = d->prep_out;
    u32 len = DCP_PKT_HDR + in_len + out_len;
    u32 ctx = d->cb_depth ? DCP_CTX_CB : DCP_CTX_CMD;
    char tag[5];
    for (u32 i = 0; i < 5; i++)
        tag[i] = d->prep_tag[i];
    if (off + len > 0x8000)
        return 0;
    dcp_log_prefix(d, false);
    kprintf(">C[0x%x] %s\n", off, tag);
    d->cmd_top = off + align_pkt(len);
    d->calls++;
    dsb();
    if (!asc_send(&d->rk, DCP_EP, DCP_MSG(ctx, off, len, 0)))
        return 0;
    for (;;) {
        u32 ep;
        u64 msg0;
        if (!rtkit_recv_app(&d->rk, &ep, &msg0, DCP_REPLY_TIMEOUT)) {
            kprintf("dcp: no answer to %s\n", tag);
            d->cmd_top = off;
            return 0;
        }
        if (ep != DCP_EP || (msg0 & 0xf) != 2) {
            kprintf("dcp: EP %x message %lx ignored\n", ep, msg0);
            continue;
        }
        if (!DCP_MSG_ACK(msg0)) {
            if (!handle_callback(d, msg0))
                return 0;
            continue;
        }
        if (DCP_MSG_CTX(msg0) != ctx || DCP_MSG_OFF(msg0) != off) {
            kprintf("dcp: ACK %lx does not match %s at 0x%x\n", msg0, tag, off);
            d->errors++;
            continue;
        }
        d->cmd_top = off; /* the stack pops */
        dmb();
        return d->shmem_pa + DCP_CHAN_CMD + off + DCP_PKT_HDR + in_len;
    }
}

bool dcp_poll_until(struct dcp *d, volatile u32 *counter, u32 want, u64 ticks)
{
    u64 deadline = timebase() + ticks;
    while (*counter < want) {
        u32 ep;
        u64 msg0;
        u64 now = timebase();
        if (now > deadline || !rtkit_recv_app(&d->rk, &ep, &msg0, deadline - now))
            return false;
        if (ep == DCP_EP && (msg0 & 0xf) == 2 && !DCP_MSG_ACK(msg0))
            handle_callback(d, msg0);
        else
            kprintf("dcp: EP %x message %lx ignored\n", ep, msg0);
    }
    return true;
}

bool dcp_init(struct dcp *d)
{
    const struct dcp_desc *p = &platform.dcp;
    d->rk.name = "dcp";
    d->rk.asc = p->asc_base;
    d->rk.dram_mask = p->dram_mask;
    d->rk.dart = &d->dart;
    if (!dart_init(&d->dart, p->dart_base, p->sid, p->vm_base)) {
        kprintf("dcp: dart-dcp at %lx: could not set up stream %u\n", p->dart_base, p->sid);
        return false;
    }
    kprintf("dcp: dart-dcp at %lx: stream %u, L1 table at %lx\n", p->dart_base, p->sid, d->dart.l1);
    if (!rtkit_boot(&d->rk)) {
        kprintf("dcp: RTKit did not boot\n");
        return false;
    }
    rtkit_drain(&d->rk, MS(5)); /* the boot syslog lines */
    if (!rtkit_has_endpoint(&d->rk, DCP_EP) || !rtkit_start_ep(&d->rk, DCP_EP))
        return false;
    struct rtkit_buffer shmem;
    if (!rtkit_alloc_buffer(&d->rk, DCP_SHMEM_SIZE, &shmem))
        return false;
    d->shmem_pa = shmem.pa;
    d->shmem_dva = shmem.dva;
    kprintf("dcp: shared memory at %lx, DVA %lx\n", d->shmem_pa, d->shmem_dva);
    if (!asc_send(&d->rk, DCP_EP, DCP_SET_SHMEM(d->shmem_dva)))
        return false;
    u32 ep;
    u64 msg0;
    if (!rtkit_recv_app(&d->rk, &ep, &msg0, MS(1000)) || ep != DCP_EP || (msg0 & 0xf) != DCP_INITIALIZED) {
        kprintf("dcp: no INITIALIZED after SET_SHMEM\n");
        return false;
    }
    return true;
}
