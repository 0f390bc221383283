#!/usr/bin/env bash
# tests/lib/netns.sh leaves nothing behind: not at a normal exit, not after a run was killed with SIGKILL.
# A child test makes two hosts with a process in one of them; once normally (its namespaces
# are gone when it exits), once killed with SIGKILL (they stay, with the process, until the
# next ns_hosts of any run removes them and stops the process by PID).
source "$SP_SRC/tests/lib/common.sh"
cat >"$T/child.sh" <<'CHILD'
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/netns.sh"
ns_hosts 10.78.0 a b
ns_spawn b sleep 600
echo "$NS_PREFIX $!" >"$1"
# (exec: the run's own PID is the one to kill, and nothing of it outlives the kill.)
[[ ${2:-} == hang ]] && exec sleep 600
exit 0
CHILD
ours() { ip netns list | awk -v p="$1" 'index($1, p) == 1' | wc -l; }

bash "$T/child.sh" "$T/normal" >"$T/normal.out" 2>&1 || fail "the child failed: $(cat "$T/normal.out")"
read -r prefix pid <"$T/normal"
assert_eq 0 "$(ours "$prefix")" "namespaces of $prefix after a normal exit"
kill -0 "$pid" 2>/dev/null && fail "the process in host b outlived its run"
pass "a run that ends removes its namespaces and stops what ran in them"

# (Its output goes to a file: a process it leaves running must not hold ctest's pipe open.)
bash "$T/child.sh" "$T/killed" hang >"$T/killed.out" 2>&1 3>&- &
child=$!
SP_PIDS+=("$child")
wait_lines "$T/killed" 1 60
read -r prefix pid <"$T/killed"
kill -KILL "$child"
wait "$child" 2>/dev/null || true
assert_eq 3 "$(ours "$prefix")" "namespaces (a, b, switch) left by the killed run"
kill -0 "$pid" 2>/dev/null || fail "the process in host b should have outlived the killed run"
# The next run of any test that makes hosts removes them.
bash "$T/child.sh" "$T/next" 2>"$T/next.err" || fail "the next run failed: $(cat "$T/next.err")"
assert_contains "$(cat "$T/next.err")" "removing namespaces left by a killed run" "the next run says what it removed"
assert_eq 0 "$(ours "$prefix")" "namespaces of $prefix after the next run"
poll_until 30 bash -c "! kill -0 $pid 2>/dev/null" || fail "the process left in the killed run's host b still runs"
pass "the next run removes a killed run's namespaces and stops its processes"
