/*
 * ASC mailbox and RTKit, AP side: apple-devices §4.3 (access sequences) and §5.2–§5.8 (the
 * management protocol, the boot handshake as m1n1's rtkit_boot does it, and the system
 * endpoints' buffers). Every wait is bounded by CNTVCT, so a silent IOP never hangs the guest.
 */
#include "rtkit.h"
#include "dma.h"
#include "kprintf.h"

#define MGMT_TYPE(m)            (((m) >> 52) & 0xff)
#define MGMT_MSG(type, payload) (((u64)(type) << 52) | (payload))
#define MGMT_HELLO              1
#define MGMT_HELLO_ACK          2
#define MGMT_PONG               4
#define MGMT_START_EP           5
#define MGMT_SET_IOP_POWER      6
#define MGMT_IOP_POWER_ACK      7
#define MGMT_EPMAP              8
#define MGMT_AP_POWER           0xb
#define EPMAP_LAST              BIT(51)

#define BUF_SIZE_PAGES(m)       (((m) >> 44) & 0xff)
#define BUF_DVA(m)              ((m) & 0xfffffffffffUL) /* [43:0], §5.4 */
#define SYSLOG_INIT             8
#define SYSLOG_LOG              5
#define RTKIT_MIN_VER           11
#define RTKIT_MAX_VER           12

#define MS(n)                   ((u64)(n) * (TIMEBASE_HZ / 1000))

bool asc_send(struct rtkit *rk, u32 ep, u64 msg0)
{
    u64 deadline = timebase() + MS(200); /* m1n1 waits up to 200 ms for room (§4.3) */
    while (read32(rk->asc + ASC_INBOX_CTRL) & ASC_CTRL_FULL) {
        if (timebase() > deadline)
            return false;
    }
    dsb();
    write64(rk->asc + ASC_INBOX0, msg0);
    write64(rk->asc + ASC_INBOX1, ep); /* this write pushes the message */
    rk->messages_sent++;
    return true;
}

/*
 * Polls OUTBOX_CTRL with a growing pause (1 µs doubling to 50 µs) rather than back to back: a
 * reply usually comes within microseconds, and a host tracing the ASC range synchronously
 * (m1n1 SYNC mode) pays a round trip per register access, not per CNTVCT read.
 */
bool asc_recv(struct rtkit *rk, u32 *ep, u64 *msg0, u64 ticks)
{
    u64 now = timebase(), deadline = now + ticks, pause = TIMEBASE_HZ / 1000000;
    while (read32(rk->asc + ASC_OUTBOX_CTRL) & ASC_CTRL_EMPTY) {
        if (now > deadline)
            return false;
        u64 until = now + pause;
        while ((now = timebase()) < until)
            ;
        if (pause < 50 * (TIMEBASE_HZ / 1000000))
            pause *= 2;
    }
    *msg0 = read64(rk->asc + ASC_OUTBOX0);
    *ep = (u32)read64(rk->asc + ASC_OUTBOX1) & 0xff; /* this read pops; status bits above [7:0] */
    dmb();
    rk->messages_received++;
    return true;
}

bool rtkit_has_endpoint(const struct rtkit *rk, u32 ep)
{
    return ep < 256 && (rk->endpoints[ep / 32] >> (ep % 32)) & 1;
}

bool rtkit_start_ep(struct rtkit *rk, u32 ep)
{
    return asc_send(rk, RTKIT_EP_MGMT, MGMT_MSG(MGMT_START_EP, ((u64)ep << 32) | 2));
}

bool rtkit_alloc_buffer(struct rtkit *rk, u64 size, struct rtkit_buffer *buf)
{
    u64 pa = dma_alloc(size);
    u64 iova = pa ? dart_map(rk->dart, pa, size) : 0;
    if (!iova)
        return false;
    buf->pa = pa;
    buf->size = size;
    buf->dva = iova | rk->dram_mask;
    return true;
}

/* §5.4: DVA 0 asks the AP for a buffer; anything else is preallocated by the IOP (no reply). */
static bool buffer_request(struct rtkit *rk, u32 ep, u64 msg0, struct rtkit_buffer *buf)
{
    u64 pages = BUF_SIZE_PAGES(msg0), dva = BUF_DVA(msg0);
    if (dva) {
        buf->dva = dva;
        buf->size = pages * 4096;
        buf->pa = 0;
        return true;
    }
    if (!rtkit_alloc_buffer(rk, pages * 4096, buf)) {
        kprintf("rtkit: %s: no memory for a 0x%lx-byte buffer on EP %u\n", rk->name, pages * 4096, ep);
        return false;
    }
    return asc_send(rk, ep, MGMT_MSG(1, (pages << 44) | buf->dva));
}

