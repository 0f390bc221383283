# Every tool: --help on stdout with exit 0, --version naming sensorpipe and its
# libraries, usage errors as "tool: error: ..." plus the --help hint with exit 2.
source "$SP_SRC/tests/lib/common.sh"
version=$(sed -n 's/^project(sensorpipe VERSION \([0-9.]*\).*/\1/p' "$SP_SRC/CMakeLists.txt")
tools=$(sp_tools)
[[ -n "$tools" ]] || fail "no tools built"
for tool in $tools; do
  run "$tool" --help
  assert_eq 0 "$status" "$tool --help exit status"
  assert_contains "$out" "Usage:" "$tool --help"
  assert_eq "" "$err" "$tool --help stderr"

  run "$tool" --version
  assert_eq 0 "$status" "$tool --version exit status"
  assert_contains "$out" "$tool (sensorpipe) $version" "$tool --version"
  assert_contains "$out" "CLI11" "$tool --version lists libraries"

  run "$tool" --no-such-flag
  assert_eq 2 "$status" "$tool with an unknown flag"
  assert_contains "$err" "$tool: error:" "$tool usage error message"
  assert_contains "$err" "Try '$tool --help' for more information." "$tool usage error hint"
  assert_eq "" "$out" "$tool usage error stdout"
  pass "$tool"
done
