/* The DCP driver (apple-devices §7): RTKit endpoint 0x37, shared memory and the RPC on it. */
#ifndef DCP_H
#define DCP_H

#include "types.h"
#include "dart.h"
#include "rtkit.h"

#define DCP_EP                  0x37
#define DCP_SHMEM_SIZE          0x100000UL /* §7.3: 1 MiB */

/* §7.2 messages on EP 0x37: TYPE [3:0]. */
#define DCP_SET_SHMEM(dva)      (((u64)(dva) << 16) | (4 << 4) | 0)
#define DCP_INITIALIZED         1
#define DCP_MSG(ctx, off, len, ack) (((u64)(len) << 32) | ((u64)(off) << 16) | ((u64)(ctx) << 8) | ((ack) ? BIT(6) : 0) | 2)
#define DCP_MSG_LEN(m)          ((u32)((m) >> 32))
#define DCP_MSG_OFF(m)          ((u32)((m) >> 16) & 0xffff)
#define DCP_MSG_CTX(m)          ((u32)((m) >> 8) & 0xf)
#define DCP_MSG_ACK(m)          (((m) >> 6) & 1)

/* §7.2 contexts and §7.3 channel offsets in shared memory. */
#define DCP_CTX_CB              0
#define DCP_CTX_CMD             2
#define DCP_CTX_ASYNC           3
#define DCP_CTX_OOBCB           4
#define DCP_CTX_OOBCMD          6
#define DCP_CTX_OOBASYNC        7
#define DCP_CHAN_CMD            0x00000
#define DCP_CHAN_ASYNC          0x40000
#define DCP_CHAN_OOBASYNC       0x48000
#define DCP_CHAN_CB             0x60000
#define DCP_CHAN_OOBCB          0x68000
#define DCP_PKT_ALIGN           0x40
#define DCP_PKT_HDR             12 /* tag, in_len, out_len (§7.4) */

struct dcp {
    struct rtkit rk;
    struct dart dart;
    u64 shmem_pa, shmem_dva;
    u32 cmd_top;         /* next free offset in the AP's CMD buffer (a strict stack, §7.5) */
    u32 cb_depth;        /* DCP callbacks being handled: AP calls then use CTX CB (§7.5 a) */
    /* The call being prepared by dcp_prepare. */
    u32 prep_off, prep_in, prep_out;
    char prep_tag[5];
    /* What the demo counts. */
    u32 calls, callbacks, unknown_callbacks, async_callbacks, errors;
    u32 swaps_submitted, swaps_completed, last_swap_completed;
    u32 dcpav_props, dcpav_bytes;
    u32 display_width, display_height; /* from A103 (§7.7 notes) */
};

/* Brings RTKit up, starts EP 0x37 and hands the DCP its shared memory (§7.14 items 1–2). */
bool dcp_init(struct dcp *d);
/*
 * An AP call (§7.5 a): dcp_prepare returns the packet's (zeroed) input area to fill; dcp_call
 * sends it, answers the DCP's nested callbacks until the acknowledgement and returns the
 * output area (valid until the next call at this depth), or 0.
 */
u64 dcp_prepare(struct dcp *d, const char *tag, u32 in_len, u32 out_len);
u64 dcp_call(struct dcp *d);
/* Answers DCP messages (callbacks, async) until *counter reaches `want`; false after `ticks`. */
bool dcp_poll_until(struct dcp *d, volatile u32 *counter, u32 want, u64 ticks);
/* dcp-callbacks.c: answers one DCP callback, writing its output block (zeroed beforehand). */
void dcp_callback(struct dcp *d, const char *tag, u64 in, u32 in_len, u64 out, u32 out_len);

/* "dcp: " and the indentation of the current nesting (calls, or callbacks one level below). */
void dcp_log_prefix(const struct dcp *d, bool callback);
/* Byte helpers for packet fields: fourcc/tag order (§7.4, §7.6) and fixed-size strings. */
void dcp_read_tag(u64 pkt, char tag[5]);
void dcp_read_str(u64 at, u32 max, char *buf, u32 bufsize);

#endif
