# Every rule kind on readings with explicit ts: above with hysteresis and for, below,
# rate of change, counters that go back or stop, leaks; readings pass through, events
# are readings that db-store stores and history-query lists; bad lines are reported.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
cd "$T"
F=home/freezer/temperature
T0=1795000000

# above: -15 with clear -18 and for 10m. Pending at +60 s, not yet at +600 s (9 min), fires at
# +700 s; -16 is inside the band (still firing), -19 resolves. A second short excursion
# (+900 s above, +960 s below) never lasts 10 min: nothing announced.
{
  r $F $T0 -20; r $F $((T0 + 60)) -14; r $F $((T0 + 600)) -13.5; r $F $((T0 + 700)) -13
  r $F $((T0 + 760)) -16; r $F $((T0 + 820)) -19; r $F $((T0 + 900)) -10; r $F $((T0 + 960)) -20
} >freezer.jsonl
run sensor-watch --above "$F=-15,clear=-18,for=10m,name=freezer" freezer.jsonl
assert_eq 2 "$status" "input files are not taken (stdin only)"
run sensor-watch --above "$F=-15,clear=-18,for=10m,name=freezer" <freezer.jsonl
assert_eq 0 "$status" "exit status"
assert_eq "" "$err" "stderr"
assert_eq 10 "$(wc -l <<<"$out")" "8 readings passed through and 2 events"
printf '%s\n' "$out" >freezer.out
assert_eq "freezer $F firing
freezer $F resolved" "$(events freezer.out)" "the freezer's events"
firing=$(grep '"state":"firing"' freezer.out)
assert_contains "$firing" '"sensor":"alerts/freezer/home/freezer/temperature","ts":"2026-11-18T11:18:20.000Z","value":"firing","kind":"alert"' "firing event is a reading at the reading's ts"
assert_contains "$firing" '"reading":-13,"limit":-15,"since":"2026-11-18T11:07:40.000Z"' "since = when the condition began"
resolved=$(grep '"state":"resolved"' freezer.out)
assert_contains "$resolved" '"reading":-19' "resolved at the value below clear"
assert_eq "$(field id "$firing")" "$(field id "$resolved")" "firing and resolved share the episode's id"
# The 5th line (-16, between clear and limit) came through unchanged and caused nothing.
assert_eq '{"sensor":"home/freezer/temperature","ts":"2026-11-18T11:19:20.000Z","value":-16}' "$(sed -n 6p freezer.out)" "reading in the band passed on"

# --alerts-only writes only events; stored by db-store, listed by history-query.
sensor-watch --above "$F=-15,clear=-18,for=10m,name=freezer" --alerts-only <freezer.jsonl | db-store -d a.db -q
run history-query -d a.db --sensor 'alerts/*' --from 2026-11-18 --to 2026-11-19
assert_eq 2 "$(grep -c '"kind":"alert"' <<<"$out")" "history-query lists the two stored alert events"
assert_contains "$out" '"value":"firing"' "stored firing event"
assert_contains "$out" '"rule":"freezer"' "stored with its fields"

# below with clear; booleans count as 1/0, string states are ignored.
{ r lab/t $T0 5; r lab/t $((T0 + 1)) '"n/a"'; r lab/t $((T0 + 2)) 1.5; r lab/t $((T0 + 3)) 2.5; r lab/t $((T0 + 4)) 3.5; } | sensor-watch --below 'lab/t=2,clear=3' -a >below.out
assert_eq "below-1 lab/t firing
below-1 lab/t resolved" "$(events below.out)" "below fires under 2 and clears at 3"
assert_contains "$(sed -n 2p below.out)" '"reading":3.5' "cleared by 3.5, not by 2.5"

# rate: more than 2 per minute between consecutive readings, either way.
{ r lab/r $T0 20; r lab/r $((T0 + 60)) 21; r lab/r $((T0 + 90)) 23; r lab/r $((T0 + 150)) 23.5; r lab/r $((T0 + 160)) 20; } |
  sensor-watch --rate 'lab/r=2/1m,name=jump' -a >rate.out
assert_eq "jump lab/r firing
jump lab/r resolved
jump lab/r firing" "$(events rate.out)" "rate: +2 in 30 s fires, +0.5/min resolves, -3.5 in 10 s fires"

# counter: going back fires at once (decreased), the next increase resolves; flat for 1h fires (stopped).
C=home/power/energy
{ r $C $T0 100; r $C $((T0 + 60)) 101; r $C $((T0 + 120)) 3; r $C $((T0 + 180)) 4
  r $C $((T0 + 1800)) 4; r $C $((T0 + 3780)) 4; r $C $((T0 + 3840)) 5; } | sensor-watch --counter "$C=1h,name=meter" -a >counter.out
assert_eq "meter $C firing
meter $C resolved
meter $C firing
meter $C resolved" "$(events counter.out)" "counter events"
assert_contains "$(sed -n 1p counter.out)" '"reason":"decreased"' "first: went back"
assert_contains "$(sed -n 3p counter.out)" '"reason":"stopped"' "then: flat for an hour"
assert_contains "$(sed -n 3p counter.out)" '"ts":"2026-11-18T12:09:40.000Z"' "stopped when an hour had passed since the last increase"

# leak: water flowing for 2 h without a break. A break (0) restarts the clock.
W=home/water/flow
{ r $W $T0 3; r $W $((T0 + 3600)) 2; r $W $((T0 + 4000)) 0; r $W $((T0 + 4100)) 1.5; r $W $((T0 + 11000)) 1
  r $W $((T0 + 11300)) 2; r $W $((T0 + 11400)) 0; } | sensor-watch --leak "$W=2h,name=leak" -a >leak.out