/* Physical address of a DVA inside a buffer we mapped ourselves, or 0. */
static u64 buffer_pa(const struct rtkit_buffer *buf, u64 dva, u64 len)
{
    if (!buf->pa || dva < buf->dva || dva - buf->dva + len > buf->size)
        return 0;
    return buf->pa + (dva - buf->dva);
}

/* §5.5: print the entry (context at +8, message at +0x20) and echo the LOG message back. */
static bool syslog_entry(struct rtkit *rk, u64 msg0)
{
    u32 index = msg0 & 0xff, stride = 0x20 + rk->syslog_entry_size;
    u64 entry = buffer_pa(&rk->syslog, rk->syslog.dva + (u64)index * stride, stride);
    if (entry && rk->syslog_lines < RTKIT_MAX_SYSLOG_LINES) {
        char context[25], message[81];
        u32 i;
        for (i = 0; i < 24 && (context[i] = (char)sm_r8(entry + 8 + i)); i++)
            ;
        context[i] = 0;
        for (i = 0; i < 80 && i < rk->syslog_entry_size && (message[i] = (char)sm_r8(entry + 0x20 + i)); i++)
            ;
        while (i > 0 && message[i - 1] == '\n')
            i--;
        message[i] = 0;
        kprintf("syslog: [%s]%s\n", context, message);
    }
    rk->syslog_lines++;
    return asc_send(rk, RTKIT_EP_SYSLOG, msg0);
}

static bool mgmt_message(struct rtkit *rk, u64 msg0)
{
    switch (MGMT_TYPE(msg0)) {
    case MGMT_IOP_POWER_ACK:
        rk->iop_power = msg0 & 0xffff;
        return true;
    case MGMT_AP_POWER:
        rk->ap_power = msg0 & 0xffff;
        return true;
    case MGMT_PONG:
        return true;
    default:
        kprintf("rtkit: %s: unexpected management message %lx\n", rk->name, msg0);
        return true;
    }
}

/* One system-endpoint message (§5.2, §5.5–§5.8). False if the IOP crashed or a reply failed. */
static bool system_message(struct rtkit *rk, u32 ep, u64 msg0)
{
    u32 type = MGMT_TYPE(msg0);
    switch (ep) {
    case RTKIT_EP_MGMT:
        return mgmt_message(rk, msg0);
    case RTKIT_EP_CRASHLOG:
        if (type == 1 && !rk->crashlog.dva)
            return buffer_request(rk, ep, msg0, &rk->crashlog);
        kprintf("rtkit: %s: IOP crashed! (crash log at DVA %lx)\n", rk->name, BUF_DVA(msg0));
        rk->crashed = true;
        return false;
    case RTKIT_EP_SYSLOG:
        if (type == 1)
            return buffer_request(rk, ep, msg0, &rk->syslog);
        if (type == SYSLOG_INIT) {
            rk->syslog_count = msg0 & 0xffff;
            rk->syslog_entry_size = (msg0 >> 24) & 0xffff;
            return true;
        }
        if (type == SYSLOG_LOG)
            return syslog_entry(rk, msg0);
        break;
    case RTKIT_EP_IOREPORT:
        if (type == 1)
            return buffer_request(rk, ep, msg0, &rk->ioreport);
        if (type == 8 || type == 0xc)
            return asc_send(rk, ep, msg0); /* m1n1 C echoes both (§5.7) */
        break;
    case RTKIT_EP_OSLOG:
        /* §5.8: TYPE [63:56]; SIZE [55:48] pages; DVA [47:0] in 4 KiB units. */
        if ((msg0 >> 56) == 1 && (msg0 & 0xffffffffffffUL) == 0 && !rk->oslog.dva) {
            u64 pages = (msg0 >> 48) & 0xff;
            if (!rtkit_alloc_buffer(rk, pages * 4096, &rk->oslog))
                return false;
            return asc_send(rk, ep, (1UL << 56) | (pages << 48) | (rk->oslog.dva >> 12));
        }
        return true;
    default:
        break;
    }
    kprintf("rtkit: %s: EP %u message %lx ignored\n", rk->name, ep, msg0);
    return true;
}

