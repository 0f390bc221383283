# The energy & water view in real headless Chromium: a month of a simulated household stored by
# db-store, served by ws-serve -d; the page's day bars must equal history-query --agg increase for
# the same days, the cards must show today's and this month's totals and running times as
# "3 h 20 min", a live reading must grow today's bar, and a phone-width page must not scroll
# sideways. Saves the screenshots shown in the README to docs/energy.png and docs/energy-phone.png.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium is not installed (scripts/deps.sh installs it)"
[[ -x $SP_BIN/db-store && -x $SP_BIN/sensor-sim ]] || fail "db-store and sensor-sim are not built"
cd "$T"
now=$(date +%s)
# The page asks for UTC days from the month's first day (or from 6 days ago, if earlier).
month=$(date -u -d "$(date -u +%Y-%m-01)" +%s)
week=$(((now / 86400 - 6) * 86400))
from=$((month < week ? month : week))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# Hourly readings of the counters plus the temperatures (which the page must leave out): the
# increase queries over a month of every sensor take minutes on a loaded machine.
sensor-sim --seed 7 --from "$(iso $((from - 86400)))" --interval 1h --to now |
  grep -E '/(energy|usage|temperature)"|/water/total"' >sim.jsonl
db-store -d "$T/home.db" --quiet sim.jsonl
run history-query -d "$T/home.db" --from "$(iso $from)" --every 1d --agg increase
[[ $status == 0 ]] || fail "history-query: $err"
printf '%s\n' "$out" >expected.jsonl
assert_contains "$out" '"sensor":"house1/mains/energy"' "history-query has the mains meter"
mkdir -p "$SP_SRC/docs"
node "$SP_SRC/tests/web/browser_energy.js" "$SP_BIN/ws-serve" "$T/home.db" expected.jsonl "$SP_SRC/docs"
