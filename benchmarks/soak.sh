#!/usr/bin/env bash
# Soak of the all-in-one server with real aiortc peers (issue 8 part 8): a ramp to the most peers this
# machine holds in one room, a meeting of that many, then join/leave cycles; resources (threads, fds, UDP
# sockets, direct/Netty buffers, native frames and packets, heap, child processes) before and after.
# Needs Debian python3-aiortc (.ci/run installs it) and a built tree (mvn install -DskipTests).
# Usage: benchmarks/soak.sh [CYCLES] [MEETING_MINUTES] [CYCLE_MINUTES] [MAX_PEERS]
#   defaults 1000 cycles, a 10-minute meeting, no time limit on the cycles, at most 16 peers.
#   CYCLE_MINUTES > 0 stops the cycles when that time is spent (the output says how many ran).
#   MVN_ARGS adds Maven options (e.g. MVN_ARGS=-Dmaven.repo.local=/path). Results go to docs/BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
minutes="${2:-10}"
cycle_minutes="${3:-0}"
max_peers="${4:-16}"
echo "soak.sh: $(date -u +%FT%TZ) on $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024) " MiB"}' /proc/meminfo);" \
  "cycles $cycles, meeting $minutes min, cycle time limit $cycle_minutes min, at most $max_peers peers"
# shellcheck disable=SC2086  # MVN_ARGS is a list of options
mvn -B -o -q ${MVN_ARGS:-} -pl app test -Dtest=SoakBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dams.soak.cycles="$cycles" -Dams.soak.meetingMinutes="$minutes" -Dams.soak.cycleMinutes="$cycle_minutes" \
  -Dams.soak.maxPeers="$max_peers" -DtrimStackTrace=false 2>&1 | grep -E "^soak|FAIL|Tests run|ERROR\]" || true
