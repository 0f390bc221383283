# --slow skip (man ws-serve: a client over --client-queue "misses readings until it catches
# up"; "leaves it connected and skips readings for it"; counted in /metrics): a client that
# stops reading stays connected and misses readings, each one counted as dropped, while 10
# others receive everything; once it reads again it gets every reading it was not counted
# as missing, in order, and then the readings that come later.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
n=40000
start_ws_serve --client-queue 2M --slow skip
"$WSC" "$WS_URL" --pause-until "$T/resume" --print --until '"sensor":"after/resume"' --timeout 100 \
  >"$T/stuck.out" &
stuck=$!
SP_PIDS+=("$stuck")
start_readers $n
# ~950-byte readings: 40,000 of them (38 MB) are far more than the stuck client's socket
# buffers and queue hold.
feed_load $n 900
check_readers $n
assert_eq $n "$(metric sensorpipe_ws_serve_messages_in_total)" "stdin readings"

# Every reading was either queued for the stuck client or counted as dropped for it.
all_accounted() {
  out=$(metric 'sensorpipe_ws_serve_messages_out_total{kind="websocket"}')
  dropped=$(metric sensorpipe_ws_serve_dropped_messages_total)
  ((out + dropped == 11 * n))
}
poll_until 30 all_accounted || true  # asserted just below, with the numbers
assert_eq $((11 * n)) "$((out + dropped))" "readings queued + dropped, 11 clients"
((dropped > 0)) || fail "no dropped messages counted for the stuck client"
((dropped < n)) || fail "the stuck client was skipped for every reading ($dropped)"
assert_eq 0 "$(metric sensorpipe_ws_serve_dropped_clients_total)" "dropped clients"
# (the 10 readers have gone, once ws-serve has seen them close; the stuck one is still connected)
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 1
kill -0 "$stuck" 2>/dev/null || fail "the stuck client ended: $(cat "$T/stuck.out" | tail -n 3)"
[[ $(cat "$WS_ERR") != *"did not keep up"* ]] || fail "a skipped client was logged as dropped: $(cat "$WS_ERR")"

# It reads again: it gets exactly the readings not counted as dropped, in order (gaps, no
# reordering), and stays connected.
touch "$T/resume"
stuck_readings() { grep -c '^{"sensor"' "$T/stuck.out" || true; }
caught_up() { (($(stuck_readings) >= n - dropped)); }
poll_until 60 caught_up || true  # asserted just below, with the numbers
assert_eq $((n - dropped)) "$(stuck_readings)" "readings the stuck client got = $n - dropped"
grep '^{"sensor"' "$T/stuck.out" | sed 's/.*"value":\([0-9]*\).*/\1/' |
  awk 'NR > 1 && $1 <= last { print "out of order at " NR ": " last " then " $1; exit 1 } { last = $1 }' ||
  fail "the stuck client's readings are out of order"

# A later reading reaches it (its queue is empty again).
feed "$(reading after/resume 1)"
wait "$stuck" || fail "the resumed client did not get a later reading: $(tail -n 2 "$T/stuck.out")"
assert_contains "$(tail -n 2 "$T/stuck.out")" '{"sensor":"after/resume"' "later reading"
assert_eq 0 "$(metric sensorpipe_ws_serve_dropped_clients_total)" "dropped clients at the end"
pass "--slow skip: a stuck client stays connected, misses $dropped of $n readings (counted), gets later ones; 10 others got all"
