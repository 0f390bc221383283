#!/bin/sh
# fleet-ingest.sh: the pipeline of one ingest host of a fleet (central broker -> mqtt-ingest --group -> db-store -> PostgreSQL).
# Usage: fleet-ingest.sh [ENVFILE]   e.g. fleet-ingest.sh /etc/sensorpipe/fleet-ingest1.env
# ENVFILE (fleet-ingest1.env is an example) sets SENSORPIPE_BROKER, SENSORPIPE_DB,
# FLEET_GROUP, FLEET_TOPIC and FLEET_CLIENT_ID; without it they come from the environment.
# FLEET_KEEPALIVE (default 30s) is how soon a dead link to the broker is noticed (1.5 times it).
# Tested by tests/system/fleet.sh, which runs this very script; see "Scaling out" in sensorpipe(7).
#
# Why these options: --group makes the broker give each message to one member of the group
# (MQTT 5 shared subscription); --persistent with a fixed client id keeps this host's session
# while it is away, so the messages the broker gave it (in flight or queued) are delivered
# when it is back instead of being lost; QoS 1 means a message is acknowledged only once
# mqtt-ingest has written it to db-store, so one may come twice after a cut, and db-store
# stores it once (keyed by sensor and time). SIGTERM/SIGINT stop mqtt-ingest, db-store then
# commits everything it has and both exit; db-store -v says on stderr what it stored.
set -eu
if [ $# -gt 0 ]; then
  set -a
  # shellcheck disable=SC1090 # the settings file named by the user
  . "$1"
  set +a
fi
: "${SENSORPIPE_BROKER:?}" "${SENSORPIPE_DB:?}" "${FLEET_GROUP:?}" "${FLEET_TOPIC:?}" "${FLEET_CLIENT_ID:?}"
export SENSORPIPE_BROKER SENSORPIPE_DB

dir=$(mktemp -d "${TMPDIR:-/tmp}/fleet-ingest.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/readings"
db-store -q -v <"$dir/readings" &
store=$!
mqtt-ingest --protocol 5 -q 1 --group "$FLEET_GROUP" --persistent -i "$FLEET_CLIENT_ID" \
  --keepalive "${FLEET_KEEPALIVE:-30s}" -t "$FLEET_TOPIC" >"$dir/readings" &
ingest=$!
# A signal to this script stops the reader end first; db-store follows at the end of its input.
trap 'kill -TERM "$ingest" 2>/dev/null || true' TERM INT

# wait returns early (status > 128) when a trapped signal arrives: wait again then.
wait_for() {
  while :; do
    rc=0
    wait "$1" || rc=$?
    if [ "$rc" -gt 128 ] && kill -0 "$1" 2>/dev/null; then continue; fi
    return "$rc"
  done
}
ingest_rc=0
store_rc=0
wait_for "$ingest" || ingest_rc=$?
wait_for "$store" || store_rc=$?
[ "$store_rc" -ne 0 ] && exit "$store_rc"
exit "$ingest_rc"
