#!/usr/bin/env bash
# One stream stored in SQLite and in PostgreSQL gives the same answers, byte for byte (sums
# and averages up to rounding), to every query shape: raw, every 90s/1m/1h/7h/1d with all aggregates, --tz day buckets,
# every fill, limit, descending order, list-sensors, ws-serve-style sensor patterns, and the
# consumption aggregates and percentiles (up to rounding), increase/integral/twa answered
# from roll-ups on both (shown for PostgreSQL by removing raw rows under them).
# Then the documented move from SQLite to PostgreSQL (history-query out, db-store in)
# keeps every reading with its extra fields and string/boolean values.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"
cd "$T"

# 12 sensors over 3.5 days every ~7 s (numbers, booleans, string states), and readings
# with extra fields, unusual text and a replacement (last write wins).
gen_readings 12 4000 1764000000000 7000 1 >in.jsonl
cat >>in.jsonl <<'LINES'
{"sensor":"x/extra","ts":"2025-11-24T16:00:00.5Z","value":"on","room":"kit\tchen \"A\" \\","n":[1,{"a":null}],"unit":"state"}
{"sensor":"x/extra","ts":"2025-11-24T16:00:01Z","value":true,"kind":"switch"}
{"sensor":"x/extra","ts":"2025-11-24T16:00:02Z","value":-0.1e-7,"ü":"ß"}
{"sensor":"x/extra","ts":"2025-11-24T16:00:02Z","value":1.0000000000000002}
LINES
db-store -q --commit-interval 1h -d s.db <in.jsonl
db-store -q --commit-interval 1h -d "$PG_URL" <in.jsonl

# Sums (and so averages) are compared up to rounding: SQLite adds a bucket's sums across
# commits in commit order, PostgreSQL recomputes them in time order, and db-store splits a
# load into commits by time, so on a loaded machine the last bits can differ. Everything
# else is compared byte for byte.
all=min,max,count,first,last
shapes=(
  ""
  "--sensor t/s1 --sensor x/*"
  "--every 90s --agg $all"
  "--every 1m --agg $all"
  "--every 1h --agg $all"
  "--every 7h --agg $all"
  "--every 1d --agg $all"
  "--every 1d --tz Europe/Berlin --agg $all"
  "--every 1d --tz America/New_York --agg count,first,last"
  "--every 1h --fill null --from 2025-11-25T00:00:00Z --to 2025-11-25T06:30:00Z --agg $all"
  "--every 1h --fill previous --from 2025-11-24T10:00:00Z --to 2025-11-24T20:00:00Z --agg $all"
  "--every 10m --fill none --from 2025-11-24T16:03:17Z --to 2025-11-24T19:58:01Z --agg $all"
  "--limit 25"
  "--limit 25 --order desc"
  "--every 1h --limit 30 --order desc --agg $all"
  "--list-sensors"
)
for shape in "${shapes[@]}"; do
  for f in jsonl csv; do
    # shellcheck disable=SC2086
    history-query -d s.db $shape -f $f >s.out 2>s.err || fail "history-query on SQLite: $shape"
    # shellcheck disable=SC2086
    history-query -d "$PG_URL" $shape -f $f >p.out 2>p.err || fail "history-query on PostgreSQL: $shape"
    [[ -s s.out ]] || fail "no output for: $shape"
    cmp -s s.out p.out || fail "answers differ for [$shape -f $f]: $(diff s.out p.out | head -6)"
    cmp -s s.err p.err || fail "notices differ for [$shape -f $f]: $(diff s.err p.err | head -4)"
  done
done
pass "${#shapes[@]} query shapes answered byte for byte alike"

# (The fill shapes above ask no average: their default avg is compared here.)
for shape in "--every 90s" "--every 1h" "--every 7h" "--every 1d" "--every 1d --tz Europe/Berlin" \
  "--every 1h --fill null --from 2025-11-25T00:00:00Z --to 2025-11-25T06:30:00Z" \
  "--every 1h --fill previous --from 2025-11-24T10:00:00Z --to 2025-11-24T20:00:00Z"; do
  # shellcheck disable=SC2086
  history-query -d s.db $shape --agg avg,sum -f csv >s.out
  # shellcheck disable=SC2086
  history-query -d "$PG_URL" $shape --agg avg,sum -f csv >p.out
  same_csv s.out p.out || fail "sums or averages differ beyond rounding for [$shape]"
done
pass "sums and averages agree up to rounding"

