#!/usr/bin/env python3
"""Timing helpers for bench/mqtt/mqtt.sh.
  stamp.py gen N RATE   -> N lines at RATE/s, each carrying its send time in ns ("t0")
  stamp.py lat          <- lines containing "t0":NS; prints median/p99/max latency in ms
  stamp.py rate N       <- lines; prints the seconds from the first to the N-th line
                           (the rate measure of perf-baselines.md: start-up and exit not counted)
"""
import re, sys, time

if sys.argv[1] == "gen":
    n, rate = int(sys.argv[2]), float(sys.argv[3])
    start = time.monotonic()
    out = sys.stdout
    for i in range(n):
        due = start + i / rate
        while True:
            d = due - time.monotonic()
            if d <= 0:
                break
            time.sleep(d if d > 0.002 else 0)
        out.write('{"sensor":"lat/x","seq":%d,"value":%d,"t0":%d}\n' % (i, i, time.time_ns()))
        out.flush()
elif sys.argv[1] == "rate":
    n, count, first = int(sys.argv[2]), 0, 0.0
    for line in sys.stdin.buffer:
        count += 1
        if count == 1:
            first = time.monotonic()
        if count == n:
            print("%.6f" % (time.monotonic() - first))
            break
else:
    pat = re.compile(rb'"t0":(\d+)')
    lat = []
    for line in sys.stdin.buffer:
        now = time.time_ns()
        m = pat.search(line)
        if m:
            lat.append((now - int(m.group(1))) / 1e6)
    lat.sort()
    if not lat:
        print("no lines")
        sys.exit(1)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("n=%d median %.3f ms  p99 %.3f ms  max %.3f ms" % (len(lat), p(0.5), p(0.99), lat[-1]))
