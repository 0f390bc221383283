# --cert/--key: the page, the API and SSE over https, the WebSocket over wss; a plain
# request to the TLS port gets nothing; bad certificate files are a clear start-up error.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
  2>/dev/null || fail "openssl could not make a test certificate"
start_ws_serve --cert "$T/cert.pem" --key "$T/key.pem"
assert_contains "$(cat "$WS_ERR")" "serving https://127.0.0.1:$WS_PORT/" "start-up line"
assert_eq ok "$(curl -sk "https://127.0.0.1:$WS_PORT/healthz")" "healthz over https"
assert_contains "$(curl -sk "https://127.0.0.1:$WS_PORT/")" "<title>sensorpipe</title>" "dashboard over https"
run curl -s "https://127.0.0.1:$WS_PORT/healthz"
assert_eq 60 "$status" "a verifying client refuses the self-signed certificate (curl exit 60)"
run curl -s --cacert "$T/cert.pem" "https://127.0.0.1:$WS_PORT/healthz"
assert_eq ok "$out" "a client that trusts the certificate"
assert_not_contains "$(curl -s --max-time 2 "http://127.0.0.1:$WS_PORT/healthz" || true)" "ok" "plain http to the TLS port"
curl -skN "https://127.0.0.1:$WS_PORT/events" >"$T/sse.out" &
sse=$!
SP_PIDS+=("$sse")
"$WSC" "wss://127.0.0.1:$WS_PORT/ws" --insecure --expect 3 --ready "$T/ready" --send '{"target":"a/set","value":1}' \
  --timeout 60 >"$T/ws.out" &
client=$!
SP_PIDS+=("$client")
poll_until 30 test -f "$T/ready" || fail "the wss client did not connect"
# ws-serve registers an SSE client before it writes the stream's first bytes.
poll_until 30 test -s "$T/sse.out" || fail "the SSE client did not connect over https"
for i in 1 2 3; do reading tls/t "$i"; done >&3
wait "$client" || fail "wss client: $(cat "$T/ws.out")"
assert_contains "$(cat "$T/ws.out")" "client 0: 3 readings" "readings over wss"
wait_lines "$WS_OUT" 1
assert_contains "$(cat "$WS_OUT")" '"target":"a/set","value":1,"client":"ws-' "command over wss"
wait_count "$T/sse.out" 'data: {"sensor"' 3
assert_eq 3 "$(grep -c '^id: ' "$T/sse.out")" "SSE events over https"
run ws-serve --listen 127.0.0.1:0 --cert "$T/nowhere.pem" --key "$T/key.pem" </dev/null
assert_eq 1 "$status" "missing certificate"
assert_contains "$err" "ws-serve: error: cannot load TLS certificate $T/nowhere.pem" "missing certificate message"
run ws-serve --listen 127.0.0.1:0 --cert "$T/cert.pem" </dev/null
assert_eq 2 "$status" "--cert without --key"
pass "TLS: https, wss and SSE over TLS"
