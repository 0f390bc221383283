# Every page in man/ renders without a single troff warning (long lines that cannot be
# broken or adjusted included), both through groff directly and through man(1) at the
# width of a terminal, as a user reads it.
source "$SP_SRC/tests/lib/common.sh"
pages=("$SP_SRC"/man/*.[1-8])
((${#pages[@]} >= 7)) || fail "expected every man page in man/, found ${#pages[@]}"
for page in "${pages[@]}"; do
  run groff -man -ww -z -Tutf8 "$page"
  assert_eq 0 "$status" "groff on $(basename "$page")"
  assert_eq "" "$err" "groff warnings for man/$(basename "$page")"
  for width in 80 120; do
    run env MANWIDTH=$width MAN_KEEP_FORMATTING=0 man --warnings -l "$page"
    assert_eq 0 "$status" "man -l $(basename "$page")"
    assert_eq "" "$err" "man --warnings at MANWIDTH=$width for man/$(basename "$page")"
    assert_contains "$(sed 's/.\x08//g' <<<"$out")" "NAME" "man -l $(basename "$page") renders" # overstrike bold undone
  done
  pass "man/$(basename "$page") renders cleanly"
done
