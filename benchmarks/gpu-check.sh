#!/usr/bin/env bash
# The one prepared GPU check (issue 14 part 7): builds the self-contained bundle
# (benchmarks/gpu-bundle.sh) and, with --run, also runs it on this machine.
#
#   benchmarks/gpu-check.sh BUNDLE_DIR            builds BUNDLE_DIR/ams-gpu.tar.xz (for a GPU machine
#                                                 without Java, Maven or network: carry it there and run
#                                                 tar xJf ams-gpu.tar.xz && ./ams-gpu/run.sh RESULTS)
#   benchmarks/gpu-check.sh BUNDLE_DIR --run OUT  builds it, unpacks it and runs it here into OUT:
#                                                 on a machine without a GPU that is the dry run (GPU
#                                                 tests reported as skipped, exit 0); with a GPU,
#                                                 any skipped GPU test fails the check (exit 4)
#
# Environment: as gpu-bundle.sh (AMS_MVN_OPTS, AMS_BUNDLE_SKIP_BUILD=1) and run.sh (AMS_JMH_ARGS,
# AMS_JAVA_OPTS). RESULTS/run.log holds everything the run printed, RESULTS/junit/ the reports.
set -euo pipefail
if [ $# -ne 1 ] && { [ $# -ne 3 ] || [ "$2" != "--run" ]; }; then
  echo "usage: $0 BUNDLE_DIR [--run OUT]" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
"$here/gpu-bundle.sh" "$dir/"
if [ $# -eq 3 ]; then
  rm -rf "$dir/ams-gpu"
  tar -C "$dir" -xJf "$dir/ams-gpu.tar.xz"
  exec "$dir/ams-gpu/run.sh" "$3"
fi
