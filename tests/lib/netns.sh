# Hosts for tests on one machine: network namespaces wired to one switch (bash; source it).
#   source "$SP_SRC/tests/lib/common.sh"; source "$SP_SRC/tests/lib/netns.sh"
#   ns_hosts 10.77.0 site central db   hosts "site" (10.77.0.2), "central" (.3), "db" (.4)
#   ns_addr db                          -> 10.77.0.4
#   ns_exec db CMD...                   runs CMD in db's namespace (exec: CMD keeps the PID)
#   ns_spawn db CMD... <IN              the same in the background, stopped at exit ($! = its PID)
#   link_down db / link_up db           cut / restore db's cable to the switch
# Each host is a namespace with one veth link (eth0, a /24 address) whose other end is a
# port of a bridge in a switch namespace of its own, so nothing is ever added to the
# machine's own namespace: no address or route of the test can clash with the machine's
# or with another run's (every run has its own switch), and deleting the namespaces
# deletes every link. Needs root and iproute2; ns_hosts fails, with the reason, when
# namespaces cannot be made (a test must fail then, not skip: a skip would pass in CI).
#
# Clean-up, whatever happens: namespaces are named "spn<PID>-<host>" after this shell's
# PID; at exit (the EXIT trap, after the traps set before, so processes the test started
# stop first) every process still inside them is stopped by PID and the namespaces are
# deleted. A run that was killed (SIGKILL, ctest's timeout) leaves its namespaces behind:
# the next ns_hosts removes every "spn<PID>-*" whose PID is no longer alive, likewise.

NS_PREFIX="spn$$-"
NS_HOSTS=()
declare -A NS_ADDR=()

# _ns_stop NAMESPACE...: stops every process inside the namespaces (TERM, then KILL after
# up to 5 s), by PID, then deletes them. Quiet; never fails.
_ns_stop() {
  local ns pids=() pid
  for ns in "$@"; do
    mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done
  return 0
}

_ns_cleanup() {
  local mine=()
  mapfile -t mine < <(ip netns list 2>/dev/null | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }')
  ((${#mine[@]} == 0)) || _ns_stop "${mine[@]}"
  return 0
}

# _ns_reap_stale: removes the namespaces of runs whose shell is gone.
_ns_reap_stale() {
  local ns pid stale=()
  while read -r ns _; do
    [[ $ns =~ ^spn([0-9]+)- ]] || continue
    pid=${BASH_REMATCH[1]}
    ((pid == $$)) && continue
    kill -0 "$pid" 2>/dev/null || stale+=("$ns")
  done < <(ip netns list 2>/dev/null)
  if ((${#stale[@]})); then
    echo "netns.sh: removing namespaces left by a killed run: ${stale[*]}" >&2
    _ns_stop "${stale[@]}"
  fi
}

# ns_hosts NET HOST...: makes the switch and one host per name; host k (from 0) gets
# NET.(k+2)/24 on eth0 and loopback up. Sets up the clean-up first, so a failure half-way
# leaves nothing behind.
ns_hosts() {
  local net=$1 prev k=2 h sw hosts=("${@:2}")
  [[ $(id -u) -eq 0 ]] || fail "this test builds hosts with network namespaces and needs root (it runs as $(id -un)); it does not skip, since a skipped test would count as passed"
  command -v ip >/dev/null || fail "no 'ip' command: install iproute2 (scripts/deps.sh)"
  _ns_reap_stale
  eval "set -- $(trap -p EXIT)"
  prev=${3:-}
  # shellcheck disable=SC2064 # the earlier trap is meant to be expanded now
  trap "${prev:+$prev; }_ns_cleanup" EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  sw="${NS_PREFIX}switch"
  ip netns add "$sw" 2>"$T/netns.err" ||
    fail "cannot make a network namespace ($(cat "$T/netns.err")): this test needs 'ip netns' (root, a kernel with network namespaces)"
  ip -n "$sw" link add br0 type bridge || fail "cannot make a bridge in namespace $sw"
  ip -n "$sw" link set dev br0 up
  for h in "${hosts[@]}"; do
    ip netns add "$NS_PREFIX$h" || fail "cannot make namespace $NS_PREFIX$h"
    ip link add eth0 netns "$NS_PREFIX$h" type veth peer name "p-$h" netns "$sw" ||
      fail "cannot make the link of host $h"
    ip -n "$sw" link set dev "p-$h" master br0
    ip -n "$sw" link set dev "p-$h" up
    ip -n "$NS_PREFIX$h" addr add "$net.$k/24" dev eth0
    ip -n "$NS_PREFIX$h" link set dev eth0 up
    ip -n "$NS_PREFIX$h" link set dev lo up
    NS_ADDR[$h]="$net.$k"
    NS_HOSTS+=("$h")
    k=$((k + 1))
  done
}

ns_name() { echo "$NS_PREFIX$1"; }
ns_addr() {
  [[ -n ${NS_ADDR[$1]:-} ]] || fail "no host $1"
  echo "${NS_ADDR[$1]}"
}
ns_exec() { # HOST CMD...
  local h=$1
  shift
  ip netns exec "$NS_PREFIX$h" "$@"
}
# (Its stdin is the caller's, e.g. "ns_spawn web ws-serve <fifo": bash would give a plain
# background command /dev/null instead.)
ns_spawn() { # HOST CMD...
  local h=$1
  shift
  ip netns exec "$NS_PREFIX$h" "$@" <&0 &
  SP_PIDS+=("$!")
}

# link_down HOST / link_up HOST: pulls / plugs HOST's cable at the switch (the switch's
# port goes down, so HOST's eth0 loses its carrier): packets either way are dropped, as on
# a broken cable; the addresses and the processes' sockets stay as they are.
link_down() { ip -n "${NS_PREFIX}switch" link set dev "p-$1" down; }
link_up() { ip -n "${NS_PREFIX}switch" link set dev "p-$1" up; }

# ns_port_open HOST ADDR PORT: whether something in HOST's namespace accepts TCP on ADDR:PORT.
ns_port_open() { ip netns exec "$NS_PREFIX$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }
# ns_wait_port HOST ADDR PORT [SECONDS]: waits for it (default 30 s).
ns_wait_port() {
  poll_until "${4:-30}" ns_port_open "$1" "$2" "$3" || fail "nothing listens on $2:$3 as seen from host $1"
}
