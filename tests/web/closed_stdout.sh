# ws-serve's stdout closed: it ends quietly (exit 0) and at once, without waiting for a
# command to notice; a command is acknowledged only once written to stdout, and every one
# that is not written is answered with an error, never acknowledged and dropped.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
cd "$T"

# start_piped: ws-serve with stdout into a fifo whose read end this shell holds on fd 4.
# (Every process started while fd 4 is open gets 4<&-: a copy of the read end would keep the pipe open.)
start_piped() {
  rm -f in out
  mkfifo in out
  exec 3<>in
  ws-serve --listen 127.0.0.1:0 "$@" <in >out 2>err.txt 3>&- &
  WS_PID=$!
  SP_PIDS+=("$WS_PID")
  exec 4<out
  wait_text err.txt "serving http://127.0.0.1:"
  WS_PORT=$(sed -n 's/.*serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' err.txt | head -1)
  WS_URL="ws://127.0.0.1:$WS_PORT/ws"
  HTTP_URL="http://127.0.0.1:$WS_PORT"
}
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_exit() { # PID: waits until it ended (up to 30 s), sets ST to its exit status
  poll_until 30 gone "$1" || fail "ws-serve still runs after its stdout was closed: $(cat err.txt)"
  set +e; wait "$1"; ST=$?; set -e
}

# 1. The reader goes away while nothing is being written: ws-serve notices on its own.
start_piped
"$WSC" "$WS_URL" --wait-close --timeout 60 >close.out 4<&- &
client=$!
SP_PIDS+=("$client")
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 1
exec 4<&-
wait_exit "$WS_PID"
assert_eq 0 "$ST" "exit status after stdout closed"
assert_not_contains "$(cat err.txt)" "error" "quiet exit"
wait "$client" || true
assert_eq "close 1001 server shutting down" "$(head -1 close.out)" "clients get a going-away close"

# 2. Commands meet a reader that stops reading, then goes away. 2,500 commands: the pipe
# takes some (about 800), 1,024 wait in the queue, one is being written, the rest are
# refused at once.
start_piped
sends=()
for v in $(seq 1000 3499); do sends+=(--send "{\"target\":\"t/set\",\"value\":$v}"); done
"$WSC" "$WS_URL" --print --wait-close --timeout 100 "${sends[@]}" >answers.out 4<&- &
client=$!
SP_PIDS+=("$client")
settled() { # written + refused + 1,024 queued + 1 being written = every command
  local w r
  w=$(metric sensorpipe_ws_serve_commands_total)
  r=$(metric sensorpipe_ws_serve_commands_dropped_total)
  [[ -n $w && -n $r && $((w + r + 1024 + 1)) -eq 2500 ]] && [[ $(grep -c '"ok":"command"' answers.out) -eq $w ]]
}
poll_until 60 settled || fail "the commands did not settle: $(metric sensorpipe_ws_serve_commands_total) written, \
$(metric sensorpipe_ws_serve_commands_dropped_total) refused"
acked=$(grep -c '"ok":"command"' answers.out)
[[ $acked -gt 0 ]] || fail "no command was written before the pipe filled"
# What was acknowledged is exactly what is in the pipe: one line per acknowledged command.
in_pipe=$(perl -e 'my $n = pack("L", 0); ioctl(STDIN, 0x541B, $n) or die "FIONREAD: $!\n"; print unpack("L", $n)' <&4)
ts_example="2026-01-01T00:00:00.000Z"
line_len=$(($(printf '{"target":"t/set","value":1000,"client":"ws-1","ts":"%s"}\n' "$ts_example" | wc -c)))
assert_eq $((acked * line_len)) "$in_pipe" "bytes in the pipe for $acked acknowledged commands"
exec 4<&-
wait_exit "$WS_PID"
assert_eq 0 "$ST" "exit status after stdout closed under load"
wait "$client" || true
answers=$(grep -c '"ok":"command"\|"error"' answers.out)
assert_eq 2500 "$answers" "commands answered"
errors=$(grep -c '"error":"command not sent: ' answers.out)
assert_eq $((2500 - acked)) "$errors" "commands answered with an error"
assert_contains "$(cat answers.out)" '"error":"command not sent: the output of ws-serve is closed"' "closed reason"
assert_contains "$(cat answers.out)" '"error":"command not sent: the output is not being read"' "full reason"
# Answers keep the order of the commands: every acknowledgement comes before every error.
last_ack=$(grep -n '"ok":"command"' answers.out | tail -1 | cut -d: -f1)
first_err=$(grep -n -m1 '"error"' answers.out | cut -d: -f1)
[[ $last_ack -lt $first_err ]] || fail "answers out of order"
pass "a closed stdout ends ws-serve at once; $acked commands written and acknowledged, $errors refused with an error"
