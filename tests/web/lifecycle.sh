# Start, EOF and stop: stdin EOF keeps serving; --exit-on-eof stops; SIGTERM closes clients
# with 1001 and exits 0; start-up failures are clear (exit 1, or 2 for usage); --strict exits 65.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve
"$WSC" "$WS_URL" --wait-close --timeout 60 >"$T/close.out" &
client=$!
SP_PIDS+=("$client")
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 1
reading a/b 1 >&3
exec 3>&-  # EOF on stdin
sleep 0.3
kill -0 "$WS_PID" || fail "ws-serve ended at EOF without --exit-on-eof"
assert_eq ok "$(curl -s "$HTTP_URL/healthz")" "still serving after EOF"
assert_contains "$(curl -s "$HTTP_URL/api/sensors")" '"a/b"' "still answering after EOF"
stop_ws_serve
assert_eq 0 "$WS_STATUS" "exit status after SIGTERM"
wait "$client" || true
assert_eq "close 1001 server shutting down" "$(head -1 "$T/close.out")" "clients get a going-away close"

# --exit-on-eof
start_ws_serve --exit-on-eof
reading a/b 1 >&3
exec 3>&-
set +e
wait "$WS_PID"
status=$?
set -e
assert_eq 0 "$status" "exit status at EOF with --exit-on-eof"

# Start-up failures.
start_ws_serve
port=$WS_PORT
run ws-serve --listen "127.0.0.1:$port" </dev/null
assert_eq 1 "$status" "port in use"
assert_contains "$err" "ws-serve: error: cannot listen on 127.0.0.1:$port" "port in use message"
run ws-serve --listen nonsense </dev/null
assert_eq 2 "$status" "bad --listen"
assert_contains "$err" "ws-serve: error: --listen: expected HOST:PORT" "bad --listen message"
run ws-serve --listen 127.0.0.1:0 --www "$T/nowhere" </dev/null
assert_eq 1 "$status" "missing --www"
assert_contains "$err" "ws-serve: error: web root $T/nowhere is not a directory" "missing --www message"
run ws-serve --listen 127.0.0.1:0 --token-file "$T/nowhere" </dev/null
assert_eq 1 "$status" "missing token file"
run ws-serve --listen 127.0.0.1:0 --client-queue lots </dev/null
assert_eq 2 "$status" "bad --client-queue"
run ws-serve --listen 127.0.0.1:0 --strict --exit-on-eof <<<'{"sensor":"x","value":1}
{"sensor":"x"}'
assert_eq 65 "$status" "--strict and a bad line"
assert_contains "$err" 'ws-serve: line 2: missing "value"' "--strict diagnostic"
pass "EOF, SIGTERM and start-up failures behave"
