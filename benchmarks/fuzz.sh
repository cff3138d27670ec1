#!/usr/bin/env bash
# Runs every Jazzer fuzz target (@FuzzTest) in fuzzing mode for a fixed time each and prints a table of
# executions per target. A plain `mvn test` runs the same targets in regression mode (committed seed
# corpus and kept findings only); this script is the fuzzing.
#
#   benchmarks/fuzz.sh [SECONDS_PER_TARGET]     default 150 (the long run recorded in docs/BENCHMARKS.md)
#   benchmarks/fuzz.sh --ci                     20 s per target, what .ci/run does
#
# Environment: MVN_FLAGS (e.g. "-o" for offline), FUZZ_TEST (a surefire -Dtest pattern, default all
# targets: '*FuzzTest'), FUZZ_LOG (default target/fuzz/fuzz.log).
#
# How: one Maven run over rtp, sfu-sidecar and engine with JAZZER_FUZZ=1 and a fresh JVM per test class
# (-DreuseForks=false): Jazzer fuzzes one @FuzzTest per JVM, and each *FuzzTest class holds exactly one.
# The time limit is passed to libFuzzer as -max_total_time (jazzer-junit 0.24 has no property for it; a
# later libFuzzer flag overrides the annotation's maxDuration), -timeout=10 makes an input that runs
# for 10 s a finding (a hang). The generated corpus stays in <module>/.cifuzz-corpus/ (ignored by git)
# and is reused by the next run. A finding fails the run and leaves its input in
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-*: fix the code, keep the file
# (renamed to say what it is) as a regression input.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=150
if [ "${1:-}" = "--ci" ]; then
  seconds=20
elif [ -n "${1:-}" ]; then
  seconds=$1
fi
log=${FUZZ_LOG:-target/fuzz/fuzz.log}
mkdir -p "$(dirname "$log")"

start=$(date +%s)
echo "fuzz: ${seconds}s per target, pattern ${FUZZ_TEST:-*FuzzTest}, log $log"
# shellcheck disable=SC2086
JAZZER_FUZZ=1 mvn -B ${MVN_FLAGS:-} -pl rtp,sfu-sidecar,engine -am test \
  -Dtest="${FUZZ_TEST:-*FuzzTest}" -Dsurefire.failIfNoSpecifiedTests=false -DreuseForks=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  -Djazzer.internal.arg.2=-timeout=10 >"$log" 2>&1
rc=$?
end=$(date +%s)

# per test class: "Running <class>" (surefire) ... "Done N runs in S second(s)" (libFuzzer)
awk '
  /\[INFO\] Running io\.ams\./ { cls = $NF }
  /^Done [0-9]+ runs in [0-9]+ second/ { runs[cls] = $2; secs[cls] = $5; order[++n] = cls }
  /Test unit written to/ { crash[cls] = $NF }
  END {
    printf "%-48s %14s %8s %12s\n", "target", "executions", "seconds", "exec/s"
    for (i = 1; i <= n; i++) {
      c = order[i]
      rate = 0
      if (secs[c] > 0) rate = runs[c] / secs[c]
      note = ""
      if (c in crash) note = "  FINDING: " crash[c]
      printf "%-48s %14d %8d %12d%s\n", c, runs[c], secs[c], rate, note
    }
  }' "$log"
grep -a "Tests run:.*Fail" "$log" | grep -a -v " -- in " | tail -3
echo "fuzz: exit $rc after $((end - start)) s (log: $log)"
if [ $rc -ne 0 ]; then
  grep -a -B2 -A12 "FuzzTestFindingException\|BUILD FAILURE" "$log" | head -60
fi
exit $rc
