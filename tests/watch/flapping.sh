# A value that keeps crossing its limit is announced at most --flap-limit times per
# window, then once as "flapping", then nothing until it has been quiet for a window;
# then its state is announced once.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
cd "$T"
T0=1795000000
{
  for i in $(seq 0 19); do r lab/f $((T0 + i * 60)) $((i % 2 ? 9 : 11)); done  # 20 crossings in 20 minutes
  r lab/f $((T0 + 1200 + 3700)) 9  # quiet for more than an hour, below the limit
  r lab/f $((T0 + 1200 + 3760)) 12  # then a real alert again
} >flap.jsonl
run sensor-watch --above 'lab/f=10,name=f' --flap-limit 3 --flap-window 1h -a <flap.jsonl
assert_eq 0 "$status" "exit status"
printf '%s\n' "$out" >flap.out
assert_eq "f lab/f firing
f lab/f resolved
f lab/f firing
f lab/f flapping
f lab/f resolved
f lab/f firing" "$(events flap.out)" "three announcements, one flapping event, silence, then where it stands"
assert_contains "$(sed -n 4p flap.out)" '"ts":"2026-11-18T11:09:40.000Z"' "flapping at the 4th change, minute 3"
assert_contains "$(sed -n 4p flap.out)" 'changed state more than 3 times within 1h' "the message says why"
assert_contains "$(sed -n 5p flap.out)" '"ts":"2026-11-18T12:28:20.000Z"' "settled with the first reading a quiet hour later"

# Without the limit every change is announced.
run sensor-watch --above 'lab/f=10,name=f' --flap-limit 0 -a <flap.jsonl
assert_eq 21 "$(grep -c '"kind":"alert"' <<<"$out")" "--flap-limit 0: 20 changes and the last alert"
pass "flapping"
