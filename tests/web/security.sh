# Token and origin enforced on the WebSocket, SSE, API and metrics; static paths confined
# to the www root (.., encoded .., symlinks out -> 404); --max-clients; oversized frames closed.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
www="$T/www"
mkdir -p "$www/sub" "$T/outside"
echo '<!doctype html><title>t</title>' >"$www/index.html"
echo 'body{}' >"$www/sub/a.css"
echo 'secret' >"$T/outside/secret.txt"
echo 'secret' >"$T/sibling-secret.txt"
ln -s "$T/outside/secret.txt" "$www/link.txt"
ln -s "$T/outside" "$www/linkdir"
echo 's3cret-token' >"$T/token"
METRICS_AUTH=(-H 'Authorization: Bearer s3cret-token')
start_ws_serve --www "$www" --token-file "$T/token" --allow-origin https://dash.example --max-clients 3 \
  --max-message-size 1k
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# Static files are public; the data is not.
assert_eq 200 "$(code "$HTTP_URL/")" "GET / without a token"
assert_eq "text/css; charset=utf-8" "$(curl -s -o /dev/null -w '%{content_type}' "$HTTP_URL/sub/a.css")" "CSS type"
assert_eq 200 "$(code "$HTTP_URL/healthz")" "healthz without a token"
for path in /api/sensors /api/history /metrics /events; do
  assert_eq 401 "$(code "$HTTP_URL$path")" "$path without a token"
  assert_eq 401 "$(code -H 'Authorization: Bearer wrong' "$HTTP_URL$path")" "$path with a wrong token"
done
assert_eq 200 "$(code -H 'Authorization: Bearer s3cret-token' "$HTTP_URL/api/sensors")" "bearer token"
assert_eq 200 "$(code "$HTTP_URL/api/sensors?token=s3cret-token")" "token parameter"
assert_contains "$(cat "$WS_ERR")" "refused /api/sensors from 127.0.0.1" "refusal logged on stderr"
assert_contains "$(cat "$WS_ERR")" "missing or wrong token (401)" "refusal reason logged"

run "$WSC" "$WS_URL" --timeout 30
assert_eq "refused 401" "$out" "WebSocket without a token"
run "$WSC" "$WS_URL?token=s3cret-token" --origin https://evil.example --timeout 30
assert_eq "refused 403" "$out" "WebSocket from a foreign origin"
assert_contains "$(cat "$WS_ERR")" "origin https://evil.example is not allowed (403)" "origin refusal logged"
assert_eq 403 "$(code --max-time 30 -H 'Origin: https://evil.example' "$HTTP_URL/events?token=s3cret-token")" "SSE from a foreign origin"
run "$WSC" "$WS_URL?token=s3cret-token" --origin https://dash.example --print --until '"hello"' --timeout 30
assert_contains "$out" '"hello"' "WebSocket from an allowed origin"
run "$WSC" "$WS_URL" --header "Authorization: Bearer s3cret-token" --origin "http://127.0.0.1:$WS_PORT" --print --until '"hello"' --timeout 30
assert_contains "$out" '"hello"' "WebSocket from the page's own origin with a bearer header"

# Traversal: every attempt is a plain 404, and nothing outside the root leaks.
for path in /../sibling-secret.txt /sub/../../sibling-secret.txt /%2e%2e/sibling-secret.txt /%2E%2E/sibling-secret.txt \
  /sub/%2e%2e/%2e%2e/sibling-secret.txt /..%2fsibling-secret.txt /%2e%2e%2fsibling-secret.txt /link.txt \
  /linkdir/secret.txt /sub/..%5c..%5csibling-secret.txt /.%2e/sibling-secret.txt /index.html%00.css /nonexistent; do
  run curl -s --path-as-is -w '\n%{http_code}' "$HTTP_URL$path"
  assert_eq 404 "$(tail -1 <<<"$out")" "GET $path"
  assert_not_contains "$out" "secret" "GET $path body"
done
assert_not_contains "$(printf 'GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | timeout 30 node -e '
  const s=require("net").connect(+process.argv[1],"127.0.0.1");process.stdin.pipe(s);s.pipe(process.stdout)' "$WS_PORT")" "root:" "raw request for /etc/passwd"

# --max-clients 3: the fourth connection is refused with 503.
# (The holders stay until killed: a timeout of theirs must not free a place early.)
"$WSC" "$WS_URL?token=s3cret-token" --clients 3 --ready "$T/ready" --timeout 600 >/dev/null &
holders=$!
SP_PIDS+=("$holders")
poll_until 30 test -f "$T/ready" || fail "the three holders did not connect"
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 3
run "$WSC" "$WS_URL?token=s3cret-token" --timeout 30
assert_eq "refused 503" "$out" "fourth client with --max-clients 3"
assert_eq 503 "$(code --max-time 30 "$HTTP_URL/events?token=s3cret-token")" "SSE over --max-clients"
kill "$holders"
wait "$holders" || true
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 0

# A message over --max-message-size closes the connection with 1009 and goes nowhere.
big=$(printf '{"target":"a/b","value":"%02000d"}' 0)
run "$WSC" "$WS_URL?token=s3cret-token" --send "$big" --wait-close --timeout 30
assert_contains "$out" "close 1009" "oversized message closes with 1009 (message too big)"
assert_eq "" "$(cat "$WS_OUT")" "nothing on stdout"
pass "token, origin, traversal, client limit and message size enforced"
