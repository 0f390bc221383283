# The dashboard in real headless Chromium (playwright-core + Debian's /usr/bin/chromium):
# history drawn on open, live readings in card and chart (time taken printed), slider commands on stdout,
# recovery after a ws-serve restart, no console errors. Saves a screenshot artifact
# to $SP_BUILD/artifacts/dashboard.png.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium is not installed (scripts/deps.sh installs it)"
mkdir -p "$SP_BUILD/artifacts"
node "$SP_SRC/tests/web/browser.js" "$SP_BIN/ws-serve" "$SP_BUILD/artifacts/dashboard.png"
