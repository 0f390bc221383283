# Helpers for the sensor-watch tests (sourced after tests/lib/common.sh).

# r SENSOR EPOCH_SECONDS VALUE: one reading line.
r() { printf '{"sensor":"%s","ts":%s,"value":%s}\n' "$1" "$2" "$3"; }

# events FILE: the alert events of FILE as "rule subject state" lines.
events() {
  grep '"kind":"alert"' "$1" | sed -E 's/.*"rule":"([^"]*)","subject":"([^"]*)","state":"([^"]*)".*/\1 \2 \3/' || true
}

# field NAME LINE: a string or number field of a JSON line.
field() { sed -E 's/.*"'"$1"'":("([^"]*)"|([^,}]*)).*/\2\3/' <<<"$2"; }
