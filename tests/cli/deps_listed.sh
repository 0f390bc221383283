# Every external command the tests, their helpers, the scripts and the man pages' examples
# run comes from a Debian package that scripts/deps.sh installs (or from one that every
# Debian system has: Essential or Priority required, what debootstrap --variant=minbase
# installs). A fresh machine that ran scripts/deps.sh then runs the whole suite.
# Why a test rather than a `command -v` list in each area's lib: a list has to be kept up
# to date by hand, which is how jq went missing; this reads the scripts themselves.
source "$SP_SRC/tests/lib/common.sh"
command -v dpkg-query >/dev/null || fail "dpkg-query is needed (this check knows Debian packages only)"

# The packages scripts/deps.sh installs: every word inside its *_PACKAGES=( ... ) lists.
listed=$(sed -n '/^[A-Z]*_PACKAGES=(/,/)/p' "$SP_SRC/scripts/deps.sh" | sed -e 's/^[A-Z]*_PACKAGES=(//' -e 's/[()]//g' -e 's/#.*//' |
  tr -s ' \t' '\n\n' | grep -v '^$' | sort -u)
[[ $(wc -l <<<"$listed") -ge 10 ]] || fail "could not read the package lists of scripts/deps.sh: [$listed]"

# Words in command position: at the start of a line or after | ; & ( $( ` ! and after the
# words that run another command (run, sp_spawn, poll_until N, timeout N, env VAR=..., exec,
# xargs, if/then/do/...). A heuristic, but one that finds every command in today's scripts.
# (deps.sh itself is left out: it names packages, not commands.)
scripts=("$SP_SRC"/tests/*/*.sh "$SP_SRC"/tests/lib/*.sh "$SP_SRC/scripts/gen-completions")
for f in "$SP_SRC"/scripts/*.sh; do [[ $f == */deps.sh ]] || scripts+=("$f"); done
examples=$(for page in "$SP_SRC"/man/*.[17]; do man_examples "$page"; done)
# Here-document bodies (SQL, JSON) are text, not commands; functions the scripts define are not programs.
functions=$(cat "${scripts[@]}" | sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\)()[[:space:]]*{.*/\1/p' | sort -u)
words=$({ cat "${scripts[@]}"; printf '%s\n' "$examples"; } | sed -e 's/^[[:space:]]*#.*//' | perl -ne '
  if (defined $end) { undef $end if /^\s*\Q$end\E$/; next }
  $end = $1 if /<<-?\s*["\x27]?(\w+)["\x27]?/;
  my $pre = qr/(?:^|[|;&(`!{]|\$\(|\b(?:then|do|else|elif|if|while|until|exec|run|sp_spawn|xargs|command -v|time)\b)/;
  my $runner = qr/(?:\s+(?:poll_until\s+\d+|timeout(?:\s+-\w+(?:\s+\w+)?)*\s+[\d.]+[smh]?|env(?:\s+-\w+)*(?:\s+\w+=\S*)*|sudo|nice|setsid(?:\s+-\w)*|[A-Z_][A-Z0-9_]*=\S*))*/;
  while (/$pre$runner\s*([a-z][a-z0-9_.+-]*)(?=\s|$|[;|&)])(?!\s+AS\b)/g) { print "$1\n" }' | sort -u)

# Where each program lives, and (in one dpkg call: each call is slow on a loaded machine) which
# package owns it: with merged /usr a file is registered under /bin or /usr/bin, either one.
declare -A where is_function is_listed
for f in $functions; do is_function[$f]=1; done
for p in $listed; do is_listed[$p]=1; done
# What a listed package pulls in is installed too (postgresql -> postgresql-15 ->
# postgresql-client-15 -> postgresql-client-common): three levels of Depends.
for level in 1 2 3; do
  for dep in $(dpkg-query -W -f '${Depends},${Pre-Depends}\n' "${!is_listed[@]}" 2>/dev/null | tr ',|' '\n\n' |
    sed -e 's/([^)]*)//g' -e 's/:any//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u); do
    is_listed[$dep]=1
  done
done
for w in $words; do
  case $w in # shell keywords and builtins that also exist as programs
    if | then | else | elif | fi | do | done | while | until | for | case | esac | in | function | time | \
      echo | printf | test | true | false | kill | pwd | read | cd | set | exec | command | type | wait | trap | \
      local | export | source | return | exit | shift | unset | declare | eval | let | mapfile | break | continue) continue ;;
  esac
  [[ -n ${is_function[$w]:-} ]] && continue
  # Debian's own directories first: a fresh machine has no pyenv shims or /usr/local tools.
  path=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin type -P "$w" 2>/dev/null || PATH=${PATH//"$SP_BIN:"/} type -P "$w" 2>/dev/null) ||
    continue # not a program (a word in text)
  [[ $path == "$SP_SRC"/* || $path == "$SP_BUILD"/* ]] && continue
  where[$w]=$(readlink -f "$path")
done
candidates=()
for real in "${where[@]}"; do candidates+=("$real" "${real#/usr}" "/usr${real#/usr}"); done
declare -A owner
while IFS= read -r line; do
  owner[${line#*: }]=${line%%: *}
done < <(dpkg -S "${candidates[@]}" 2>/dev/null | grep -v '^diversion ')
declare -A meta
while read -r pkg info; do meta[$pkg]=$info; done < <(dpkg-query -W -f '${Package} ${Essential} ${Priority}\n' 2>/dev/null)

problems=()
checked=0
for w in "${!where[@]}"; do
  real=${where[$w]}
  pkg=${owner[$real]:-${owner[${real#/usr}]:-${owner[/usr${real#/usr}]:-}}}
  [[ -n $pkg ]] || { problems+=("$w ($real) belongs to no Debian package"); continue; }
  pkg=${pkg%%,*}
  pkg=${pkg%%:*}
  checked=$((checked + 1))
  [[ -n ${is_listed[$pkg]:-} ]] && continue
  [[ $pkg == nodejs ]] && continue # deps.sh accepts any working node (e.g. NodeSource's)
  info=${meta[$pkg]:-}
  [[ $info == yes* || $info == *required ]] && continue
  problems+=("$w is in package $pkg, which scripts/deps.sh does not install")
done
((checked >= 20)) || fail "found only $checked commands in the scripts: the command-position heuristic broke? words: $words"
((${#problems[@]} == 0)) || fail "commands the tests run that a fresh machine would lack:$(printf '\n  %s' "${problems[@]}")"
pass "$checked commands the tests run come from packages scripts/deps.sh installs or every Debian system has"
