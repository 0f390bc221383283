# One rule for blank input lines in every tool that reads lines (core/line_reader.h):
# empty and whitespace-only lines are skipped silently, even under --strict, and the
# line numbers of later diagnostics still count them.
source "$SP_SRC/tests/lib/common.sh"
cd "$T"
# Lines 1-3 are blank (empty, spaces and a tab, CR only), 4 is a reading, 5 is bad,
# 6 is blank, 7 is a reading, 8 is spaces without a final newline.
printf '\n  \t \n\r\n{"sensor":"t/a","value":1}\nnot json\n \n{"sensor":"t/b","value":2}\n   ' >in.jsonl
strict_in() { printf '\n \t\n{"sensor":"t/a","value":1}\n  \n'; }

# diagnostics TOOL: the bad-input lines of $err (tools also log other things on stderr).
one_diagnostic() { # TOOL
  local diags
  diags=$(grep -F "$1: line " <<<"$err" || true)
  assert_eq 1 "$(grep -c . <<<"$diags")" "$1 reports only the bad line (stderr: $err)"
  assert_contains "$diags" "$1: line 5:" "$1 names the bad line by its number, blank lines counted"
}

run db-store -d s.db <in.jsonl
assert_eq 0 "$status" "db-store exit status ($err)"
assert_eq 2 "$(grep -c '"sensor"' <<<"$out")" "db-store passes the two readings through"
assert_eq 2 "$(sqlite3 -readonly s.db 'SELECT count(*) FROM readings')" "db-store stores the two readings"
one_diagnostic db-store
run db-store -d s2.db --strict < <(strict_in)
assert_eq 0 "$status" "db-store --strict with blank lines ($err)"
pass "db-store skips blank lines"

run ws-serve --listen 127.0.0.1:0 --exit-on-eof <in.jsonl
assert_eq 0 "$status" "ws-serve exit status ($err)"
one_diagnostic ws-serve
run ws-serve --listen 127.0.0.1:0 --exit-on-eof --strict < <(strict_in)
assert_eq 0 "$status" "ws-serve --strict with blank lines ($err)"
pass "ws-serve skips blank lines"

# sensor-sim reads command lines on stdin with --actuators; the command on line 4 is applied.
printf '\n  \t \n\r\n{"target":"home/led/set","value":0.7}\nnot json\n \n' >commands.jsonl
run sensor-sim --prefix home --actuators --rate 20 --duration 1.5s <commands.jsonl
assert_eq 0 "$status" "sensor-sim exit status ($err)"
assert_contains "$(grep '"home/led/brightness"' <<<"$out")" '"value":70' "sensor-sim applies the command after the blank lines"
one_diagnostic sensor-sim
pass "sensor-sim skips blank command lines"

# mqtt-publish: the two readings are retained on the broker, nothing for the blank lines.
start_mosquitto
run mqtt-publish -b "$MQTT_URL" --topic '{sensor}' --retain <in.jsonl
assert_eq 0 "$status" "mqtt-publish exit status ($err)"
one_diagnostic mqtt-publish
run mosquitto_sub -p "$MQTT_PORT" -h 127.0.0.1 -t 't/#' -C 2 -W 30
assert_eq 0 "$status" "the retained messages ($err)"
assert_contains "$out" '"value":1' "t/a published"
assert_contains "$out" '"value":2' "t/b published"
run mqtt-publish -b "$MQTT_URL" --topic '{sensor}' --strict < <(strict_in)
assert_eq 0 "$status" "mqtt-publish --strict with blank lines ($err)"
pass "mqtt-publish skips blank lines"
