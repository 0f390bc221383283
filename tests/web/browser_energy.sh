# The energy & water view in real headless Chromium whose clock is in a zone far from UTC
# (Pacific/Kiritimati, UTC+14): a month of a simulated household stored by db-store, served by
# ws-serve -d with a tariff. The page's bars (24 h per hour, 7 d and 30 d per local day), water and
# running-time bars and power chart must equal history-query (--tz ZONE --agg increase, --agg twa)
# for the same buckets; the cards must show today's and this month's totals with their cost and
# running times as "3 h 20 min"; a live reading must grow the current hour's and day's bars, and
# a live power reading (also stored by db-store) must move the power chart's current bucket; a
# phone-width page must not scroll sideways; in New York, the page's local midnights must be the
# tz database's across both DST changes. Saves the screenshots shown in the README to docs/.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium is not installed (scripts/deps.sh installs it)"
[[ -x $SP_BIN/db-store && -x $SP_BIN/sensor-sim && -x $SP_BIN/history-query ]] ||
  fail "db-store, sensor-sim and history-query are not built"
cd "$T"
zone=Pacific/Kiritimati
now=$(date +%s)
midnight() { TZ=$zone date -d "$(TZ=$zone date -d "@$1" +%F) 00:00" +%s; }  # local midnight of the day of $1
today=$(midnight "$now")
month=$(TZ=$zone date -d "$(TZ=$zone date -d "@$now" +%Y-%m-01) 00:00" +%s)
day30=$(midnight $((now - 29 * 86400)))   # (no DST in this zone: a day is 86400 s)
week=$(midnight $((now - 6 * 86400)))
hour0=$(((now / 3600 - 23) * 3600))
# The page asks for local days from the month's first day or 29 days ago, whichever is earlier.
from=$((month < day30 ? month : day30))
((today - from <= 31 * 86400 && (today - from) % 86400 == 0)) || fail "local days computed wrongly: $from $today"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# Readings every 10 minutes of the counters and power meters, plus the temperatures (which the
# page must leave out).
sensor-sim --seed 7 --from "$(iso $((from - 86400)))" --interval 10m --to now |
  grep -E '/(energy|usage|power|temperature)"|/water/total"' >sim.jsonl
# A meter that first reports today: its first day has no baseline (partial, drawn faded).
for t in $((now - 1)) $now; do
  printf '{"sensor":"house1/kettle/energy","ts":%d,"value":%s,"unit":"kWh","kind":"energy"}\n' $t $((t == now ? 13 : 12))
done >>sim.jsonl
db-store -d "$T/home.db" --quiet sim.jsonl
hq() { # OUTPUT ARGS...
  local o=$1
  shift
  run history-query -d "$T/home.db" "$@"
  [[ $status == 0 ]] || fail "history-query $*: $err"
  printf '%s\n' "$out" >"$o"
}
hq daily.jsonl --from "$from" --every 1d --agg increase --tz $zone
hq hourly.jsonl --from "$hour0" --every 1h --agg increase
hq power-week.jsonl --sensor '*/*/power' --from "$week" --every 1h --agg twa
assert_contains "$(cat daily.jsonl)" '"sensor":"house1/mains/energy"' "history-query has the mains meter"
mkdir -p "$SP_SRC/docs"
node "$SP_SRC/tests/web/browser_energy.js" "$SP_BIN/ws-serve" "$T/home.db" "$zone" "$T" "$today" "$month" "$SP_SRC/docs"
