#!/usr/bin/env bash
# Recordings per machine (issue 9): how many sealed 720p30 recordings of a 9-person room keep real time
# next to its live 720p mix on this machine. Needs a built tree (mvn install -DskipTests).
# Usage: benchmarks/recordings.sh [PEOPLE] [SECONDS_PER_STEP] [MAX_RECORDINGS]   (defaults 9, 20, 8)
# Results go to docs/BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "recordings.sh: $(date -u +%FT%TZ) on $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
mvn -B -o -q -pl engine test -Dtest=RecordingCapacityBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dams.bench.people="${1:-9}" -Dams.bench.seconds="${2:-20}" -Dams.bench.maxRecordings="${3:-8}" \
  -DtrimStackTrace=false 2>&1 | grep -E "^recordings benchmark|FAIL|Tests run" || true
