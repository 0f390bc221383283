# Every command in man/ws-serve.1's EXAMPLES runs: servers start and answer (ports swapped
# for free ones, run in a scratch directory), finite ones exit 0, and the curl examples get
# what the page says they get from a running ws-serve.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
cd "$T"
# Pipelines run in their own process groups (setsid), stopped as a whole, also on failure.
PGROUPS=()
trap 'for g in "${PGROUPS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done; sp_cleanup' EXIT
now=$(date +%s)
for i in $(seq 0 59); do
  printf '{"sensor":"home/kitchen/temperature","ts":%d,"value":2%d.5,"unit":"°C"}\n' $((now - 3600 + i * 60)) $((i % 10))
done >readings.jsonl
echo 'example-token' >token.txt
mapfile -t examples < <(man_examples "$SP_SRC/man/ws-serve.1")
((${#examples[@]} >= 7)) || fail "expected at least 7 examples, found ${#examples[@]}"

# The curl examples talk to 127.0.0.1:8080: a ws-serve with the recorded readings stands in.
start_ws_serve
cat readings.jsonl >&3
wait_metric sensorpipe_ws_serve_messages_in_total 60

ran=0
not_run=()
for ex in "${examples[@]}"; do
  p=$(free_port)
  cmd=${ex//8080/$WS_PORT}
  cmd=${cmd//8081/$p}
  cmd=${cmd//8082/$p}
  cmd=${cmd//0.0.0.0/127.0.0.1}  # tests bind loopback only
  case $ex in
    curl*events*)
      timeout 60 bash -c "$cmd" >out.txt &
      pid=$!
      SP_PIDS+=("$pid")
      # ws-serve registers an SSE client before it writes the stream's first bytes.
      poll_until 30 test -s out.txt || fail "$ex: the stream did not start"
      reading home/kitchen/temperature 22.5 >&3
      reading home/hall/temperature 19 >&3
      reading home/kitchen/temperature 22.75 >&3  # once this is here, the hall reading would be too
      wait_text out.txt '"value":22.75'
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      assert_contains "$(cat out.txt)" 'data: {"sensor":"home/kitchen/temperature"' "$ex"
      assert_not_contains "$(cat out.txt)" "home/hall" "$ex"
      ;;
    curl*api/history*)
      run bash -c "$cmd"
      assert_eq 0 "$status" "$ex"
      assert_contains "$out" '"every":"5m","every_ms":300000,"bucket":"client","aggs":["avg","max"]' "$ex"
      ;;
    curl*metrics*)
      run bash -c "$cmd"
      assert_eq 0 "$status" "$ex"
      assert_contains "$out" "sensorpipe_ws_serve_messages_in_total" "$ex"
      ;;
    *--exit-on-eof*)
      run timeout 60 bash -c "$cmd"
      assert_eq 0 "$status" "$ex"
      ;;
    *mqtt-ingest*)
      missing=""
      for tool in mqtt-ingest db-store mqtt-publish; do [[ -x $SP_BIN/$tool ]] || missing+=" $tool"; done
      if [[ -n $missing ]]; then
        not_run+=("$ex (this build lacks$missing)")
        continue
      fi
      start_mosquitto
      cmd=${ex//1883/$MQTT_PORT}
      cmd=${cmd/ws-serve/ws-serve --listen 127.0.0.1:$p}
      setsid bash -c "$cmd" 2>err.txt &
      group=$!
      PGROUPS+=("$group")
      # Its own start-up line, not just an open port (which could be another test's server).
      wait_text err.txt "serving http://127.0.0.1:$p/"
      assert_eq ok "$(curl -s "http://127.0.0.1:$p/healthz")" "$ex"
      # A QoS 0 message published before mqtt-ingest has subscribed is gone: wait for it.
      wait_text err.txt "mqtt-ingest: connected to"
      mosquitto_pub -p "$MQTT_PORT" -t home/kitchen/temperature -m 21.5
      poll_until 30 api_has "http://127.0.0.1:$p" 21.5 || true  # asserted below
      assert_contains "$(curl -s "http://127.0.0.1:$p/api/sensors")" '"value":21.5' "$ex: broker reading reaches the API"
      kill -TERM -- "-$group" 2>/dev/null || true
      ;;
    *ws-serve*)
      # Examples without --listen would take 8080: give them a free port instead.
      [[ $ex == *--listen* ]] || cmd=${ex/ws-serve/ws-serve --listen 127.0.0.1:$p}
      [[ $cmd != *0.0.0.0* ]] || fail "would bind every interface: $cmd"
      setsid bash -c "$cmd" 2>err.txt &
      group=$!
      PGROUPS+=("$group")
      wait_text err.txt "serving http://127.0.0.1:$p/"
      if [[ $ex == *token* ]]; then
        assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/api/sensors")" "$ex: token required"
        auth=(-H 'Authorization: Bearer example-token')
      else
        auth=()
      fi
      poll_until 30 api_has "http://127.0.0.1:$p" '"sensor"' "${auth[@]}" || true  # asserted below
      assert_contains "$(curl -s "${auth[@]}" "http://127.0.0.1:$p/api/sensors")" '"sensor"' "$ex: serves readings"
      assert_contains "$(curl -s "http://127.0.0.1:$p/")" "<title>sensorpipe</title>" "$ex: serves the dashboard"
      kill -TERM -- "-$group" 2>/dev/null || true
      ;;
    *) fail "no check for example: $ex" ;;
  esac
  ran=$((ran + 1))
  pass "$ex"
done
((${#not_run[@]} == 0)) || fail "examples not run: ${not_run[*]}"
assert_eq "${#examples[@]}" "$ran" "examples run"