bool rtkit_recv_app(struct rtkit *rk, u32 *ep, u64 *msg0, u64 ticks)
{
    while (!rk->crashed && asc_recv(rk, ep, msg0, ticks)) {
        if (*ep >= RTKIT_EP_APP)
            return true;
        if (!system_message(rk, *ep, *msg0))
            return false;
    }
    return false;
}

/* Handles system messages until `*state` (a power field) reaches `want`. */
static bool wait_power(struct rtkit *rk, u32 *state, u32 want, u64 ticks)
{
    u32 ep;
    u64 msg0;
    u64 deadline = timebase() + ticks;
    while (*state != want) {
        if (rk->crashed || timebase() > deadline || !asc_recv(rk, &ep, &msg0, ticks))
            return false;
        if (ep >= RTKIT_EP_APP)
            kprintf("rtkit: %s: EP %x message %lx during boot dropped\n", rk->name, ep, msg0);
        else if (!system_message(rk, ep, msg0))
            return false;
    }
    return true;
}

static bool handshake(struct rtkit *rk)
{
    u32 ep;
    u64 msg0;
    if (!asc_recv(rk, &ep, &msg0, MS(1000)) || ep != RTKIT_EP_MGMT || MGMT_TYPE(msg0) != MGMT_HELLO) {
        kprintf("rtkit: %s: no HELLO\n", rk->name);
        return false;
    }
    u32 min = msg0 & 0xffff, max = (msg0 >> 16) & 0xffff;
    if (min > RTKIT_MAX_VER || max < RTKIT_MIN_VER) {
        kprintf("rtkit: %s: versions %u..%u unsupported\n", rk->name, min, max);
        return false;
    }
    rk->version = max < RTKIT_MAX_VER ? max : RTKIT_MAX_VER;
    if (!asc_send(rk, RTKIT_EP_MGMT, MGMT_MSG(MGMT_HELLO_ACK, (u64)rk->version << 16 | rk->version)))
        return false;
    for (;;) {
        if (!asc_recv(rk, &ep, &msg0, MS(1000)) || ep != RTKIT_EP_MGMT || MGMT_TYPE(msg0) != MGMT_EPMAP)
            return false;
        u32 base = (msg0 >> 32) & 7;
        rk->endpoints[base] = (u32)msg0;
        bool last = msg0 & EPMAP_LAST;
        u64 ack = ((u64)base << 32) | (last ? EPMAP_LAST : 1);
        if (!asc_send(rk, RTKIT_EP_MGMT, MGMT_MSG(MGMT_EPMAP, ack)))
            return false;
        if (last)
            return true;
    }
}

bool rtkit_boot(struct rtkit *rk)
{
    static const u8 system_eps[] = {RTKIT_EP_DEBUG, RTKIT_EP_CRASHLOG, RTKIT_EP_SYSLOG, RTKIT_EP_IOREPORT, RTKIT_EP_OSLOG};
    write32(rk->asc + ASC_CPU_CONTROL, read32(rk->asc + ASC_CPU_CONTROL) | ASC_CPU_CONTROL_RUN);
    if (!asc_send(rk, RTKIT_EP_MGMT, MGMT_MSG(MGMT_SET_IOP_POWER, RTKIT_POWER_INIT)) || !handshake(rk))
        return false;
    kprintf("rtkit: %s: version %u, endpoints", rk->name, rk->version);
    for (u32 e = 0; e < 256; e++)
        if (rtkit_has_endpoint(rk, e))
            kprintf(" %x", e);
    kprintf("\n");
    for (u32 i = 0; i < ARRAY_SIZE(system_eps); i++)
        if (rtkit_has_endpoint(rk, system_eps[i]) && !rtkit_start_ep(rk, system_eps[i]))
            return false;
    if (!wait_power(rk, &rk->iop_power, RTKIT_POWER_ON, MS(1000)))
        return false;
    /* m1n1: this enables syslog. We also wait for the ack, as the Python client does. */
    if (!asc_send(rk, RTKIT_EP_MGMT, MGMT_MSG(MGMT_AP_POWER, RTKIT_POWER_ON)))
        return false;
    return wait_power(rk, &rk->ap_power, RTKIT_POWER_ON, MS(1000));
}

void rtkit_drain(struct rtkit *rk, u64 ticks)
{
    u32 ep;
    u64 msg0;
    while (!rk->crashed && asc_recv(rk, &ep, &msg0, ticks)) {
        if (ep >= RTKIT_EP_APP)
            kprintf("rtkit: %s: EP %x message %lx dropped\n", rk->name, ep, msg0);
        else if (!system_message(rk, ep, msg0))
            return;
    }
}
