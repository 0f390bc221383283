# Credentials and TLS: a wrong password ends both programs quickly with exit 1 and a
# message naming the broker; TLS with the test CA works; a wrong CA fails clearly.
# Speaks $MQTT_PROTOCOL (tests/mqtt/lib.sh; not yet registered at 5: see CMakeLists.txt).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
# Test CA, broker certificate for 127.0.0.1, and a second CA that did not sign it.
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=sensorpipe test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj "/CN=other CA" 2>/dev/null
mosquitto_passwd -c -b "$T/passwd" alice s3cret
TLS_PORT=$(free_port)
# allow_anonymous is global here (the last one wins): both listeners need the password.
start_mosquitto "allow_anonymous false" "password_file $T/passwd" \
  "listener $TLS_PORT 127.0.0.1" "cafile $T/ca.crt" "certfile $T/server.crt" "keyfile $T/server.key"
wait_port "$TLS_PORT"
TLS_URL="mqtts://127.0.0.1:$TLS_PORT"

echo wrong >"$T/bad.pw"
start=$(date +%s)
run mqtt-ingest "${PROTO[@]}" -b "$MQTT_URL" -u alice --password-file "$T/bad.pw" -t x
assert_eq 1 "$status" "mqtt-ingest with a wrong password"
assert_contains "$err" "mqtt-ingest: error: $MQTT_URL: the broker refused the connection: not authorised" "message"
SENSORPIPE_MQTT_PASSWORD=wrong run mqtt-publish "${PROTO[@]}" -b "$MQTT_URL" -u alice --topic x </dev/null
assert_eq 1 "$status" "mqtt-publish with a wrong password"
assert_contains "$err" "mqtt-publish: error: $MQTT_URL: the broker refused the connection" "message"
(($(date +%s) - start <= 5)) || fail "a refused login took more than 5 s to report"
pass "wrong password: exit 1 quickly, naming the broker"

echo s3cret >"$T/good.pw"
start_ingest auth -u alice --password-file "$T/good.pw" -t 'a/#' -C 1
echo '{"sensor":"a/1","value":1}' | SENSORPIPE_MQTT_PASSWORD=s3cret mqtt-publish "${PROTO[@]}" -b "$MQTT_URL" -u alice --topic '{sensor}'
wait "$INGEST_PID" || fail "authenticated ingest: $(cat "$T/auth.err")"
assert_contains "$(cat "$T/auth.out")" '"sensor":"a/1"' "authenticated round trip"
pass "right password (file and environment) works"

export SENSORPIPE_MQTT_PASSWORD=s3cret
start_ingest tls -b "$TLS_URL" --cafile "$T/ca.crt" -u alice -t 'tls/#' -C 1
echo '{"sensor":"tls/1","value":2}' | mqtt-publish "${PROTO[@]}" -b "$TLS_URL" --cafile "$T/ca.crt" -u alice --topic '{sensor}'
wait "$INGEST_PID" || fail "TLS ingest: $(cat "$T/tls.err")"
assert_contains "$(cat "$T/tls.out")" '"sensor":"tls/1"' "TLS round trip"
pass "TLS with the test CA works"

run mqtt-ingest "${PROTO[@]}" -b "$TLS_URL" --cafile "$T/other.crt" -t x --connect-timeout 5s
assert_eq 1 "$status" "mqtt-ingest with the wrong CA"
assert_contains "$err" "mqtt-ingest: error: $TLS_URL: TLS handshake failed:" "wrong CA message"
assert_contains "$err" "certificate verify failed" "wrong CA reason"
run mqtt-publish "${PROTO[@]}" -b "$TLS_URL" --cafile "$T/other.crt" --topic x </dev/null
assert_eq 1 "$status" "mqtt-publish with the wrong CA"
assert_contains "$err" "certificate verify failed" "mqtt-publish wrong CA reason"
pass "a wrong CA fails clearly"
