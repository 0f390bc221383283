# SIGTERM (and SIGINT) commit every reading that was read and exit 0, even with a long
# commit interval and a large batch size, so nothing accepted is lost.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
s=$(store_location s)
gen_readings 10 500 1795341600000 1000 >a.jsonl
for sig in TERM INT; do
  store_drop "$s"
  rm -f in out.jsonl
  mkfifo in
  db-store -d "$s" --commit-interval 1h --batch-rows 1000000 <in >out.jsonl &
  pid=$!
  SP_PIDS+=("$pid")
  exec 3>in
  cat a.jsonl >&3
  wait_lines out.jsonl 5000
  kill -$sig "$pid"
  set +e; wait "$pid"; st=$?; set -e
  exec 3>&-
  assert_eq 0 "$st" "exit status after SIG$sig"
  assert_eq 5000 "$(stored_count "$s")" "rows stored after SIG$sig"
  assert_eq ok "$(store_integrity "$s")" "integrity after SIG$sig"
done
pass "SIGTERM and SIGINT lose nothing"
