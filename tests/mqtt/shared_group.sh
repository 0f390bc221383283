# Two mqtt-ingest --group g processes split one stream: every message goes to exactly
# one of them, none is lost. Run at MQTT 3.1.1 and (mqtt.shared_group_v5) at 5.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
N=4000
start_ingest g1 -t 'sh/#' -q 1 --group g
pid1=$INGEST_PID
start_ingest g2 -t 'sh/#' -q 1 --group g
pid2=$INGEST_PID
seq_lines sh/a $N | publish --qos 1 --topic '{sensor}'
wait_seqs $N '"seq":' "$T/g1.out" "$T/g2.out"
kill -TERM "$pid1" "$pid2"
wait "$pid1" && wait "$pid2" || fail "exit status after SIGTERM"
n1=$(wc -l <"$T/g1.out")
n2=$(wc -l <"$T/g2.out")
((n1 > 0 && n2 > 0)) || fail "one member got nothing ($n1/$n2)"
cat "$T/g1.out" "$T/g2.out" >"$T/all.out"
dups=$(check_seqs "$T/all.out" $N "group")
assert_broker_protocol
assert_eq 0 "$dups" "messages delivered to both members"
assert_eq "" "$(comm -12 <(grep -o '"seq":[0-9]*' "$T/g1.out" | sort) <(grep -o '"seq":[0-9]*' "$T/g2.out" | sort))" "overlap"
pass "group split $N messages $n1/$n2 with no overlap and no loss (MQTT $MQTT_PROTOCOL)"
