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
run db-store -d "$(store_location b)" in.jsonl
assert_eq 0 "$status" "exit status with bad lines"
assert_contains "$err" "db-store: line 2: " "non-JSON line"
assert_contains "$err" 'db-store: line 3: missing "sensor"' "missing sensor"
assert_contains "$err" "db-store: line 4: " "object value"
assert_contains "$err" "db-store: line 5: expected an object" "array line"
assert_contains "$err" "db-store: line 6: " "bad ts"
assert_contains "$err" "db-store: 5 bad lines skipped" "summary"
assert_eq 2 "$(printf '%s\n' "$out" | wc -l)" "good lines passed through"
assert_eq "2026-11-18T11:06:40.000Z 2026-11-18T11:06:43.000Z" \
  "$(stored_rows "$(store_location b)" -f csv | awk -F, 'NR > 1 { printf "%s%s", sep, $2; sep = " " }')" "good lines stored"

# Over-long lines are bad input too.
{ echo '{"sensor":"a","ts":1795000010,"value":1}'; printf '{"sensor":"a","x":"%0200d","value":1}\n' 0; echo '{"sensor":"a","ts":1795000011,"value":1}'; } >long.jsonl
run db-store -d "$(store_location l)" --max-line-bytes 100 -q long.jsonl
assert_contains "$err" "db-store: line 2: line longer than 100 bytes" "over-long line"
assert_eq 2 "$(stored_count "$(store_location l)")" "lines around it stored"

# With several inputs, each diagnostic names its file and counts lines from 1.
printf '%s\n' '{"sensor":"a","ts":1795000100,"value":1}' 'oops' >two.jsonl
run db-store -d "$(store_location m)" -q in.jsonl two.jsonl
assert_contains "$err" "db-store: in.jsonl: line 2: " "first file named"
assert_contains "$err" "db-store: two.jsonl: line 2: " "second file named, its own line numbers"
assert_eq 3 "$(stored_count "$(store_location m)")" "good lines of both files stored"

run db-store -d "$(store_location s)" --strict in.jsonl
assert_eq 65 "$status" "--strict exit status"
assert_contains "$err" "db-store: line 2: " "--strict names the line"
assert_eq 1 "$(stored_count "$(store_location s)")" "--strict keeps the lines before the bad one"
pass "bad input"
