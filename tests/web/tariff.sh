# ws-serve --tariff and --currency: the page's prices from GET /api/config (normalised to a
# price per kWh and per litre, behind the token like the rest of /api/), no tariff when none
# is given, and every kind of bad tariff or currency a usage error naming the flag.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
cd "$T"

start_ws_serve
body=$(curl -s "$HTTP_URL/api/config")
assert_eq '{"currency":"EUR","tariffs":[]}' "$body" "no tariff: no prices, the default currency"

echo secret-token >token
start_ws_serve --tariff 0.30/kWh --tariff 2.5/m3 --currency CHF --token-file token
code=$(curl -s -o /dev/null -w '%{http_code}' "$HTTP_URL/api/config")
assert_eq 401 "$code" "/api/config needs the token like the other /api/ endpoints"
body=$(curl -s -H 'Authorization: Bearer secret-token' "$HTTP_URL/api/config")
assert_eq '"CHF"' "$(j 'b.currency' <<<"$body")" "the currency"
assert_eq '[["energy",0.3,"kWh","kWh",0.3],["water",2.5,"m³","L",0.0025]]' \
  "$(j 'b.tariffs.map(t=>[t.quantity,t.price,t.unit,t.base_unit,t.per_base])' <<<"$body")" \
  "tariffs as given and per base unit (2.5 per m³ is 0.0025 per litre)"
start_ws_serve --tariff 0.25/Wh --tariff 0.004/L
assert_eq '[250,0.004]' "$(curl -s "$HTTP_URL/api/config" | j 'b.tariffs.map(t=>t.per_base)')" \
  "Wh prices become per-kWh prices, litre prices stay"

bad() { # EXPECTED-STDERR ARGS...
  local want=$1
  shift
  run ws-serve --listen 127.0.0.1:0 "$@"
  assert_eq 2 "$status" "ws-serve $* is a usage error"
  assert_contains "$err" "$want" "ws-serve $*: the reason"
  assert_contains "$err" "Try 'ws-serve --help'" "ws-serve $*: the hint"
}
bad 'ws-serve: error: --tariff: expected PRICE/UNIT such as 0.30/kWh or 2.5/m3, got "0.30"' --tariff 0.30
bad '--tariff: the price must be a non-negative decimal number such as 0.30, got "-1/kWh"' --tariff -1/kWh
bad '--tariff: the price must be a non-negative decimal number such as 0.30, got "cheap/kWh"' --tariff cheap/kWh
bad '--tariff: the unit must be one of kWh, Wh, MWh (energy) or m3, L (water), got "3/gal"' --tariff 3/gal
bad '--tariff: one price per quantity ("1/MWh" is a second energy tariff)' --tariff 0.3/kWh --tariff 1/MWh
bad '--currency: expected an ISO 4217 code such as EUR or USD, got "€"' --currency €
pass "tariffs reach the page through /api/config; bad ones are usage errors naming the flag"
