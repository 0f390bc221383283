#!/usr/bin/env bash
# Four db-store processes write one interleaved stream into one PostgreSQL database at
# once, every sensor in every writer, with some readings sent twice: no row is lost, none
# fails (no deadlock reaches the user), every minute and hour roll-up (with its ordered
# summary) equals what the raw rows give, and so does increase per minute and hour.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"

# 30 sensors x 400 rounds, 1 s apart (about 7 minutes of data, 8 hours apart in two runs
# so hour roll-ups of several writers meet too); line k goes to writer k % 4, and every
# 10th line also to the next writer (an identical replay racing the original).
# Three counters beside them, a reading a second: two that only grow, one that resets in
# the middle of the first window (increase's roll-up path and its raw path).
counters() {
  awk -v T0="$1" 'BEGIN { a = 10; b = 500; r = 40
    for (i = 0; i < 400; i++) {
      a += (i % 3) * 0.25; b += i % 7; r = (i == 200 ? 0.5 : r + 0.125)
      printf "{\"sensor\":\"c/a\",\"ts\":%.0f,\"value\":%s,\"kind\":\"energy\"}\n", T0 + i * 1000 + 11, a
      printf "{\"sensor\":\"c/b\",\"ts\":%.0f,\"value\":%d,\"unit\":\"L\"}\n", T0 + i * 1000 + 503, b
      printf "{\"sensor\":\"c/r\",\"ts\":%.0f,\"value\":%s,\"kind\":\"energy\"}\n", T0 + i * 1000 + 907, r
    } }'
}
{
  gen_readings 30 400 1764000000000 1000 1
  counters 1764000000000
  gen_readings 30 400 1764028800000 1000 2
  counters 1764028800000
} >"$T/all.jsonl"
awk -v dir="$T" '{ w = NR % 4; print > (dir "/w" w ".jsonl"); if (NR % 10 == 0) print > (dir "/w" ((w + 1) % 4) ".jsonl") }' "$T/all.jsonl"
expected=$(jq -r '"\(.sensor) \(.ts)"' "$T/all.jsonl" | sort -u | wc -l)

pids=()
for w in 0 1 2 3; do
  # Small batches: hundreds of transactions per writer, overlapping in time and buckets.
  db-store -q -v --batch-rows 300 -d "$PG_URL" <"$T/w$w.jsonl" 2>"$T/err$w" &
  pids+=("$!")
  SP_PIDS+=("$!")  # stopped at exit if the test fails first
done
for w in 0 1 2 3; do
  wait "${pids[$w]}" || fail "writer $w failed: $(cat "$T/err$w")"
  assert_not_contains "$(cat "$T/err$w")" "error" "writer $w's stderr"
done
pass "4 concurrent writers finished"

assert_eq "$expected" "$(pg_sql 'SELECT count(*) FROM readings')" "rows stored"
assert_eq 33 "$(pg_sql 'SELECT count(*) FROM sensors')" "sensors"
pass "no row lost, none doubled"

assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minute buckets differing from the raw rows"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_hour hour)" "hour buckets differing from the raw rows"
pass "every roll-up bucket equals its raw rows"

# increase per minute and per hour as a user asks it (from the roll-ups where a bucket
# allows: only numbers, no decrease) equals the answer from raw rows (a percentile asked
# too makes the engine read every bucket's raw rows), for every bucket of every sensor.
for every in 1m 1h; do
  history-query -d "$PG_URL" --every $every --agg increase -f csv >"$T/rollup.csv"
  history-query -d "$PG_URL" --every $every --agg increase,p50 -f csv | cut -d, -f1-3,5- >"$T/raw.csv"
  [[ $(grep -c '^c/' "$T/rollup.csv") -ge 4 ]] || fail "too few counter buckets at $every"
  cmp -s "$T/rollup.csv" "$T/raw.csv" || fail "increase per $every differs from roll-ups and raw rows: $(diff "$T/rollup.csv" "$T/raw.csv" | head -6)"
done
pass "increase per minute and per hour from roll-ups equals the raw answer in every bucket"

# The writers together counted every line once: as new, or as a duplicate of another's.
new=0 dups=0
for w in 0 1 2 3; do
  read -r n d < <(sed -n 's/.*readings: \([0-9]*\) new, [0-9]* replaced, \([0-9]*\) duplicates.*/\1 \2/p' "$T/err$w")
  new=$((new + n)) dups=$((dups + d))
done
assert_eq "$expected" "$new" "readings the writers counted as new"
assert_eq "$(cat "$T"/w?.jsonl | wc -l)" "$((new + dups))" "new + duplicates"
pass "the writers' counts add up"
