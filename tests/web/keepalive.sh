# Plain HTTP keeps the connection: curl re-uses one connection for several requests, 1,000
# requests pipelined on one socket get 1,000 answers in order, "Connection: close" and
# HTTP/1.0 are honoured, and "Expect: 100-continue" gets its answer at once (curl then
# never has to give up waiting for it and send the body regardless).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve --keepalive 1s  # SSE sends soon, so the SSE check below ends soon
reading a/b 1 >&3
poll_until 30 api_has "$HTTP_URL" '"a/b"' || fail "the reading did not arrive"

# curl: three requests, one connection.
curl -sv "$HTTP_URL/healthz" "$HTTP_URL/api/sensors" "$HTTP_URL/healthz" >"$T/curl.out" 2>"$T/curl.err"
assert_eq 2 "$(grep -c 'Re-using existing connection' "$T/curl.err")" "connections re-used by curl"
assert_eq 3 "$(grep -c '^< HTTP/1.1 200 OK' "$T/curl.err")" "answers"
assert_contains "$(cat "$T/curl.out")" '"a/b"' "the API answer on the re-used connection"

# Raw socket: 1,000 pipelined requests (healthz and the API alternating, so an answer that
# waits for the API worker must still come in order), written at once.
node -e '
const net = require("net");
const n = 1000;
let req = "";
for (let i = 0; i < n; i++) req += (i % 2 ? "GET /api/sensors HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
const s = net.connect(Number(process.argv[1]), "127.0.0.1", () => s.write(req));
let buf = Buffer.alloc(0);
s.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  // Parse answers: head, then Content-Length bytes of body.
  const kinds = [];
  let pos = 0;
  for (;;) {
    const end = buf.indexOf("\r\n\r\n", pos);
    if (end < 0) break;
    const head = buf.slice(pos, end).toString();
    const len = Number((/content-length: *(\d+)/i.exec(head) || [0, 0])[1]);
    if (buf.length < end + 4 + len) break;
    const body = buf.slice(end + 4, end + 4 + len).toString();
    kinds.push(body.startsWith("ok") ? "h" : body.includes("\"sensors\"") ? "a" : "?");
    pos = end + 4 + len;
  }
  if (kinds.length < n) return;
  const inOrder = kinds.every((k, i) => k === (i % 2 ? "a" : "h"));
  console.log(`answers ${kinds.length} ${inOrder ? "in order" : "OUT OF ORDER"}`);
  process.exit(0);
});
s.on("close", () => { console.log("closed early"); process.exit(1); });
setTimeout(() => { console.log("timeout"); process.exit(1); }, 60000);
' "$WS_PORT" >"$T/pipe.out" || fail "pipelined requests: $(cat "$T/pipe.out")"
assert_eq "answers 1000 in order" "$(cat "$T/pipe.out")" "pipelined answers"

# Connection: close and HTTP/1.0 end the connection after the answer (curl sees it closed).
curl -sv -H 'Connection: close' "$HTTP_URL/healthz" "$HTTP_URL/healthz" 2>"$T/close.err" >/dev/null
assert_eq 0 "$(grep -c 'Re-using existing connection' "$T/close.err")" "no re-use after Connection: close"
assert_contains "$(curl -s0 -D - "$HTTP_URL/healthz")" "Connection: close" "HTTP/1.0 without keep-alive"

# Expect: 100-continue with a body: the final answer comes at once, the body is not needed.
head -c 200000 /dev/zero >"$T/body"
curl -sv -X POST -H 'Expect: 100-continue' --data-binary @"$T/body" "$HTTP_URL/api/sensors" >"$T/post.out" 2>"$T/post.err"
assert_contains "$(cat "$T/post.err")" "< HTTP/1.1 405 Method Not Allowed" "answer to a POST"
assert_not_contains "$(cat "$T/post.err")" "Done waiting for 100-continue" "curl did not have to time out waiting"
assert_contains "$(cat "$T/post.out")" "only GET and HEAD are supported" "the reason"

# WebSocket and SSE still work on the same port (handed over with their request unread).
"$WSC" "$WS_URL" --until '"hello"' --timeout 30 >/dev/null || fail "WebSocket after the keep-alive front"
curl -sN --max-time 30 "$HTTP_URL/events" | head -1 >"$T/sse.out" || true
assert_eq "retry: 2000" "$(cat "$T/sse.out")" "SSE after the keep-alive front"
pass "keep-alive, 1,000 pipelined requests answered in order, Connection: close, HTTP/1.0, Expect: 100-continue"
