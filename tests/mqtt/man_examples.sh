# The EXAMPLES of man/mqtt-publish.1 and man/mqtt-ingest.1 run as written (against a
# private broker given through SENSORPIPE_BROKER) and succeed.
source "$SP_SRC/tests/lib/common.sh"
start_mosquitto
export SENSORPIPE_BROKER=$MQTT_URL
cd "$T"
# Publisher examples first: their retained readings feed the ingest examples.
for page in mqtt-publish mqtt-ingest; do
  n=0
  while IFS= read -r cmd; do
    n=$((n + 1))
    set +e
    timeout 30 bash -o pipefail -c "$cmd" >"$T/ex.out" 2>"$T/ex.err" </dev/null
    status=$?
    set -e
    # `| head -n 5` may close the pipe early: SIGPIPE (141) is not the program failing.
    [[ $status -eq 0 ]] || fail "man/$page.1 example $n exited $status: $cmd
$(cat "$T/ex.err")"
    [[ $page == mqtt-publish ]] || [[ $cmd == *"-W 1s"* ]] || [[ -s "$T/ex.out" ]] ||
      fail "man/$page.1 example $n printed nothing: $cmd"
  done < <(man_examples "$SP_SRC/man/$page.1")
  ((n >= 3)) || fail "man/$page.1 has only $n examples"
  pass "man/$page.1: $n examples ran"
done
