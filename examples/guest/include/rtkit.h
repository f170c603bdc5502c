/* ASC mailbox (apple-devices §4) and the AP side of RTKit (§5), as m1n1's and Linux's drivers do it. */
#ifndef RTKIT_H
#define RTKIT_H

#include "types.h"
#include "dart.h"

/* §4.1, offsets from the ASC base (ADT reg[0]); the mailbox is at +0x8000. */
#define ASC_CPU_CONTROL         0x0044
#define ASC_CPU_CONTROL_RUN     BIT(4)
#define ASC_INBOX_CTRL          0x8110
#define ASC_OUTBOX_CTRL         0x8114
#define ASC_CTRL_FULL           BIT(16)
#define ASC_CTRL_EMPTY          BIT(17)
#define ASC_INBOX0              0x8800
#define ASC_INBOX1              0x8808
#define ASC_OUTBOX0             0x8830
#define ASC_OUTBOX1             0x8838

/* §5.1 endpoints. */
#define RTKIT_EP_MGMT           0x00
#define RTKIT_EP_CRASHLOG       0x01
#define RTKIT_EP_SYSLOG         0x02
#define RTKIT_EP_DEBUG          0x03
#define RTKIT_EP_IOREPORT       0x04
#define RTKIT_EP_OSLOG          0x08
#define RTKIT_EP_APP            0x20

/* §5.2 power states. */
#define RTKIT_POWER_OFF         0x000
#define RTKIT_POWER_QUIESCED    0x010
#define RTKIT_POWER_ON          0x020
#define RTKIT_POWER_INIT        0x220

#define RTKIT_MAX_SYSLOG_LINES  16 /* printed; later ones are counted and acknowledged only */

struct rtkit_buffer {
    u64 pa, dva, size;
};

struct rtkit {
    const char *name;
    u64 asc;                    /* ASC base */
    u64 dram_mask;              /* asc-dram-mask of the IOP nub (§5.4) */
    struct dart *dart;
    u32 version;
    u32 endpoints[8];           /* EPMAP bitmaps by BASE */
    u32 iop_power, ap_power;
    bool crashed;
    struct rtkit_buffer crashlog, syslog, ioreport, oslog;
    u32 syslog_count, syslog_entry_size;
    u32 syslog_lines, messages_sent, messages_received;
};

bool asc_send(struct rtkit *rk, u32 ep, u64 msg0);
/* Waits up to `ticks` of CNTVCT for a message; false on timeout. */
bool asc_recv(struct rtkit *rk, u32 *ep, u64 *msg0, u64 ticks);

/* §5.3 boot: RUN, SET_IOP_POWER(INIT), HELLO/ACK, EPMAP, system endpoints, power ON. */
bool rtkit_boot(struct rtkit *rk);
bool rtkit_has_endpoint(const struct rtkit *rk, u32 ep);
bool rtkit_start_ep(struct rtkit *rk, u32 ep);
/*
 * The next message for an application endpoint (≥ 0x20), handling system messages (syslog,
 * buffer requests, power acks) on the way. False on timeout or if the IOP crashed.
 */
bool rtkit_recv_app(struct rtkit *rk, u32 *ep, u64 *msg0, u64 ticks);
/* Handles system messages (syslog lines …) until none arrives for `ticks`. */
void rtkit_drain(struct rtkit *rk, u64 ticks);
/* Maps a buffer for the IOP: allocates, maps through the DART, returns the DVA (IOVA | mask). */
bool rtkit_alloc_buffer(struct rtkit *rk, u64 size, struct rtkit_buffer *buf);

#endif
