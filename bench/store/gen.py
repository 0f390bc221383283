#!/usr/bin/env python3
"""Generates benchmark readings: SENSORS interleaved sensors x ROUNDS rounds, one per second.

Usage: gen.py SENSORS ROUNDS FORMAT [START_EPOCH_S] [STEP_S]
FORMAT jsonl: {"ts":"...","sensor":"bench/roomN/temperature","value":21.84,"unit":"C"}
FORMAT csv:   sensor,ts_ms,value  (the same rows, for sqlite3 .import)
Deterministic (fixed seed), so every run and every peer sees the same rows.
"""
import random
import sys
import time

sensors, rounds, fmt = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = int(sys.argv[4]) if len(sys.argv) > 4 else 1795341600  # 2026-11-22T10:00:00Z
step = int(sys.argv[5]) if len(sys.argv) > 5 else 1
rng = random.Random(42)
names = [f"bench/room{i}/temperature" for i in range(sensors)]
out = sys.stdout
buf = []
if fmt == "csv":
    out.write("sensor,ts,value\n")
for r in range(rounds):
    t = start + r * step
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    ms = t * 1000 + 123
    for name in names:
        v = round(20 + rng.random() * 5, 2)
        if fmt == "csv":
            buf.append(f"{name},{ms},{v}\n")
        else:
            buf.append(f'{{"ts":"{iso}.123Z","sensor":"{name}","value":{v},"unit":"C"}}\n')
    if len(buf) > 100000:
        out.write("".join(buf))
        buf.clear()
out.write("".join(buf))
