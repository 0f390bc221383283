# scripts/run.sh brought up and stopped as a user does it, for the tests of run.sh (bash;
# source it after tests/lib/common.sh, with $run_sh set to scripts/run.sh).
#   start_run DIR ARGS...   -> $run_pid, $started (every PID run.sh recorded); waits up to
#                              $RUN_UP_LIMIT seconds (default 90) for it to come up
#   stop_run DIR            SIGINT; asserts exit 0, the stop message and that every PID is gone
# Starts run.sh as a user's foreground job would be (SIGINT not ignored: job control on),
# waits until it says it is up, and records every PID it started.
start_run() { # DIR ARGS...
  local dir=$1; shift
  set -m
  sp_spawn "$run_sh" --data-dir "$dir" "$@" >"$dir.out" 2>"$dir.err"
  run_pid=$!
  set +m
  local limit=${RUN_UP_LIMIT:-90}
  for _ in $(seq $((limit * 10))); do
    grep -q "Press Ctrl-C to stop" "$dir.out" 2>/dev/null && break
    kill -0 "$run_pid" 2>/dev/null || fail "run.sh ended early: $(cat "$dir.out" "$dir.err")"
    sleep 0.1
  done
  grep -q "Press Ctrl-C to stop" "$dir.out" || fail "run.sh did not come up in $limit s: $(cat "$dir.out" "$dir.err")"
  started=$(cat "$dir"/*.pids)
}
stop_run() { # DIR
  kill -INT "$run_pid"
  for _ in $(seq 600); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$run_pid" 2>/dev/null && fail "run.sh still running 60 s after SIGINT"
  set +e; wait "$run_pid"; status=$?; set -e
  assert_eq 0 "$status" "run.sh exit status after SIGINT ($(tail -5 "$1.err"))"
  assert_contains "$(cat "$1.err")" "run.sh: stopped; data kept in $1" "run.sh stop message"
  local pid
  for pid in $started; do
    kill -0 "$pid" 2>/dev/null && fail "process $pid ($(ps -o args= -p "$pid")) still runs after run.sh stopped"
  done
  return 0
}
