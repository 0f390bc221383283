# The back-fill progress bar appears on stderr only when stderr is a terminal,
# never mixes into stdout, and has no colour under NO_COLOR. The bar draws its first frame
# at once and its last at 100%, so an hour of back-fill shows it as well as a day did.
source "$SP_SRC/tests/lib/common.sh"
command -v script >/dev/null || fail "script(1) is needed (bsdutils)"
run sensor-sim --from -1h --interval 1s
assert_eq "" "$err" "no progress bar when stderr is not a terminal"
script -qec "sensor-sim --from -1h --interval 1s 2>&1 >/dev/null" /dev/null >"$T/tty" </dev/null
assert_contains "$(cat "$T/tty")" "sensor-sim [" "progress bar on a terminal"
assert_contains "$(cat "$T/tty")" "%" "progress percentage"
assert_contains "$(cat "$T/tty")" $'\e[32m' "colour on a terminal"
NO_COLOR=1 script -qec "sensor-sim --from -1h --interval 1s 2>&1 >/dev/null" /dev/null >"$T/tty" </dev/null
assert_contains "$(cat "$T/tty")" "sensor-sim [" "progress bar under NO_COLOR"
assert_not_contains "$(cat "$T/tty")" $'\e[32m' "no colour under NO_COLOR"
pass "progress bar"