# Consumption aggregates: counters that dip and reset, a rate, a boolean and string states,
# stored alike. increase/integral/twa come from the roll-ups' ordered summary on both
# backends (aligned buckets), percentiles from raw rows; compared up to rounding (the
# summary's sums are added in commit order on SQLite, in time order on PostgreSQL).
gen_meters 3000 >meters.jsonl
db-store -q --commit-interval 1h -d m.db <meters.jsonl
meters=$(pg_newdb meters)
db-store -q --commit-interval 1h -d "$meters" <meters.jsonl
consumption_shapes=("--every 1m" "--every 1h" "--every 1d" "--every 1d --tz Europe/Berlin")
for shape in "${consumption_shapes[@]}"; do
  for aggs in increase,integral,twa p50,p95,median; do
    # shellcheck disable=SC2086
    history-query -d m.db $shape --agg $aggs -f csv >s.out 2>s.err
    # shellcheck disable=SC2086
    history-query -d "$meters" $shape --agg $aggs -f csv >p.out 2>p.err
    [[ $(wc -l <s.out) -gt 10 ]] || fail "too few rows for [$shape --agg $aggs]"
    same_csv s.out p.out || fail "consumption answers differ for [$shape --agg $aggs]: $(same_csv s.out p.out | head -3)"
    cmp -s s.err p.err || fail "notices differ for consumption [$shape --agg $aggs]: $(diff s.err p.err | head -4)"
  done
done
pass "increase, integral, twa and percentiles at 1m, 1h, 1d and 1d in Europe/Berlin agree (counters with dips and resets, a rate)"

# PostgreSQL answered increase/integral/twa from its roll-ups: remove a whole day of raw
# rows behind the roll-ups' back (psql, not db-store, so the roll-ups keep that day).
# The roll-up answers stay the same; a raw-only aggregate (p95) loses that day. (The
# engine reads a bucket from roll-ups when it holds no string and, for increase, no
# decrease; so: the water counter, which does not reset on 2025-11-26, and integral/twa
# of the energy counter and the pump.)
roll_up_answers() {
  history-query -d "$meters" --every "$1" --sensor m/water --agg increase,integral,twa -f csv
  history-query -d "$meters" --every "$1" --sensor m/energy --sensor m/pump --agg integral,twa -f csv
}
for every in 1h 1d; do
  roll_up_answers $every >before.$every.csv
  history-query -d "$meters" --every $every --agg p95 -f csv >before.p95.$every.csv
done
deleted=$(psql -X -q -v ON_ERROR_STOP=1 -At -d "$meters" \
  -c "WITH d AS (DELETE FROM readings WHERE ts >= '2025-11-26T00:00:00Z' AND ts < '2025-11-27T00:00:00Z' RETURNING 1)
      SELECT count(*) FROM d")
[[ $deleted -gt 1000 ]] || fail "deleted only $deleted raw rows"
for every in 1h 1d; do
  grep -q ',2025-11-26T' before.$every.csv || fail "no answer for 2025-11-26 [--every $every]: the check proves nothing"
  roll_up_answers $every >after.csv
  cmp -s before.$every.csv after.csv || fail "roll-up answers changed without their raw rows [--every $every]: $(diff before.$every.csv after.csv | head -4)"
  history-query -d "$meters" --every $every --agg p95 -f csv >after.csv
  # sensor,ts,p95,unit: the day's buckets are still known (roll-ups) but have no p95 now.
  grep -q ',2025-11-26T[^,]*,[0-9-]' before.p95.$every.csv || fail "no p95 for 2025-11-26 before [--every $every]"
  grep -q ',2025-11-26T[^,]*,[0-9-]' after.csv && fail "p95 still has 2025-11-26 without its raw rows [--every $every]"
done
pass "PostgreSQL answers increase, integral, twa at 1h and 1d from roll-ups ($deleted raw rows removed, same answers; p95 lost the day)"

# The move: everything out of the SQLite file, into a new PostgreSQL database.
moved=$(pg_newdb moved)
history-query -d s.db -f jsonl | db-store -q -d "$moved"
history-query -d s.db >s.out
history-query -d "$moved" >p.out
cmp -s s.out p.out || fail "the moved database differs: $(diff s.out p.out | head -6)"
assert_eq "$(sort -u in.jsonl | jq -r '"\(.sensor) \(.ts)"' | sort -u | wc -l)" "$(wc -l <p.out)" "readings moved"
has() { grep -qF -- "$1" p.out || fail "$2: [$1] not in the moved database's readings"; }
has '"value":"on","unit":"state","kind":"switch","room":"kit\tchen \"A\" \\","n":[1,{"a":null}]}' "extra fields and a string state"
has '"ts":"2025-11-24T16:00:01.000Z","value":true,' "a boolean"
has '"value":1.0000000000000002,' "the later of two readings with one ts, exactly"
pass "SQLite -> PostgreSQL move keeps every reading, extra fields, strings and booleans"
