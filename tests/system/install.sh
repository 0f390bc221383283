# `cmake --install` into a fresh prefix, then use the installed tree as a user would:
# every program runs from P/bin and reports its version, every man page renders,
# completions sit where bash-completion, zsh and fish look, the systemd units point into
# the prefix, and (once ws-serve exists) ws-serve serves the installed dashboard.
source "$SP_SRC/tests/lib/common.sh"
P=$T/p
run cmake --install "$SP_BUILD" --prefix "$P"
assert_eq 0 "$status" "cmake --install exit status ($err)"
version=$(sed -n 's/^project(sensorpipe VERSION \([0-9.]*\).*/\1/p' "$SP_SRC/CMakeLists.txt")

# Run the installed copies only: no build directory on PATH.
export PATH=/usr/local/bin:/usr/bin:/bin
tools=$(sp_tools)
[[ -n $tools ]] || fail "no tools built"
for tool in $tools; do
  [[ -x $P/bin/$tool ]] || fail "$tool not installed in $P/bin"
  run "$P/bin/$tool" --version
  assert_eq 0 "$status" "installed $tool --version"
  assert_contains "$out" "$tool (sensorpipe) $version" "installed $tool --version"
  page=$P/share/man/man1/$tool.1
  [[ -f $page ]] || fail "man page of $tool not installed ($page)"
  [[ -f $P/share/bash-completion/completions/$tool ]] || fail "bash completion of $tool not installed"
  [[ -f $P/share/zsh/vendor-completions/_$tool ]] || fail "zsh completion of $tool not installed"
  [[ -f $P/share/fish/vendor_completions.d/$tool.fish ]] || fail "fish completion of $tool not installed"
  pass "installed $tool"
done

# Every installed man page renders with man -l, without groff warnings, and names itself.
pages=("$P"/share/man/man1/*.1 "$P"/share/man/man7/sensorpipe.7)
[[ -f $P/share/man/man7/sensorpipe.7 ]] || fail "sensorpipe.7 not installed"
for page in "${pages[@]}"; do
  [[ -f $page ]] || continue
  name=$(basename "$page"); name=${name%.*}
  run env MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l "$page"
  assert_eq 0 "$status" "man -l $page"
  assert_contains "$out" "$name" "man -l $page shows its name"
  run groff -man -ww -Wbreak -z -Tutf8 "$page" # every warning but overfull lines (long literals)
  assert_eq "" "$err" "groff warnings for $page"
  pass "man -l $(basename "$page")"
done
# man finds the installed pages through MANPATH, as it would under /usr.
run env MANPATH="$P/share/man" MANWIDTH=80 man 7 sensorpipe
assert_eq 0 "$status" "man 7 sensorpipe via MANPATH"
assert_contains "$out" "DELIVERY GUARANTEES" "man 7 sensorpipe"

# Docs, examples, units and their runner.
for f in share/doc/sensorpipe/README.md share/doc/sensorpipe/copyright \
  share/sensorpipe/examples/sensorpipe.cron share/sensorpipe/systemd/sensorpipe.env.example \
  lib/systemd/system/sensorpipe@.service lib/systemd/system/sensorpipe-sim@.service \
  share/sensorpipe/systemd/sensorpipe@.service libexec/sensorpipe/sensorpipe-pipeline; do
  [[ -e $P/$f ]] || fail "$f not installed"
done
[[ -x $P/libexec/sensorpipe/sensorpipe-pipeline ]] || fail "sensorpipe-pipeline not executable"
# The fleet's examples (sensorpipe(7) "Scaling out"; system.fleet runs them from the source tree).
for f in fleet-site.conf fleet-central.conf fleet-ingest1.env fleet-ingest2.env; do
  [[ -f $P/share/sensorpipe/examples/$f ]] || fail "share/sensorpipe/examples/$f not installed"
done
[[ -x $P/share/sensorpipe/examples/fleet-ingest.sh ]] || fail "share/sensorpipe/examples/fleet-ingest.sh not installed executable"
unit=$(cat "$P/lib/systemd/system/sensorpipe@.service")
assert_contains "$unit" "ExecStart=$P/libexec/sensorpipe/sensorpipe-pipeline" "unit names the installed runner"
assert_contains "$unit" "$P/bin/db-store -d" "unit names the installed db-store"
assert_not_contains "$unit" "@BINDIR@" "unit fully configured"
pass "docs, examples, units"

# The installed ws-serve finds the installed dashboard relative to its own location.
if [[ -x $P/bin/ws-serve ]]; then
  index=$P/share/sensorpipe/www/index.html
  [[ -f $index ]] || fail "dashboard not installed in share/sensorpipe/www"
  port=$(free_port)
  mkfifo "$T/ws.in"
  exec 3<>"$T/ws.in" # ws-serve's stdin stays open (no EOF) while the test runs
  cd "$T"
  echo '{"sensor":"installed/t","value":1}' | "$P/bin/db-store" -d "$T/home.db" --quiet
  sp_spawn "$P/bin/ws-serve" --listen "127.0.0.1:$port" -d "$T/home.db" <&3 >"$T/ws.out" 2>"$T/ws.err"
  # Its own start-up line, not just an open port (another test's server could have taken it).
  wait_text "$T/ws.err" "serving http://127.0.0.1:$port/"
  run curl -fsS "http://127.0.0.1:$port/"
  assert_eq 0 "$status" "GET / from the installed ws-serve ($err; $(cat "$T/ws.err"))"
  assert_eq "$(cat "$index")" "$out" "GET / is the installed index.html"
  run curl -fsS "http://127.0.0.1:$port/api/sensors"
  assert_contains "$out" "installed/t" "GET /api/sensors from the installed ws-serve"
  run curl -fsS "http://127.0.0.1:$port/healthz"
  assert_eq 0 "$status" "GET /healthz from the installed ws-serve"
  pass "installed ws-serve serves the installed dashboard"
fi
