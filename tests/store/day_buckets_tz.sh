# --every 1d buckets start at UTC midnight, or with --tz at local midnight, across a
# daylight-saving change (25-hour day, and Lord Howe's 30-minute shift); --fill null
# fills the days in the range; an unknown zone is a usage error.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
[[ -f /usr/share/zoneinfo/Europe/Berlin ]] || fail "tzdata is missing (/usr/share/zoneinfo/Europe/Berlin)"
printf '{"sensor":"p","ts":"%s","value":1}\n' 2026-10-24T22:30:00Z 2026-10-25T21:30:00Z 2026-10-25T23:30:00Z \
  2026-10-26T22:59:00Z 2026-10-26T23:00:00Z | db-store -d "$(store_location z)" -q
run history-query -d "$(store_location z)" --every 1d --agg count -f csv
assert_eq 'sensor,ts,count
p,2026-10-24T00:00:00.000Z,1
p,2026-10-25T00:00:00.000Z,2
p,2026-10-26T00:00:00.000Z,2' "$out" "UTC days"
run history-query -d "$(store_location z)" --every 1d --tz Europe/Berlin --agg count -f csv --fill null --from 2026-10-24 --to 2026-10-28
assert_eq 'sensor,ts,count
p,2026-10-23T22:00:00.000Z,
p,2026-10-24T22:00:00.000Z,2
p,2026-10-25T23:00:00.000Z,2
p,2026-10-26T23:00:00.000Z,1
p,2026-10-27T23:00:00.000Z,' "$out" "Berlin days, the 25-hour one included"
# Lord Howe Island moves its clocks by 30 minutes: 2026-10-04 is 23.5 hours long.
printf '{"sensor":"lh","ts":"%s","value":1}\n' 2026-10-03T13:29:59Z 2026-10-03T13:30:00Z 2026-10-04T12:59:59Z \
  2026-10-04T13:00:00Z | db-store -d "$(store_location z)" -q
run history-query -d "$(store_location z)" --sensor lh --every 1d --tz Australia/Lord_Howe --agg count -f csv
assert_eq 'sensor,ts,count
lh,2026-10-02T13:30:00.000Z,1
lh,2026-10-03T13:30:00.000Z,2
lh,2026-10-04T13:00:00.000Z,1' "$out" "Lord Howe days, the 23.5-hour one included"
run history-query -d "$(store_location z)" --every 1d --tz Mars/Base
assert_eq 2 "$status" "unknown zone"
assert_contains "$err" "unknown time zone 'Mars/Base'" "unknown zone message"
run history-query -d "$(store_location z)" --tz Europe/Berln
assert_eq 2 "$status" "a misspelt zone is refused also for raw readings"
pass "day buckets"
