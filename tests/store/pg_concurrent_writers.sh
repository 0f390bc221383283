#!/usr/bin/env bash
# Four db-store processes write one interleaved stream into one PostgreSQL database at
# once, every sensor in every writer, with some readings sent twice: no row is lost, none
# fails (no deadlock reaches the user), and every minute and hour roll-up equals what the
# raw rows give.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"

# 30 sensors x 400 rounds, 1 s apart (about 7 minutes of data, 8 hours apart in two runs
# so hour roll-ups of several writers meet too); line k goes to writer k % 4, and every
# 10th line also to the next writer (an identical replay racing the original).
{
  gen_readings 30 400 1764000000000 1000 1
  gen_readings 30 400 1764028800000 1000 2
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
assert_eq 30 "$(pg_sql 'SELECT count(*) FROM sensors')" "sensors"
pass "no row lost, none doubled"

assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minute buckets differing from the raw rows"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_hour hour)" "hour buckets differing from the raw rows"
pass "every roll-up bucket equals its raw rows"

# The writers together counted every line once: as new, or as a duplicate of another's.
new=0 dups=0
for w in 0 1 2 3; do
  read -r n d < <(sed -n 's/.*readings: \([0-9]*\) new, [0-9]* replaced, \([0-9]*\) duplicates.*/\1 \2/p' "$T/err$w")
  new=$((new + n)) dups=$((dups + d))
done
assert_eq "$expected" "$new" "readings the writers counted as new"
assert_eq "$(cat "$T"/w?.jsonl | wc -l)" "$((new + dups))" "new + duplicates"
pass "the writers' counts add up"
