#!/usr/bin/env bash
# Uplink bytes of a Chromium room with and without dynamic resolution (issue 7 benchmark).
# Needs Debian chromium + chromium-driver (.ci/run installs them) and a built tree (mvn install -DskipTests).
# Usage: benchmarks/uplink-bytes.sh [PEOPLE]   (default 9; results go to docs/BENCHMARKS.md by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-9}"
mvn -B -o -q -pl app test -Dtest=UplinkBytesBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dams.bench.people="$people" \
  -DtrimStackTrace=false 2>&1 | grep -E "^uplink bytes|FAIL|Tests run" || true
