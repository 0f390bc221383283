# Bad lines are reported as "db-store: line N: reason" and the rest is stored;
# --strict exits 65 at the first bad line, keeping what came before it.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
cat >in.jsonl <<'X'
{"sensor":"a","ts":1795000000,"value":1}
not json
{"ts":1795000001,"value":2}
{"sensor":"a","ts":1795000002,"value":{"x":1}}
[1,2]
{"sensor":"a","ts":"yesterday","value":3}

{"sensor":"a","ts":1795000003,"value":4}
X
run db-store -d b.db in.jsonl
assert_eq 0 "$status" "exit status with bad lines"
assert_contains "$err" "db-store: line 2: " "non-JSON line"
assert_contains "$err" 'db-store: line 3: missing "sensor"' "missing sensor"
assert_contains "$err" "db-store: line 4: " "object value"
assert_contains "$err" "db-store: line 5: expected an object" "array line"
assert_contains "$err" "db-store: line 6: " "bad ts"
assert_contains "$err" "db-store: 5 bad lines skipped" "summary"
assert_eq 2 "$(printf '%s\n' "$out" | wc -l)" "good lines passed through"
assert_eq "1795000000000 1795000003000" "$(sql b.db "SELECT group_concat(ts, ' ') FROM readings")" "good lines stored"

# Over-long lines are bad input too.
{ echo '{"sensor":"a","ts":1795000010,"value":1}'; printf '{"sensor":"a","x":"%0200d","value":1}\n' 0; echo '{"sensor":"a","ts":1795000011,"value":1}'; } >long.jsonl
run db-store -d l.db --max-line-bytes 100 -q long.jsonl
assert_contains "$err" "db-store: line 2: line longer than 100 bytes" "over-long line"
assert_eq 2 "$(sql l.db 'SELECT count(*) FROM readings')" "lines around it stored"

# With several inputs, each diagnostic names its file and counts lines from 1.
printf '%s\n' '{"sensor":"a","ts":1795000100,"value":1}' 'oops' >two.jsonl
run db-store -d m.db -q in.jsonl two.jsonl
assert_contains "$err" "db-store: in.jsonl: line 2: " "first file named"
assert_contains "$err" "db-store: two.jsonl: line 2: " "second file named, its own line numbers"
assert_eq 3 "$(sql m.db 'SELECT count(*) FROM readings')" "good lines of both files stored"

run db-store -d s.db --strict in.jsonl
assert_eq 65 "$status" "--strict exit status"
assert_contains "$err" "db-store: line 2: " "--strict names the line"
assert_eq 1 "$(sql s.db 'SELECT count(*) FROM readings')" "--strict keeps the lines before the bad one"
pass "bad input"
