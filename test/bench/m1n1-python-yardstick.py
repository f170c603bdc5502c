#!/usr/bin/env python3
"""The yardstick for hvdbg's link speed: m1n1's own Python host client (proxyclient), timed on
the same link and ops as `npm run bench`. Nothing of m1n1 is part of hvdbg: this imports the
user's m1n1 checkout at run time.

usage: M1N1_DIR=/path/to/m1n1 python3 m1n1-python-yardstick.py DEVICE ROUND_TRIPS BULK_BYTES SCRATCH_ADDR
Prints one JSON object. Needs Debian's python3-serial and python3-construct.
"""
import json, os, struct, sys, time

sys.path.insert(0, os.path.join(os.environ["M1N1_DIR"], "proxyclient"))
from m1n1.proxy import UartInterface, M1N1Proxy, Feature  # noqa: E402

device, count, bulk, scratch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4], 0)
iface = UartInterface(device)
proxy = M1N1Proxy(iface)


def per_second(fn, n):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    cpu_us[0] = (time.process_time() - c0) / n * 1e6
    return n / (time.perf_counter() - t0)


cpu_us = [0.0]


def bulk_mibps(data):
    t0 = time.perf_counter()
    iface.writemem(scratch, data)
    up = time.perf_counter() - t0
    t0 = time.perf_counter()
    back = iface.readmem(scratch, len(data))
    down = time.perf_counter() - t0
    assert back == data
    mib = len(data) / (1 << 20)
    return {"uploadMiBps": mib / up, "downloadMiBps": mib / down}


data = os.urandom(bulk)
# Start with data checksums on: a NOP offering no features (UartInterface.nop always offers all).
iface.cmd(iface.REQ_NOP, struct.pack("<Q", 0))
iface.reply(iface.REQ_NOP)
iface.enabled_features = Feature(0)
result = {
    "nopPerSecond": per_second(proxy.nop, count),
    "read32PerSecond": per_second(lambda: proxy.read32(scratch), count),
    "read32HostCpuUs": cpu_us[0],
    "bulkChecksumsOn": bulk_mibps(data),
}
iface.nop()  # negotiates DISABLE_DATA_CSUMS as the Python host always does (§2.6)
result["bulkChecksumsOff"] = bulk_mibps(data)
result["bulkBytes"] = bulk
print(json.dumps(result))