assert_eq "leak $W firing
leak $W resolved" "$(events leak.out)" "leak events"
assert_contains "$(sed -n 1p leak.out)" '"since":"2026-11-18T12:15:00.000Z"' "the leak began after the break"
assert_contains "$(sed -n 1p leak.out)" '"ts":"2026-11-18T14:15:00.000Z"' "fired at the first reading 2 h after"

# consumption, with the query engine's counter rule: a 10 L step every 10 min is 60 L in the
# hour ending at +3600 s (> 50: fires); the window slides to 50 (resolves); a dip of 0.5 L
# counts nothing and its recovery nothing either; a reset counts the new value.
V=home/water/total
{ for i in 0 1 2 3 4 5 6 7; do printf '{"sensor":"%s","ts":%d,"value":%s,"kind":"volume","unit":"L"}\n' $V $((T0 + i * 600)) $((1000 + i * 10)); done
  for tv in 4800:1069.5 5400:1070 6000:5 6600:40 7200:41; do
    printf '{"sensor":"%s","ts":%d,"value":%s,"kind":"volume","unit":"L"}\n' $V $((T0 + ${tv%%:*})) ${tv#*:}
  done; } | sensor-watch --consumption "$V=50/1h,name=water" -a >water.out
assert_eq "water $V firing
water $V resolved
water $V firing" "$(events water.out)" "consumption of a counter"
assert_contains "$(sed -n 1p water.out)" '"reading":60,"limit":50,"unit":"L","period":"1h"' "60 L in the hour"
assert_contains "$(sed -n 2p water.out)" '"ts":"2026-11-18T12:26:40.000Z"' "resolved when the window slid to 50 L (the dip counted 0)"
assert_contains "$(sed -n 3p water.out)" '"ts":"2026-11-18T12:56:40.000Z","value":"firing","kind":"alert","rule":"water","subject":"home/water/total","state":"firing","check":"consumption","reading":60' "after the reset: 10 + 10 + 5 (the reset) + 35"
# ... and of a rate: 2000 W for 1 h is 2 kWh (> 1.6); it clears at 1 kWh.
P=home/kitchen/power
{ for i in 0 1 2 3 4 5 6; do printf '{"sensor":"%s","ts":%d,"value":2000,"unit":"W","kind":"power"}\n' $P $((T0 + i * 900)); done
  for t in 6300 9000 9900; do printf '{"sensor":"%s","ts":%d,"value":0,"unit":"W","kind":"power"}\n' $P $((T0 + t)); done; } |
  sensor-watch --consumption 'home/*/power=1.6/1h,clear=1,name=oven' -a >oven.out
assert_eq "oven $P firing
oven $P resolved" "$(events oven.out)" "consumption of a rate"
assert_contains "$(sed -n 1p oven.out)" '"ts":"2026-11-18T12:06:40.000Z"' "fires when the hour holds 2 kWh"
assert_contains "$(sed -n 1p oven.out)" '"unit":"kWh"' "W integrates to kWh"
assert_contains "$(sed -n 1p oven.out)" 'used 2 kWh within 1h, more than 1.6' "message"

# A rules file and flags together; both rules see the same reading.
cat >rules.json <<'X'
{"rules": [{"name": "hot", "kind": "above", "sensor": "lab/+", "limit": 30, "repeat": 60}]}
X
{ r lab/a $T0 31; r lab/a $((T0 + 30)) 32; r lab/a $((T0 + 61)) 33; r lab/a $((T0 + 62)) 10; } |
  sensor-watch --rules rules.json --below 'lab/a=15,name=cold' -a >file.out
assert_eq "hot lab/a firing
hot lab/a firing
hot lab/a resolved
cold lab/a firing" "$(events file.out)" "rules file with a repeat, and a flag rule"
assert_contains "$(sed -n 2p file.out)" '"repeat":true' "the repeat says so"

# Bad input: one line each naming program and line; the stream goes on; --strict exits 65.
printf '%s\n' "$(r lab/a $T0 31)" 'not json' '{"ts":1,"value":2}' "$(r lab/a $((T0 + 1)) 10)" >bad.jsonl
run sensor-watch --above 'lab/a=30' <bad.jsonl
assert_eq 0 "$status" "bad lines are not fatal"
assert_contains "$err" "sensor-watch: line 2: " "non-JSON line named"
assert_contains "$err" 'sensor-watch: line 3: missing "sensor"' "missing sensor named"
assert_eq "above-1 lab/a firing
above-1 lab/a resolved" "$(printf '%s\n' "$out" >bad.out; events bad.out)" "rules work around bad lines"
run sensor-watch --above 'lab/a=30' --strict <bad.jsonl
assert_eq 65 "$status" "--strict"

# Rule mistakes are usage errors naming the rule.
run sensor-watch --above 'lab/a=hot'
assert_eq 2 "$status" "bad limit"
assert_contains "$err" "sensor-watch: error: --above 'lab/a=hot': expected a number" "bad limit named"
run sensor-watch --above 'lab/a=10,clear=20'
assert_contains "$err" "clear (20) must not be above the limit (10)" "clear on the wrong side"
run sensor-watch
assert_contains "$err" "sensor-watch: error: no rules" "no rules"
echo '{"rules":[{"kind":"above","sensor":"x"}]}' >norule.json
run sensor-watch --rules norule.json
assert_contains "$err" 'norule.json: rule 1: missing "limit"' "rules file mistake named"
pass "rule kinds"
