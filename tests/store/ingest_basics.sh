# db-store stores readings (numbers, booleans, strings, extra fields) keyed by (sensor, ts),
# passes every accepted line through, and history-query gives them back unchanged.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
cat >in.jsonl <<'X'
{"sensor":"home/kitchen/temperature","ts":"2026-11-22T11:46:07.123Z","value":21.37,"unit":"°C","kind":"temperature","room":"kitchen","seq":7}
{"sensor":"home/kitchen/light","ts":"2026-11-22T11:46:08+01:00","value":true}
{"sensor":"home/door","ts":1795000000,"value":"open"}
{"sensor":"home/kitchen/temperature","ts":1795000000500,"value":-3}
X
h=$(store_location h)
run db-store -d "$h" in.jsonl
assert_eq 0 "$status" "db-store exit status"
assert_eq 4 "$(printf '%s\n' "$out" | wc -l)" "lines passed through"
assert_contains "$out" '"room":"kitchen","seq":7' "extra fields passed through"
assert_eq "" "$err" "stderr"
assert_eq 4 "$(stored_count "$h")" "rows stored"
assert_eq 3 "$(history-query -d "$h" --list-sensors -f csv | tail -n +2 | wc -l)" "sensors in the dictionary"
if [[ $(store_backend) == sqlite ]]; then  # the file format
  assert_eq "3" "$(sql "$h" 'PRAGMA user_version')" "schema version"
  assert_eq "real integer text" "$(sql "$h" "SELECT group_concat(t, ' ') FROM (SELECT DISTINCT typeof(value) t FROM readings ORDER BY (t='text'), (t='integer'))")" "value types"
fi

run history-query -d "$h" --sensor 'home/kitchen/temperature'
assert_eq 0 "$status" "history-query exit status"
assert_eq '{"sensor":"home/kitchen/temperature","ts":"2026-11-18T11:06:40.500Z","value":-3,"unit":"°C","kind":"temperature"}
{"sensor":"home/kitchen/temperature","ts":"2026-11-22T11:46:07.123Z","value":21.37,"unit":"°C","kind":"temperature","room":"kitchen","seq":7}' "$out" "readings come back in time order with their fields"

run history-query -d "$h" --sensor 'home/+/light' -f csv
assert_eq 'sensor,ts,value,unit,kind
home/kitchen/light,2026-11-22T10:46:08.000Z,true,,' "$out" "MQTT pattern, CSV with header, offset converted to UTC"

run history-query -d "$h" --sensor 'home/d*' --sensor 'nothing' -f tsv
assert_eq $'sensor\tts\tvalue\tunit\tkind\nhome/door\t2026-11-18T11:06:40.000Z\topen\t\t' "$out" "glob, TSV, string value"

run history-query -d "$h" --order desc --sensor 'home/kitchen/temperature' --limit 1
assert_contains "$out" '"value":21.37' "--order desc gives the newest first"

run history-query -d "$h" --list-sensors -f csv
assert_eq 'sensor,kind,unit,count,first_ts,last_ts,last_value
home/door,,,1,2026-11-18T11:06:40.000Z,2026-11-18T11:06:40.000Z,open
home/kitchen/light,,,1,2026-11-22T10:46:08.000Z,2026-11-22T10:46:08.000Z,true
home/kitchen/temperature,temperature,°C,2,2026-11-18T11:06:40.500Z,2026-11-22T11:46:07.123Z,21.37' "$out" "--list-sensors"

# A reading without "ts" is stamped with the time it arrived.
before=$(($(date +%s) * 1000))
echo '{"sensor":"home/nots","value":1}' | db-store -d "$(store_location n)" -q
after=$(($(date +%s) * 1000 + 1000))
ts=$(($(date -u -d "$(stored_rows "$(store_location n)" -f csv | awk -F, 'NR == 2 { print $2 }')" +%s%3N)))
[[ $ts -ge $before && $ts -le $after ]] || fail "a reading without ts got $ts, not the time it arrived ($before..$after)"

# --quiet stores without passing through; SENSORPIPE_DB names the file.
run env SENSORPIPE_DB="$(store_location q)" db-store --quiet in.jsonl
assert_eq 0 "$status" "--quiet exit status"
assert_eq "" "$out" "--quiet prints nothing"
assert_eq 4 "$(stored_count "$(store_location q)")" "SENSORPIPE_DB used"

# A closed stdout ends the pass-through (one note on stderr); every reading is still
# stored (closed_stdout.sh tests this at scale and with --pass-after-commit).
gen_readings 5 2000 1795341600000 1000 >many.jsonl
set +o pipefail
c=$(store_location c)
db-store -d "$c" many.jsonl 2>cerr.txt | head -n 1 >/dev/null
st=${PIPESTATUS[0]}
set -o pipefail
assert_eq 0 "$st" "exit status when stdout closes"
assert_eq "db-store: stdout closed: no longer passing readings on; storing goes on" "$(cat cerr.txt)" \
  "one note on stderr when stdout closes"
assert_eq 10000 "$(stored_count "$c")" "readings stored after stdout closed"

run history-query
assert_eq 2 "$status" "no database given"

# The rest checks SQLite files that are not sensorpipe databases.
require_backend sqlite

# Missing or foreign databases are errors, not empty results.
run history-query -d missing.db
assert_eq 1 "$status" "missing file exit status"
assert_contains "$err" "history-query: error: cannot open database missing.db: no such file" "missing file message"
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES(1)"
run history-query -d other.db
assert_eq 1 "$status" "foreign SQLite file exit status"
assert_contains "$err" "is not a sensorpipe database" "foreign SQLite file message"
run db-store -d other.db in.jsonl
assert_eq 1 "$status" "db-store refuses a foreign SQLite file"
echo "plain text" >text.db
run history-query -d text.db
assert_eq 1 "$status" "non-SQLite file exit status"
assert_contains "$err" "is not a sensorpipe database" "non-SQLite file message"
pass "ingest basics"
