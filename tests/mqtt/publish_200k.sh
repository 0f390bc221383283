# 200,000 lines from a file through mqtt-publish --qos 1 all arrive, intact
# (mosquitto_pub -l -q 1 loses most of them at EOF).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
seq_lines big/s 200000 >"$T/in.jsonl"
start_ingest big -t 'big/#' -q 1 -C 200000 -W 100s
run mqtt-publish -b "$MQTT_URL" --qos 1 --topic '{sensor}' "$T/in.jsonl"
assert_eq 0 "$status" "mqtt-publish exit status ($err)"
wait "$INGEST_PID" || fail "mqtt-ingest exited with $?: $(tail -3 "$T/big.err")"
assert_eq 200000 "$(wc -l <"$T/big.out")" "readings received"
dups=$(check_seqs "$T/big.out" 200000 "200k")
assert_eq 0 "$dups" "duplicates"
# Content: every line's value and sequence came through unchanged, in order (numbers
# are compared as numbers: the canonical form of 200000 is 2e+05).
bad=$(sed 's/.*"value":\([^,]*\),"seq":\([0-9]*\)}/\1 \2/' "$T/big.out" |
  awk '$1 + 0 != $2 + 0 || $2 != NR { print "line " NR ": " $0; exit }')
assert_eq "" "$bad" "content and order"
pass "200000 lines at QoS 1 all arrived once, intact and in order"
