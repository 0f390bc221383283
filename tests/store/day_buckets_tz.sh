# --every 1d buckets start at UTC midnight, or with --tz at local midnight, across a
# daylight-saving change (25-hour day); --fill null fills the days in the range.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
store_location z  # an SQLite file, or a PostgreSQL database (SENSORPIPE_TEST_BACKEND)
db=$STORE_LOCATION
[[ -f /usr/share/zoneinfo/Europe/Berlin ]] || fail "tzdata is missing (/usr/share/zoneinfo/Europe/Berlin)"
printf '{"sensor":"p","ts":"%s","value":1}\n' 2026-10-24T22:30:00Z 2026-10-25T21:30:00Z 2026-10-25T23:30:00Z \
  2026-10-26T22:59:00Z 2026-10-26T23:00:00Z | db-store -d "$db" -q
run history-query -d "$db" --every 1d --agg count -f csv
assert_eq 'sensor,ts,count
p,2026-10-24T00:00:00.000Z,1
p,2026-10-25T00:00:00.000Z,2
p,2026-10-26T00:00:00.000Z,2' "$out" "UTC days"
run history-query -d "$db" --every 1d --tz Europe/Berlin --agg count -f csv --fill null --from 2026-10-24 --to 2026-10-28
assert_eq 'sensor,ts,count
p,2026-10-23T22:00:00.000Z,
p,2026-10-24T22:00:00.000Z,2
p,2026-10-25T23:00:00.000Z,2
p,2026-10-26T23:00:00.000Z,1
p,2026-10-27T23:00:00.000Z,' "$out" "Berlin days, the 25-hour one included"
run history-query -d "$db" --every 1d --tz Mars/Base
assert_eq 2 "$status" "unknown zone"
assert_contains "$err" "unknown time zone 'Mars/Base'" "unknown zone message"
pass "day buckets"
