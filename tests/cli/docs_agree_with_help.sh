# Docs cannot drift: every option in a tool's --help is in its man page, and the
# committed completions are exactly what the tool generates from its option table
# and load in real bash, zsh and fish.
source "$SP_SRC/tests/lib/common.sh"
tools=$(sp_tools)
[[ -n "$tools" ]] || fail "no tools built"
size_units="is a number of bytes, optionally followed by k, M or G (1024, 1024\\(ha2, 1024\\(ha3; any case, KiB and MB forms too), as in 64k or 1M."
duration_units="a number and a unit: ms, s, m (or min), h, d, w (7 days) or y (365 days), combined as in 1h30m; a bare number means seconds."
assert_contains "$(tr '\n' ' ' <"$SP_SRC/man/sensorpipe.7")" "$duration_units" "man/sensorpipe.7 lists the duration units"
for tool in $tools; do
  man="$SP_SRC/man/$tool.1"
  [[ -f "$man" ]] || fail "$tool has no man page man/$tool.1"
  man_text=$(sed 's/\\-/-/g' "$man")
  options=$("$tool" --help | grep -oE '(^|[ ,])--[a-z][a-z0-9-]+' | sed 's/^[ ,]*//' | sort -u)
  for opt in $options; do
    assert_contains "$man_text" "$opt" "man/$tool.1 documents $opt"
  done
  # Every tool parses durations with core/time.h parse_duration: its page lists the same units.
  if grep -q DURATION "$man"; then
    assert_contains "$(tr '\n' ' ' <"$man")" "$duration_units" "man/$tool.1 lists the duration units"
  fi
  if grep -q SIZE "$man"; then # and sizes with cli/values.h parse_size
    assert_contains "$(tr '\n' ' ' <"$man")" "$size_units" "man/$tool.1 lists the size units"
  fi
  for shell in bash zsh fish; do
    case $shell in
      bash) file="$SP_SRC/completions/bash/$tool" ;;
      zsh) file="$SP_SRC/completions/zsh/_$tool" ;;
      fish) file="$SP_SRC/completions/fish/$tool.fish" ;;
    esac
    [[ -f "$file" ]] || fail "$tool has no $shell completion ($file)"
    diff <("$tool" --completion $shell) "$file" >/dev/null ||
      fail "$file is stale: regenerate with scripts/gen-completions"
  done
  # Load each completion in its real shell and ask it for options.
  got=$(bash -c "source '$SP_SRC/completions/bash/$tool'; COMP_WORDS=($tool --); COMP_CWORD=1; _${tool//-/_}; printf '%s\n' \"\${COMPREPLY[@]}\"")
  for opt in $options; do assert_contains "$got" "$opt" "bash completion of $tool offers $opt"; done
  if command -v fish >/dev/null; then
    got=$(fish -c "source '$SP_SRC/completions/fish/$tool.fish'; complete -C '$tool --'")
    for opt in $options; do assert_contains "$got" "$opt" "fish completion of $tool offers $opt"; done
  else
    fail "fish is not installed (scripts/deps.sh installs it)"
  fi
  if command -v zsh >/dev/null; then
    zsh -fc "autoload -U compinit; compinit -u -D; fpath=('$SP_SRC/completions/zsh' \$fpath); autoload -U _$tool; whence -w _$tool" >/dev/null ||
      fail "zsh cannot load completions/zsh/_$tool"
  else
    fail "zsh is not installed (scripts/deps.sh installs it)"
  fi
  pass "$tool: --help, man page and completions agree"
done
