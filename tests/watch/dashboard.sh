# The dashboard's active-alerts banner, in real headless Chromium, fed by sensor-watch | ws-serve
# (an alert from before the page opened, a live one, resolutions, no alert cards).
source "$SP_SRC/tests/lib/common.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium is not installed (scripts/deps.sh installs it)"
node "$SP_SRC/tests/watch/dashboard.js" "$(free_port)"
